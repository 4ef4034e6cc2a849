"""Reading the tree (filters, subtrees, paths, pages) and changing it through mutations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.tree.kinds import RiskClass, Trade
from tests import factories as f

UNITS = """
query($filter: UnitFilterInput, $under: ID, $first: Int, $after: String) {
  units(filter: $filter, under: $under, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { code name kind } }
  }
}"""


async def _codes(gql: Any, **variables: Any) -> list[str]:
    body = await gql(UNITS, variables)
    assert "errors" not in body, body
    return [e["node"]["code"] for e in body["data"]["units"]["edges"]]


async def test_filters(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await f.enterprise(session, t["build"], code="E-MICRO", name="丙五金有限公司（演示）", staff_count=5,
                       risk_class=RiskClass.D, trade=Trade.METALLURGY)  # fmt: skip
    await session.flush()
    park = f.gid("OrgUnit", t["park"].id)
    assert await _codes(gql, under=park, filter={"kinds": ["DEPARTMENT"]}) == ["AQ", "GH"]
    assert await _codes(gql, under=park, filter={"kinds": ["ENTERPRISE"], "placarded": True}) == ["E-CHEM"]
    assert await _codes(gql, under=park, filter={"trades": ["FOOD"]}) == ["E-FOOD"]
    # A trade includes the trades under it: 工贸 covers 金属冶炼 and 食品加工 (轻工), not 危险化学品.
    assert await _codes(gql, under=park, filter={"trades": ["INDUSTRY_TRADE"]}) == ["E-FOOD", "E-MICRO"]
    assert await _codes(gql, under=park, filter={"trades": ["LIGHT_INDUSTRY"]}) == ["E-FOOD"]
    assert await _codes(gql, under=park, filter={"riskClasses": ["D"]}) == ["E-MICRO"]
    assert await _codes(gql, under=park, filter={"highRisk": True}) == ["E-CHEM", "E-MICRO"]
    assert await _codes(gql, under=park, filter={"smallMicro": True}) == ["E-FOOD", "E-MICRO"]
    assert await _codes(gql, under=park, filter={"search": "化工"}) == ["E-CHEM"]
    assert await _codes(gql, under=park, filter={"search": "e-fo"}) == ["E-FOOD"]
    assert await _codes(gql, under=park, filter={"search": t["chem"].credit_code}) == ["E-CHEM"]
    assert await _codes(gql, under=f.gid("OrgUnit", t["safety"].id)) == ["E-CHEM"]
    assert await _codes(gql, under=f.gid("OrgUnit", 999999)) == []


async def test_walking_pages_returns_every_row_once(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    for i in range(23):
        await f.enterprise(session, t["safety"], code=f"W{i:02d}")
    await session.flush()
    under = f.gid("OrgUnit", t["safety"].id)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await gql(UNITS, {"under": under, "first": 10, "after": after})
        units = body["data"]["units"]
        assert units["totalCount"] == 24
        assert units["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [e["node"]["code"] for e in units["edges"]]
        pages += 1
        if not units["pageInfo"]["hasNextPage"]:
            break
        after = units["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == sorted(seen) and len(set(seen)) == 24

    empty = (await gql(UNITS, {"under": under, "first": 0}))["data"]["units"]
    assert empty["edges"] == [] and empty["totalCount"] == 24 and empty["pageInfo"]["hasNextPage"] is True


TREE = """
query($id: ID!) {
  unit(id: $id) {
    name kind depth
    parent { name }
    ancestors { name kind }
    children { totalCount edges { node { code } } }
    descendants(filter: {kinds: [ENTERPRISE]}) { totalCount edges { node { code enterprise { smallMicro highRisk trade } } } }
    posts { totalCount }
  }
}"""


async def test_unit_with_children_ancestors_and_subtree(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await f.post(session, t["park"], PostKind.PARTY_SECRETARY)
    await session.flush()
    park = (await gql(TREE, {"id": f.gid("OrgUnit", t["park"].id)}))["data"]["unit"]
    assert park["kind"] == "PARK" and park["depth"] == 1
    assert park["parent"] == {"name": "测试区"}
    assert park["children"]["totalCount"] == 2
    assert [e["node"]["code"] for e in park["descendants"]["edges"]] == ["E-CHEM", "E-FOOD"]
    assert park["descendants"]["edges"][1]["node"]["enterprise"] == {
        "smallMicro": True, "highRisk": False, "trade": "FOOD"
    }  # fmt: skip
    assert park["posts"]["totalCount"] == 1
    chem = (await gql(TREE, {"id": f.gid("OrgUnit", t["chem"].id)}))["data"]["unit"]
    assert [a["kind"] for a in chem["ancestors"]] == ["DISTRICT", "PARK", "DEPARTMENT"]
    assert chem["posts"]["totalCount"] == 3  # the three responsible persons' posts

    districts = await gql("{ districts { totalCount edges { node { name parent { name } } } } }")
    assert districts["data"]["districts"]["totalCount"] == 1


async def test_node_and_nodes_cover_every_type(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.SAFETY_MANAGER)
    person = await f.person(session, name="节点人")
    assignment = await f.assign(session, post, person)
    await session.flush()
    ids = [
        f.gid("OrgUnit", t["chem"].id), f.gid("Post", post.id), f.gid("Person", person.id),
        f.gid("Assignment", assignment.id), f.gid("Person", 999999), f.gid("Nothing", 1),
    ]  # fmt: skip
    body = await gql(
        """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
             ... on OrgUnit { name } ... on Post { kind } ... on Person { name } ... on Assignment { startDate } } }""",
        {"ids": ids},
    )
    nodes = body["data"]["nodes"]
    assert [n and n["__typename"] for n in nodes] == ["OrgUnit", "Post", "Person", "Assignment", None, None]
    assert [n["id"] for n in nodes[:4]] == ids[:4]
    one = await gql("query($id: ID!) { node(id: $id) { ... on Person { name } } }", {"id": ids[2]})
    assert one["data"]["node"] == {"name": "节点人"}


MUTATE = """
mutation($c: CreateUnitInput!) { createUnit(input: $c) { unit { id version name enterprise { highRisk placarded } } userErrors { code } } }
"""


async def test_create_update_move_and_archive_through_the_api(session: AsyncSession, gql: Any) -> None:
    district = (await gql(MUTATE, {"c": {"kind": "DISTRICT", "code": "T", "name": "新区"}}))["data"][
        "createUnit"
    ]["unit"]
    park = await gql(MUTATE, {"c": {"kind": "PARK", "code": "P", "name": "园区", "parentId": district["id"]}})
    park_id = park["data"]["createUnit"]["unit"]["id"]
    other = await gql(
        MUTATE, {"c": {"kind": "PARK", "code": "Q", "name": "另一园区", "parentId": district["id"]}}
    )
    other_id = other["data"]["createUnit"]["unit"]["id"]
    dep = await gql(
        MUTATE, {"c": {"kind": "DEPARTMENT", "code": "AQ", "name": "安全部", "parentId": park_id}}
    )
    dep_id = dep["data"]["createUnit"]["unit"]["id"]
    ent = await gql(MUTATE, {"c": {"kind": "ENTERPRISE", "code": "E1", "name": "丁化工（演示）", "parentId": dep_id,
                                   "enterprise": {"creditCode": f.credit_code(), "trade": "HAZARDOUS_CHEMICALS",
                                                  "staffCount": 80, "placarded": True}}})  # fmt: skip
    created = ent["data"]["createUnit"]["unit"]
    assert created["enterprise"] == {"highRisk": True, "placarded": True}  # high-risk follows the trade

    updated = await gql(
        "mutation($u: UpdateUnitInput!) { updateUnit(input: $u) { unit { name version enterprise { riskClass staffCount } } userErrors { code } } }",
        {
            "u": {
                "id": created["id"],
                "version": 1,
                "name": "丁精细化工（演示）",
                "enterprise": {"riskClass": "C", "staffCount": 90},
            }
        },
    )
    assert updated["data"]["updateUnit"]["unit"] == {
        "name": "丁精细化工（演示）", "version": 2, "enterprise": {"riskClass": "C", "staffCount": 90}
    }  # fmt: skip

    moved = await gql(
        "mutation($m: MoveUnitInput!) { moveUnit(input: $m) { unit { version parent { name } } userErrors { code } } }",
        {"m": {"id": dep_id, "version": 1, "newParentId": other_id}},
    )
    assert moved["data"]["moveUnit"]["unit"] == {"version": 2, "parent": {"name": "另一园区"}}
    path = await gql("query($id: ID!) { unit(id: $id) { ancestors { name } } }", {"id": created["id"]})
    assert [a["name"] for a in path["data"]["unit"]["ancestors"]] == ["新区", "另一园区", "安全部"]
    old_park = await gql("query($id: ID!) { unit(id: $id) { descendants { totalCount } } }", {"id": park_id})
    assert old_park["data"]["unit"]["descendants"]["totalCount"] == 0

    archived = await gql(
        "mutation($a: ArchiveUnitInput!) { archiveUnit(input: $a) { unit { archivedAt version } userErrors { code } } }",
        {"a": {"id": park_id, "version": 1}},
    )
    assert archived["data"]["archiveUnit"]["unit"]["archivedAt"] is not None
    listed = await gql(
        "query($d: ID!) { units(under: $d, filter: {kinds: [PARK]}) { totalCount } }", {"d": district["id"]}
    )
    assert listed["data"]["units"]["totalCount"] == 1
    with_archived = await gql(
        "query($d: ID!) { units(under: $d, filter: {kinds: [PARK], includeArchived: true}) { totalCount } }",
        {"d": district["id"]},
    )
    assert with_archived["data"]["units"]["totalCount"] == 2
