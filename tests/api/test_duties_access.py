"""Duties through the one door: nobody sees obligations, records or lists outside their
reach, and lists of obligations cost the same statements whatever their length."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts import charges
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.helpers import ok, reload
from tests.factories import gid

MONTHLY = {"kinds": ["INSPECTION"], "every": "MONTH"}


async def _two_enterprises(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    await f.duty_list(
        session, t["park"], [PostKind.ENTERPRISE_PRINCIPAL, PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY}
    )
    people = {}
    for name in ("chem", "food"):
        post = await f.post(session, t[name], PostKind.ENTERPRISE_PRINCIPAL)
        who = await f.person(session, name=f"{name}负责人")
        await f.assign(session, post, who)
        people[name] = (post, who)
    return {**t, "people": people}


async def test_an_enterprise_principal_sees_only_their_own(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await _two_enterprises(session)
    chem_post, chem_boss = w["people"]["chem"]
    food_post, food_boss = w["people"]["food"]
    await f.record(session, food_boss, "INSPECTION", date(2024, 3, 5), [w["food"]])
    await reload(app, session)
    app.state.clock = lambda: date(2024, 4, 10)
    chem = as_(f"person:{chem_boss.id}")
    ok(
        await chem(
            "mutation($i: RecordPerformanceInput!) { recordPerformance(input: $i) { record { id } userErrors { code } } }",
            {
                "i": {
                    "kind": "INSPECTION",
                    "performedOn": "2024-03-06",
                    "title": "月排查",
                    "unitIds": [gid("OrgUnit", w["chem"].id)],
                }
            },
        )
    )
    span = {"from": "2024-03-01", "to": "2024-03-31"}
    q = """query($post: ID, $person: ID, $unit: ID, $from: Date!, $to: Date!) {
      obligations(postId: $post, personId: $person, unitId: $unit, includeDescendants: true, from: $from, to: $to) {
        totalCount nodes { status post { id } person { id } }
      }
    }"""
    own = (await chem(q, {"post": gid("Post", chem_post.id), **span}))["data"]["obligations"]
    assert own["totalCount"] == 1 and own["nodes"][0]["status"] == "DONE_ON_TIME"
    # Another enterprise's post, its principal and the park as a whole: nothing of theirs.
    for args in ({"post": gid("Post", food_post.id)}, {"person": gid("Person", food_boss.id)}):
        assert (await chem(q, {**args, **span}))["data"]["obligations"]["totalCount"] == 0
    # A park they cannot see has no obligations for them; their enterprise has their own.
    assert (await chem(q, {"unit": gid("OrgUnit", w["park"].id), **span}))["data"]["obligations"][
        "totalCount"
    ] == 0
    mine = (await chem(q, {"unit": gid("OrgUnit", w["chem"].id), **span}))["data"]["obligations"]
    assert [n["post"]["id"] for n in mine["nodes"]] == [gid("Post", chem_post.id)]

    records = await chem("{ dutyRecords { totalCount nodes { units { id } recorder { id } } } }")
    assert records["data"]["dutyRecords"]["totalCount"] == 1
    assert records["data"]["dutyRecords"]["nodes"][0]["recorder"]["id"] == gid("Person", chem_boss.id)
    food_record = (await as_(f"person:{food_boss.id}")("{ dutyRecords { nodes { id } } }"))["data"][
        "dutyRecords"
    ]["nodes"]
    assert (await chem("query($id: ID!) { node(id: $id) { id } }", {"id": food_record[0]["id"]}))["data"][
        "node"
    ] is None


async def test_obligation_lists_are_batched(
    app: Any, session: AsyncSession, gql: Any, query_counter: Any
) -> None:
    async def statements(enterprises: int) -> tuple[int, int]:
        d = await f.district(session)
        park = await f.unit(session, UnitKind.PARK, d)
        dep = await f.unit(session, UnitKind.DEPARTMENT, park)
        deputy = await f.post(session, park, PostKind.DEPUTY_IN_CHARGE)
        await charges.add_charge(session, post_id=deputy.id, unit_id=dep.id, start_date=date(2024, 1, 1))
        leader = await f.person(session, name="领导")
        await f.assign(session, deputy, leader)
        await f.duty_list(
            session, park, [PostKind.ENTERPRISE_PRINCIPAL, PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY}
        )
        for i in range(enterprises):
            ent = await f.enterprise(session, dep, placarded=True)
            post = await f.post(session, ent, PostKind.ENTERPRISE_PRINCIPAL)
            who = await f.person(session, name=f"负责人{i}")
            await f.assign(session, post, who)
            await f.record(session, who, "INSPECTION", date(2024, 3, 2), [ent])
            await f.record(session, leader, "INSPECTION", date(2024, 3, 3), [ent])
        await session.commit()
        app.state.clock = lambda: date(2024, 4, 10)
        query_counter.reset()
        body = await gql(
            """query($unit: ID!) { obligations(unitId: $unit, includeDescendants: true, from: "2024-03-01",
                                               to: "2024-03-31", first: 100) {
              totalCount summary { doneOnTime }
              nodes { status dueDate rule { text } dutyItem { key source { file } } dutyList { name }
                      post { title unit { name } } person { name }
                      onTimeRecords { title units { name } recorder { name } } scopeUnits { name } }
            } }""",
            {"unit": gid("OrgUnit", park.id)},
        )
        assert "errors" not in body, body
        data = body["data"]["obligations"]
        assert data["summary"]["doneOnTime"] == enterprises + 1
        return query_counter.count, data["totalCount"]

    few, rows_few = await statements(2)
    many, rows_many = await statements(12)
    assert (rows_few, rows_many) == (3, 13)
    assert many == few
