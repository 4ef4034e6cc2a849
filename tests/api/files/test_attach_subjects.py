"""Evidence of the other subjects: a 五落实 plan (with the plan, then on the plan in force
only), an exemption request (with the request, by its requester), a tip-off (its reporter's
files only: nobody adds to it through the API)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.models import PUBLIC_UPLOADER, AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore, sha256_hex
from domain.hazards.models import TipOff
from domain.posts import charges
from domain.posts.kinds import PostKind
from tests import factories as f
from tests.api.files.world import ATTACH, ATTACHED, ERRORS, REPORT, TODAY, report_input, subject, world
from tests.api.helpers import ok, refused, reload
from tests.evidence_factories import PNG, evidence_file
from tests.factories import gid

PLAN = f"""mutation($input: SetHazardPlanInput!) {{
  setHazardPlan(input: $input) {{ hazard {{ id plans {{ id evidenceFiles {{ {ATTACHED} }} }} }} {ERRORS} }}
}}"""


def _fid(row: Any) -> str:
    return gid("EvidenceFile", row.id)


async def test_a_plan_takes_files_with_it_and_while_it_is_in_force(
    app: Any, session: AsyncSession, as_: Any, file_store: BlobStore
) -> None:
    w = await world(session)
    boss_s = subject(w, "boss")
    first, second, third = [
        await evidence_file(session, file_store, boss_s, person_id=w["boss"].id) for _ in range(3)
    ]
    await reload(app, session)
    app.state.clock = lambda: TODAY
    expert, boss, food = as_(subject(w, "expert")), as_(boss_s), as_(subject(w, "grocer"))
    hid = ok(await expert(REPORT, report_input(w)))["hazard"]["id"]

    def plan(files: list[str]) -> dict[str, Any]:
        return {
            "input": {
                "hazardId": hid,
                "measures": "加锁并张贴警示标识",
                "responsiblePersonId": gid("Person", w["boss"].id),
                "funds": "200.00",
                "deadline": "2026-06-20",
                "contingencyPlan": "专人值守",
                "files": files,
            }
        }

    plans = ok(await boss(PLAN, plan([_fid(first)])))["hazard"]["plans"]
    assert [[e["file"]["id"] for e in p["evidenceFiles"]] for p in plans] == [[_fid(first)]]
    old = plans[0]["id"]
    plans = ok(await boss(PLAN, plan([])))["hazard"]["plans"]
    new = plans[1]["id"]
    refused(
        await boss(ATTACH, {"input": {"subject": old, "files": [_fid(second)]}}),
        "WRONG_STAGE",
        ["input", "subject"],
    )
    refused(
        await boss(ATTACH, {"input": {"subject": new, "files": [_fid(second)], "stage": "FOUND"}}),
        "INVALID_VALUE",
        ["input", "stage"],
    )
    refused(
        await food(ATTACH, {"input": {"subject": new, "files": [_fid(third)]}}),
        "NOT_FOUND",
        ["input", "subject"],
    )
    made = ok(await boss(ATTACH, {"input": {"subject": new, "files": [_fid(second), _fid(third)]}}))[
        "attachments"
    ]
    assert [(a["stage"], a["file"]["id"]) for a in made] == [(None, _fid(second)), (None, _fid(third))]


async def test_an_exemption_request_takes_files_from_its_requester(
    app: Any, session: AsyncSession, as_: Any, file_store: BlobStore
) -> None:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    await charges.add_charge(session, post_id=deputy.id, unit_id=t["safety"].id, start_date=date(2024, 1, 1))
    leader = await f.person(session, name="赵甲（演示）")
    await f.assign(session, deputy, leader, start=date(2024, 1, 1))
    await f.duty_list(
        session,
        t["park"],
        [PostKind.DEPUTY_IN_CHARGE],
        {"check": {"kinds": ["INSPECTION"], "every": "MONTH"}},
    )
    notice = await evidence_file(
        session, file_store, f"person:{leader.id}", person_id=leader.id, media_type="application/pdf"
    )
    await reload(app, session)
    app.state.clock = lambda: date(2024, 4, 10)
    me = as_(f"person:{leader.id}")
    duties = await me(
        "query($p: ID!) { postDuties(postId: $p) { nodes { dutyItem { id } } } }",
        {"p": gid("Post", deputy.id)},
    )
    (node,) = duties["data"]["postDuties"]["nodes"]
    request = f"""mutation($input: RequestExemptionInput!) {{
      requestExemption(input: $input) {{ record {{ id kind evidenceFiles {{ {ATTACHED} }} }} {ERRORS} }}
    }}"""
    asked = ok(
        await me(
            request,
            {
                "input": {
                    "dutyItemId": node["dutyItem"]["id"],
                    "postId": gid("Post", deputy.id),
                    "from": "2024-03-01",
                    "to": "2024-03-31",
                    "reason": "三月全月外出培训",
                    "files": [_fid(notice)],
                }
            },
        )
    )["record"]
    assert asked["kind"] == "EXEMPTION"
    assert [(e["stage"], e["file"]["id"]) for e in asked["evidenceFiles"]] == [(None, _fid(notice))]
    refused(
        await me(ATTACH, {"input": {"subject": asked["id"], "files": [_fid(notice)]}}),
        "ALREADY_ATTACHED",
        ["input", "files", "0"],
    )


async def test_a_tip_off_s_files_are_its_reporter_s_only(
    app: Any, session: AsyncSession, as_: Any, gql: Any, file_store: BlobStore
) -> None:
    w = await world(session)
    tip = TipOff(
        park_id=w["park"].id, tracking_code="DEMO-TRACK-1", content="仓库消防通道堵塞（演示）", address_hash="0" * 64,
        status="RECEIVED",
    )  # fmt: skip
    session.add(tip)
    content = PNG + "举报照片（演示）".encode()
    await file_store.put(sha256_hex(content), content, "image/png")
    sent = EvidenceFile(
        sha256=sha256_hex(content), size=len(content), media_type="image/png", name="photo.png",
        uploaded_by=PUBLIC_UPLOADER, anonymous=True,
    )  # fmt: skip
    session.add(sent)
    await session.flush()
    # As the public endpoint leaves it (domain.files.tip_offs): an anonymous upload, attached.
    session.add(
        EvidenceAttachment(
            file_id=sent.id,
            subject=AttachmentSubject.TIP_OFF.value,
            subject_id=tip.id,
            attached_by=PUBLIC_UPLOADER,
        )
    )
    await session.flush()
    mine = await evidence_file(session, file_store, subject(w, "boss"), person_id=w["boss"].id)
    await reload(app, session)
    read = f"query($id: ID!) {{ node(id: $id) {{ ... on TipOff {{ evidenceFiles {{ {ATTACHED} }} }} }} }}"
    shown = (await gql(read, {"id": gid("TipOff", tip.id)}))["data"]["node"]["evidenceFiles"]
    assert [(e["file"]["id"], e["attachedBy"]) for e in shown] == [(_fid(sent), None)]
    # The park's safety office reads it, and still may not add to what the public said.
    refused(
        await gql(ATTACH, {"input": {"subject": gid("TipOff", tip.id), "files": [_fid(sent)]}}),
        "FORBIDDEN",
        ["input", "subject"],
    )
    # The enterprise does not even see it.
    refused(
        await as_(subject(w, "boss"))(
            ATTACH, {"input": {"subject": gid("TipOff", tip.id), "files": [_fid(mine)]}}
        ),
        "NOT_FOUND",
        ["input", "subject"],
    )
