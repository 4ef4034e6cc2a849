"""The hazard ledger on the compiled read path answers what the resolvers answer: every
field a ledger screen shows, the filters, the unit argument, pages and cursors, for a
platform admin, an admin of one department and a reporter who sees only their own."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice, HazardPlan
from domain.posts.kinds import PostKind
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f
from tests.api.compiled.helpers import Pair
from tests.factories import gid

TODAY = date(2026, 6, 10)

LEDGER = """query($unit: ID, $filter: HazardFilterInput, $first: Int, $after: String) {
  hazards(unitId: $unit, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes {
      __typename id grade title description source foundOn foundBy state deadline closedOn version
      evidence { __typename name mediaType sizeBytes sha256 uri }
      overdue daysLeft
      unit { id name parent { name } }
      category { id code name domain major description basis }
      finder { id name } responsiblePerson { id name }
      plan { id measures funds deadline contingencyPlan createdAt createdBy responsiblePerson { name } }
      plans { id funds }
      history { id kind fromState toState actor note createdAt person { name } }
      pendingExtension { id kind note }
      notices { id kind noticeKind createdAt unit { name } hazard { id title unit { name } } }
    }
  }
}"""


async def _hazard(session: AsyncSession, unit: Any, category: int, **kw: Any) -> Hazard:
    row = Hazard(
        unit_id=unit.id, category_id=category, grade=kw.pop("grade", "GENERAL"), title=kw.pop("title", "隐患"),
        description="描述'\"\\", evidence=[], source=kw.pop("source", "SELF_CHECK"),
        found_by=kw.pop("found_by", "system"), state=kw.pop("state", "REPORTED"), **kw,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def _world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    await load_hazard_categories(session)
    cats = (await session.scalars(select(HazardCategory).order_by(HazardCategory.id))).all()
    general = next(c.id for c in cats if not c.major)
    major = next(c.id for c in cats if c.major)
    head = await f.person(session, name="部长")
    await f.assign(session, await f.post(session, t["safety"], PostKind.DEPARTMENT_HEAD), head)
    reporter = await f.person(session, name="举报人")
    boss = await f.person(session, name="负责人")
    hazards = []
    for i in range(7):
        unit = (t["chem"], t["food"], t["park"])[i % 3]
        state = ("REPORTED", "CONFIRMED", "RECTIFYING", "CLOSED", "REJECTED", "RECTIFIED", "RECTIFYING")[i]
        h = await _hazard(
            session, unit, major if i % 2 else general, grade="MAJOR" if i % 2 else "GENERAL",
            title=f"隐患{i}", found_on=date(2026, 5, 1 + i % 4), state=state,
            source=("SELF_CHECK", "AGENCY", "INSPECTION")[i % 3],
            deadline=None if i == 0 else date(2026, 6, 5 + 2 * i), closed_on=date(2026, 6, 1) if i == 3 else None,
            found_by=f"person:{reporter.id}" if i in (1, 2) else ("person:007" if i == 4 else "system"),
            found_by_person_id=reporter.id if i in (1, 2) else None,
            responsible_person_id=boss.id if i in (2, 6) else None,
        )  # fmt: skip
        hazards.append(h)
    hazards[1].evidence = [
        {"name": "现场'照片\"1.jpg", "mediaType": "image/jpeg", "sizeBytes": 1024, "sha256": "ab" * 32},
        {
            "name": "b.pdf",
            "mediaType": "application/pdf",
            "sizeBytes": 7,
            "sha256": "cd" * 32,
            "uri": "s3://x/b",
        },
    ]
    h = hazards[2]
    for funds in (Decimal("12000.50"), Decimal("3000")):
        session.add(
            HazardPlan(
                hazard_id=h.id, measures="措施", responsible_person_id=boss.id, funds=funds,
                deadline=date(2026, 7, 1), contingency_plan="预案", created_by=f"person:{head.id}",
            )
        )  # fmt: skip
    at = datetime(2026, 5, 3, 8, 30, 0, 120000, tzinfo=UTC)
    for kind, actor in (("REPORTED", f"person:{reporter.id}"), ("EXTENSION_REQUESTED", "client:12"),
                        ("PLAN_SET", "cli")):  # fmt: skip
        session.add(
            HazardEvent(
                hazard_id=h.id, kind=kind, from_state=None if kind == "REPORTED" else "CONFIRMED",
                to_state="CONFIRMED", actor=actor, note="说明", created_at=at,
                actor_person_id=reporter.id if actor.startswith("person") else None,
            )
        )  # fmt: skip
    # Decided (6), asked again after a refusal (5): one pending request in all, besides 2's.
    for h, kinds in ((hazards[6], ("EXTENSION_REQUESTED", "EXTENSION_APPROVED", "PLAN_SET")),
                     (hazards[5], ("EXTENSION_REQUESTED", "EXTENSION_REFUSED", "EXTENSION_REQUESTED"))):  # fmt: skip
        for kind in kinds:
            session.add(HazardEvent(hazard_id=h.id, kind=kind, to_state="RECTIFYING", actor="system",
                                    created_at=datetime(2026, 5, 4, tzinfo=UTC)))  # fmt: skip
            await session.flush()
    for unit in (t["safety"], t["district"]):
        session.add(HazardNotice(hazard_id=hazards[1].id, unit_id=unit.id, kind="DOUBLE_REPORT"))
    await session.flush()
    return {**t, "head": head, "reporter": reporter, "hazards": hazards, "general": general, "major": major}


async def _callers(session: AsyncSession, w: dict[str, Any], admin: str) -> list[str]:
    dept = await f.make_client(session, name="部门管理端")
    await f.grant_role(session, dept.subject, "admin", w["safety"].id)
    return [admin, str(dept.subject), f"person:{w['head'].id}", f"person:{w['reporter'].id}"]


async def test_the_ledger_screen(session: AsyncSession, pair: Pair, platform_admin: str) -> None:
    w = await _world(session)
    callers = await _callers(session, w, platform_admin)
    await pair.reload(session)
    pair.on_day(TODAY)
    seen = []
    for who in callers:
        answer = await pair.both(who, LEDGER)
        assert "errors" not in answer, answer
        seen.append(answer["data"]["hazards"]["totalCount"])
    assert seen[0] == 7 and seen[3] == 2 and seen[0] > seen[1] > 0, seen
    everything = (await pair.both(platform_admin, LEDGER))["data"]["hazards"]["nodes"]
    assert [n["overdue"] for n in everything].count(True) >= 1
    assert any(n["plan"] and n["plan"]["funds"] == "3000.00" for n in everything)
    assert [len(n["evidence"]) for n in everything].count(2) == 1
    pending = {n["title"]: n["pendingExtension"]["kind"] for n in everything if n["pendingExtension"]}
    assert pending == {"隐患2": "EXTENSION_REQUESTED", "隐患5": "EXTENSION_REQUESTED"}, pending


async def test_filters_unit_and_pages(session: AsyncSession, pair: Pair, platform_admin: str) -> None:
    w = await _world(session)
    callers = await _callers(session, w, platform_admin)
    await pair.reload(session)
    pair.on_day(TODAY)
    filters: list[dict[str, Any]] = [
        {"grades": ["MAJOR"]},
        {"states": ["REPORTED", "RECTIFYING"], "sources": ["SELF_CHECK", "INSPECTION"]},
        {"overdue": True},
        {"overdue": False},
        {"foundFrom": "2026-05-02", "foundTo": "2026-05-03"},
        {"categoryIds": [gid("HazardCategory", w["major"]), gid("OrgUnit", 1)]},
    ]
    units = [None, gid("OrgUnit", w["safety"].id), gid("OrgUnit", w["park"].id), gid("Post", 1),
             gid("OrgUnit", 999999)]  # fmt: skip
    for who in callers[:2]:
        for flt in filters:
            await pair.both(who, LEDGER, {"filter": flt})
        for unit in units:
            await pair.both(who, LEDGER, {"unit": unit, "filter": {"grades": ["GENERAL", "MAJOR"]}})
    after = None
    ids: list[str] = []
    while True:
        page = (await pair.both(platform_admin, LEDGER, {"first": 3, "after": after}))["data"]["hazards"]
        ids += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(set(ids)) == 7
    await pair.both(platform_admin, LEDGER, {"first": 0})


async def test_what_it_does_not_take(session: AsyncSession, pair: Pair, platform_admin: str) -> None:
    await _world(session)
    await pair.reload(session)
    for query in (
        "{ hazards { nodes { record { id } } } }",
        "{ hazards { nodes { history { data } } } }",
        "{ hazards { nodes { foundByNode { __typename } } } }",
        "{ hazards(first: 500) { nodes { id } } }",
        '{ hazards(after: "x") { nodes { id } } }',
        '{ hazards(unitId: "not an id") { nodes { id } } }',
    ):
        await pair.both(platform_admin, query, {}, served=False)


BOARD = """query($park: ID!, $after: String) {
  majorHazardBoard(parkId: $park, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id deadline daysLeft overdue } }
  }
}"""
CATEGORIES = """query($domain: HazardDomain, $major: Boolean, $after: String) {
  hazardCategories(domain: $domain, major: $major, first: 5, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id code name domain major description basis }
  }
}"""


async def test_major_hazard_board_and_categories(
    session: AsyncSession, pair: Pair, platform_admin: str
) -> None:
    w = await _world(session)
    callers = await _callers(session, w, platform_admin)
    await pair.reload(session)
    pair.on_day(TODAY)
    for who in callers:
        for unit in (w["park"], w["safety"], w["district"]):
            board = (await pair.both(who, BOARD, {"park": gid("OrgUnit", unit.id)}))["data"]
            end = board["majorHazardBoard"]["pageInfo"]["endCursor"]
            await pair.both(who, BOARD, {"park": gid("OrgUnit", unit.id), "after": end})
        await pair.both(who, BOARD, {"park": gid("Post", 1)})
        for variables in ({}, {"major": True}, {"domain": "DUST_EXPLOSION", "major": False}):
            await pair.both(who, CATEGORIES, variables)
    board = (await pair.both(platform_admin, BOARD, {"park": gid("OrgUnit", w["district"].id)}))["data"]
    assert board["majorHazardBoard"]["totalCount"] == 2
    page = (await pair.both(platform_admin, CATEGORIES))["data"]["hazardCategories"]
    assert page["pageInfo"]["hasNextPage"]
    await pair.both(platform_admin, CATEGORIES, {"after": page["pageInfo"]["endCursor"]})
