"""The hazard ledger through HTTP: a major hazard from an agency's finding to 销号, and
every illegal move refused with nothing changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards.models import HazardCategory, HazardNotice
from domain.posts.kinds import PostKind
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.factories import gid

HAZARD = """
fragment H on Hazard {
  id state grade version deadline closedOn overdue daysLeft
  foundBy foundByNode { __typename ... on Person { id } }
  plan { measures funds deadline responsiblePerson { id } createdBy createdByNode { ... on Person { id } } }
  history { id kind fromState toState actor actorNode { __typename ... on Person { id name } } note }
  notices { kind noticeKind unit { id } }
}"""

REPORT = (
    HAZARD
    + """
mutation($input: ReportHazardInput!) {
  reportHazard(input: $input) { hazard { ...H } userErrors { code field message messageEn } }
}"""
)

MOVE = (
    HAZARD
    + """
mutation($input: TransitionHazardInput!) {
  transitionHazard(input: $input) { hazard { ...H } userErrors { code field message messageEn } }
}"""
)

PLAN = (
    HAZARD
    + """
mutation($input: SetHazardPlanInput!) {
  setHazardPlan(input: $input) { hazard { ...H } userErrors { code field message messageEn } }
}"""
)

READ = HAZARD + "query($id: ID!) { node(id: $id) { ...H } }"


async def _world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    await load_hazard_categories(session)
    people = {}
    for key, unit, kind in (
        ("head", t["safety"], PostKind.DEPARTMENT_HEAD),
        ("boss", t["chem"], PostKind.ENTERPRISE_PRINCIPAL),
        ("food", t["food"], PostKind.ENTERPRISE_PRINCIPAL),
    ):
        who = await f.person(session, name=f"{key}（演示）")
        await f.assign(session, await f.post(session, unit, kind), who)
        people[key] = who
    expert = await f.person(session, name="专家（演示）")
    await f.contracted_agency(session, expert, t["chem"], date(2026, 1, 1), date(2026, 12, 31), code="HT-9")
    people["expert"] = expert
    categories = {c.code: c.id for c in (await session.scalars(select(HazardCategory))).all()}
    return {**t, **people, "categories": categories}


def _report(w: dict[str, Any], category: str, grade: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "unitId": gid("OrgUnit", w["chem"].id),
            "categoryId": gid("HazardCategory", w["categories"][category]),
            "grade": grade,
            "title": "除尘系统未设泄爆装置",
            "description": "布袋除尘器未设置泄爆片，现场积尘较厚",
            "source": "AGENCY",
            "foundOn": "2026-05-20",
            **extra,
        }
    }


async def test_a_major_hazard_from_an_agency_finding_to_closing(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _world(session)
    await reload(app, session)
    app.state.clock = lambda: date(2026, 6, 1)
    expert, head, boss = (as_(f"person:{w[k].id}") for k in ("expert", "head", "boss"))

    refused(
        await expert(REPORT, _report(w, "dust-explosion-control", "GENERAL")),
        "INVALID_VALUE",
        ["input", "grade"],
    )
    hazard = ok(await expert(REPORT, _report(w, "dust-explosion-control", "MAJOR")))["hazard"]
    hid = hazard["id"]
    assert hazard["state"] == "REPORTED"
    # 双报告: the supervising department and the park are notified at once. (The agency
    # sees that two notices went out, not the units it may not read.)
    assert [n["unit"] for n in hazard["notices"]] == [None, None]
    assert [(n["kind"], n["noticeKind"]) for n in hazard["notices"]] == [
        ("DOUBLE_REPORT", "DOUBLE_REPORT")
    ] * 2
    seen_by_head = (await head(READ, {"id": hid}))["data"]["node"]
    assert [n["unit"] for n in seen_by_head["notices"]] == [{"id": gid("OrgUnit", w["safety"].id)}, None]
    notified = (await session.scalars(select(HazardNotice.unit_id).order_by(HazardNotice.id))).all()
    assert notified == [w["safety"].id, w["park"].id]
    notices = await head(
        "query($u: ID!) { hazardNotices(unitId: $u) { totalCount nodes { hazard { id } } } }",
        {"u": gid("OrgUnit", w["safety"].id)},
    )
    assert notices["data"]["hazardNotices"]["nodes"] == [{"hazard": {"id": hid}}]

    def move(action: str, **extra: Any) -> dict[str, Any]:
        return {"input": {"hazardId": hid, "action": action, **extra}}

    board = """query($p: ID!) { majorHazardBoard(parkId: $p) { totalCount nodes { id daysLeft plan { funds } } } }"""
    on_board = (await head(board, {"p": gid("OrgUnit", w["safety"].id)}))["data"]["majorHazardBoard"]
    assert on_board["nodes"] == [{"id": hid, "daysLeft": None, "plan": None}]

    # Confirmation is the supervising side's, not the enterprise's or the agency's.
    refused(await boss(MOVE, move("CONFIRM")), "FORBIDDEN", ["input", "hazardId"])
    refused(await expert(MOVE, move("CONFIRM")), "FORBIDDEN", ["input", "hazardId"])
    assert ok(await head(MOVE, move("CONFIRM")))["hazard"]["state"] == "CONFIRMED"

    # No rectification of a major hazard without its 五落实.
    before = (await boss(READ, {"id": hid}))["data"]["node"]
    refused(await boss(MOVE, move("START_RECTIFICATION")), "PLAN_REQUIRED", ["input", "hazardId"])
    assert (await boss(READ, {"id": hid}))["data"]["node"] == before
    plan = {
        "hazardId": hid,
        "measures": "加装泄爆片，清理积尘，停用该除尘系统直至整改完成",
        "responsiblePersonId": gid("Person", w["boss"].id),
        "funds": "50000.00",
        "deadline": "2026-06-30",
        "contingencyPlan": "停产区域隔离，配备灭火器材，专人值守",
    }
    planned = ok(await boss(PLAN, {"input": plan}))["hazard"]
    assert planned["plan"]["deadline"] == "2026-06-30" and planned["deadline"] == "2026-06-30"
    assert planned["plan"]["responsiblePerson"] == {"id": gid("Person", w["boss"].id)}
    assert planned["daysLeft"] == 29 and planned["overdue"] is False
    on_board = (await head(board, {"p": gid("OrgUnit", w["safety"].id)}))["data"]["majorHazardBoard"]
    assert on_board["nodes"] == [{"id": hid, "daysLeft": 29, "plan": {"funds": "50000.00"}}]

    assert ok(await boss(MOVE, move("START_RECTIFICATION")))["hazard"]["state"] == "RECTIFYING"
    assert ok(await boss(MOVE, move("SUBMIT_RECTIFICATION")))["hazard"]["state"] == "RECTIFIED"
    # The enterprise may not verify its own rectification; the department fails it once.
    refused(await boss(MOVE, move("PASS_VERIFICATION")), "FORBIDDEN", ["input", "hazardId"])
    refused(await head(MOVE, move("FAIL_VERIFICATION")), "REQUIRED", ["input", "note"])
    failed = ok(await head(MOVE, move("FAIL_VERIFICATION", note="泄爆片规格不符")))["hazard"]
    assert failed["state"] == "RECTIFYING"
    ok(await boss(MOVE, move("SUBMIT_RECTIFICATION")))
    closed = ok(await head(MOVE, move("PASS_VERIFICATION", note="复查合格，同意销号")))["hazard"]
    assert closed["state"] == "CLOSED" and closed["closedOn"] == "2026-06-01"
    assert [(h["kind"], h["fromState"], h["toState"]) for h in closed["history"]] == [
        ("REPORTED", None, "REPORTED"),
        ("NOTIFIED", "REPORTED", "REPORTED"),
        ("CONFIRMED", "REPORTED", "CONFIRMED"),
        ("PLAN_SET", "CONFIRMED", "CONFIRMED"),
        ("RECTIFICATION_STARTED", "CONFIRMED", "RECTIFYING"),
        ("RECTIFICATION_SUBMITTED", "RECTIFYING", "RECTIFIED"),
        ("VERIFICATION_FAILED", "RECTIFIED", "RECTIFYING"),
        ("RECTIFICATION_SUBMITTED", "RECTIFYING", "RECTIFIED"),
        ("CLOSED", "RECTIFIED", "CLOSED"),
    ]
    assert len({h["id"] for h in closed["history"]}) == len(closed["history"]) == 9
    # Who acted is a node (and the deprecated string field its global ID, never `person:<id>`).
    expert_id = gid("Person", w["expert"].id)
    assert closed["history"][0]["actor"] == expert_id
    assert closed["foundBy"] == expert_id
    boss_id = gid("Person", w["boss"].id)
    assert closed["history"][3]["actorNode"] == {
        "__typename": "Person",
        "id": boss_id,
        "name": w["boss"].name,
    }
    # The agency's expert is outside the department head's reach: the node is null, as `person` is.
    assert closed["history"][0]["actorNode"] is None and closed["foundByNode"] is None
    assert closed["plan"]["createdBy"] == boss_id and closed["plan"]["createdByNode"] == {"id": boss_id}
    assert (await head(board, {"p": gid("OrgUnit", w["safety"].id)}))["data"]["majorHazardBoard"][
        "totalCount"
    ] == 0

    # Every illegal move afterwards is refused and changes nothing.
    for action in ("CONFIRM", "REJECT", "START_RECTIFICATION", "SUBMIT_RECTIFICATION", "PASS_VERIFICATION"):
        refused(await head(MOVE, move(action, note="x")), "INVALID_TRANSITION", ["input", "action"])
    refused(await boss(PLAN, {"input": plan}), "INVALID_TRANSITION", ["input", "hazardId"])
    assert (await head(READ, {"id": hid}))["data"]["node"] == closed

    # Another enterprise's principal does not see it at all.
    food = as_(f"person:{w['food'].id}")
    assert (await food(READ, {"id": hid}))["data"]["node"] is None
    refused(await food(MOVE, move("CONFIRM")), "NOT_FOUND", ["input", "hazardId"])


async def test_the_rectifier_does_not_verify_and_a_rejection_needs_a_reason(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _world(session)
    await reload(app, session)
    app.state.clock = lambda: date(2026, 6, 1)
    head = as_(f"person:{w['head'].id}")
    hid = ok(await head(REPORT, _report(w, "fire-lane", "GENERAL", source="SUPERVISION")))["hazard"]["id"]
    assert (
        ok(await head(REPORT, _report(w, "fire-lane", "GENERAL", source="SUPERVISION")))["hazard"]["notices"]
        == []
    )

    def move(action: str, **extra: Any) -> dict[str, Any]:
        return {"input": {"hazardId": hid, "action": action, **extra}}

    ok(await head(MOVE, move("CONFIRM")))
    refused(await head(MOVE, move("START_RECTIFICATION")), "REQUIRED", ["input", "deadline"])
    started = ok(await head(MOVE, move("START_RECTIFICATION", deadline="2026-05-25")))["hazard"]
    assert started["overdue"] is True and started["daysLeft"] == -7
    ok(await head(MOVE, move("SUBMIT_RECTIFICATION")))
    refused(await head(MOVE, move("PASS_VERIFICATION")), "FORBIDDEN", ["input", "action"])

    other = ok(await head(REPORT, _report(w, "fire-lane", "GENERAL", source="SUPERVISION")))["hazard"]["id"]
    refused(
        await head(MOVE, {"input": {"hazardId": other, "action": "REJECT"}}), "REQUIRED", ["input", "note"]
    )
    rejected = ok(
        await head(MOVE, {"input": {"hazardId": other, "action": "REJECT", "note": "现场复核不属实"}})
    )
    assert rejected["hazard"]["state"] == "REJECTED"

    stats = await head(
        "query($u: ID!) { hazardStats(unitId: $u) { total open overdue majorOpen closed closureRate "
        "byState { state count } } hazards(unitId: $u, filter: {overdue: true}) { totalCount } }",
        {"u": gid("OrgUnit", w["safety"].id)},
    )
    s = stats["data"]["hazardStats"]
    assert (s["total"], s["open"], s["overdue"], s["majorOpen"], s["closed"]) == (3, 2, 1, 0, 0)
    assert stats["data"]["hazards"]["totalCount"] == 1
    assert {b["state"]: b["count"] for b in s["byState"]}["REJECTED"] == 1


async def test_a_deadline_extension_is_asked_with_a_reason_and_decided_from_above(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _world(session)
    await reload(app, session)
    app.state.clock = lambda: date(2026, 6, 1)
    head, boss = as_(f"person:{w['head'].id}"), as_(f"person:{w['boss'].id}")
    hid = ok(await head(REPORT, _report(w, "electric-wiring", "GENERAL", source="SUPERVISION")))["hazard"][
        "id"
    ]
    ok(await head(MOVE, {"input": {"hazardId": hid, "action": "CONFIRM"}}))
    ok(
        await boss(
            MOVE, {"input": {"hazardId": hid, "action": "START_RECTIFICATION", "deadline": "2026-06-10"}}
        )
    )

    ask = """mutation($input: RequestHazardExtensionInput!) { requestHazardExtension(input: $input) {
        hazard { deadline pendingExtension { kind note data } } userErrors { code field message messageEn } } }"""
    decide = """mutation($input: DecideHazardExtensionInput!) { decideHazardExtension(input: $input) {
        hazard { deadline pendingExtension { kind } history { kind note data } }
        userErrors { code field message messageEn } } }"""
    refused(
        await head(decide, {"input": {"hazardId": hid, "approve": True}}),
        "INVALID_TRANSITION",
        ["input", "hazardId"],
    )
    refused(
        await boss(ask, {"input": {"hazardId": hid, "deadline": "2026-06-05", "reason": "x"}}),
        "INVALID_DATE_RANGE",
        ["input", "deadline"],
    )
    asked = ok(
        await boss(ask, {"input": {"hazardId": hid, "deadline": "2026-06-20", "reason": "配件到货延迟"}})
    )
    assert asked["hazard"]["deadline"] == "2026-06-10"
    assert asked["hazard"]["pendingExtension"]["data"] == {"from": "2026-06-10", "to": "2026-06-20"}
    refused(
        await boss(ask, {"input": {"hazardId": hid, "deadline": "2026-06-25", "reason": "再延"}}),
        "CONFLICT",
        ["input", "hazardId"],
    )
    refused(
        await boss(decide, {"input": {"hazardId": hid, "approve": True}}), "FORBIDDEN", ["input", "hazardId"]
    )
    refused(await head(decide, {"input": {"hazardId": hid, "approve": False}}), "REQUIRED", ["input", "note"])
    decided = ok(await head(decide, {"input": {"hazardId": hid, "approve": True, "note": "同意"}}))["hazard"]
    assert decided["deadline"] == "2026-06-20" and decided["pendingExtension"] is None
    entries = [(h["kind"], h["data"]) for h in decided["history"] if h["kind"].startswith("EXTENSION")]
    assert entries[0] == ("EXTENSION_REQUESTED", {"from": "2026-06-10", "to": "2026-06-20"})
    assert entries[1][0] == "EXTENSION_APPROVED" and entries[1][1]["from"] == "2026-06-10"
