"""The visibility of files, as a property over random worlds: for every caller, the files
`readable_files` lets through are exactly their own uploads and the files attached to the
subjects the API shows them (`node(id)` of each hazard, record and tip-off; a plan as its
hazard), and `evidenceFile(id)` answers exactly those. A district system, which reads no
records or hazards, reads no file it did not upload."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.visibility.files import readable_files
from domain.duties.models import DutyRecord, DutyRecordUnit
from domain.files.models import PUBLIC_UPLOADER, AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore
from domain.hazards.models import Hazard, HazardPlan, TipOff
from tests.api.files.world import TODAY, subject, world
from tests.api.helpers import pk, reload
from tests.evidence_factories import evidence_file
from tests.factories import gid

Subject = tuple[AttachmentSubject, int, str]  # (kind, row id, the global ID the API reads it by)


async def _subjects(session: AsyncSession, w: dict[str, Any], rnd: random.Random) -> list[Subject]:
    people = ("expert", "boss", "grocer", "head")
    found: list[Subject] = []
    for n in range(4):
        unit = w[rnd.choice(("chem", "food"))]
        who = rnd.choice(people)
        h = Hazard(
            unit_id=unit.id, category_id=w["categories"][w["general"]], grade="GENERAL", title=f"隐患{n}（演示）",
            description="演示", evidence=[], source="SELF_CHECK", found_on=date(2026, 5, 1), found_by=subject(w, who),
            found_by_person_id=w[who].id, state=rnd.choice(("REPORTED", "RECTIFYING", "CLOSED")),
        )  # fmt: skip
        session.add(h)
        await session.flush()
        found.append((AttachmentSubject.HAZARD, h.id, gid("Hazard", h.id)))
        plan = HazardPlan(
            hazard_id=h.id, measures="措施", responsible_person_id=w["boss"].id, funds=Decimal("1.00"),
            deadline=date(2026, 6, 1), contingency_plan="预案", created_by="system",
        )  # fmt: skip
        session.add(plan)
        await session.flush()
        found.append((AttachmentSubject.HAZARD_PLAN, plan.id, gid("Hazard", h.id)))
        who = rnd.choice(people)
        record = DutyRecord(
            kind=rnd.choice(("INSPECTION", "MEETING")), performed_on=date(2026, 5, 1), title=f"记录{n}（演示）",
            recorder=subject(w, who), recorder_person_id=w[who].id,
        )  # fmt: skip
        session.add(record)
        await session.flush()
        session.add(DutyRecordUnit(record_id=record.id, unit_id=w[rnd.choice(("chem", "food"))].id))
        found.append((AttachmentSubject.RECORD, record.id, gid("DutyRecord", record.id)))
    tip = TipOff(
        park_id=w["park"].id, tracking_code=f"DEMO-{rnd.randrange(10**9)}", content="举报（演示）",
        address_hash="0" * 64, status="RECEIVED",
    )  # fmt: skip
    session.add(tip)
    await session.flush()
    found.append((AttachmentSubject.TIP_OFF, tip.id, gid("TipOff", tip.id)))
    return found


@pytest.mark.parametrize("seed", range(4))
async def test_a_file_is_read_exactly_through_its_uploader_or_what_it_is_attached_to(
    seed: int, app: Any, session: AsyncSession, as_: Any, file_store: BlobStore, platform_admin: str
) -> None:
    rnd = random.Random(seed)
    w = await world(session)
    subjects = await _subjects(session, w, rnd)
    callers = {
        "expert": (subject(w, "expert"), w["expert"].id),
        "boss": (subject(w, "boss"), w["boss"].id),
        "grocer": (subject(w, "grocer"), w["grocer"].id),
        "head": (subject(w, "head"), w["head"].id),
        "reader": (w["reader"].subject, None),
        "admin": (platform_admin, None),
    }
    files: list[EvidenceFile] = []
    for _ in range(10):
        uploader = rnd.choice([*callers.values(), (PUBLIC_UPLOADER, None)])
        anonymous = uploader[0] == PUBLIC_UPLOADER
        row = await evidence_file(
            session, file_store, uploader[0], person_id=uploader[1], anonymous=anonymous
        )
        files.append(row)
    attached: dict[int, set[str]] = {f.id: set() for f in files}  # file → global IDs of what shows it
    for file in files:
        for kind, row_id, shown_by in rnd.sample(subjects, rnd.randrange(0, 3)):
            stage = (
                rnd.choice(("FOUND", "RECTIFIED", "VERIFIED")) if kind is AttachmentSubject.HAZARD else None
            )
            session.add(
                EvidenceAttachment(
                    file_id=file.id, subject=kind.value, subject_id=row_id, stage=stage, attached_by="system"
                )
            )
            attached[file.id].add(shown_by)
    await session.flush()
    await reload(app, session)
    app.state.clock = lambda: TODAY

    for name, (who, person_id) in callers.items():
        caller = as_(who)
        shown = set()
        for shown_by in {s[2] for s in subjects}:
            body = await caller("query($id: ID!) { node(id: $id) { id } }", {"id": shown_by})
            if body["data"]["node"] is not None:
                shown.add(shown_by)
        expected = {
            f.id for f in files if (f.uploaded_by == who and not f.anonymous) or attached[f.id] & shown
        }
        reach = app.state.authority.reach(who, person_id, TODAY)
        readable = set((await session.scalars(select(EvidenceFile.id).where(readable_files(reach)))).all())
        assert readable & {f.id for f in files} == expected, name
        answered = set()
        for f in files:
            body = await caller(
                "query($id: ID!) { evidenceFile(id: $id) { id } }", {"id": gid("EvidenceFile", f.id)}
            )
            if body["data"]["evidenceFile"] is not None:
                answered.add(pk(body["data"]["evidenceFile"]["id"]))
        assert answered == expected, name
        if name == "reader":
            assert expected == {f.id for f in files if f.uploaded_by == who}
