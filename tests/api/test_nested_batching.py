"""Nested lists are batched: a request's statement count does not grow with its rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f

TREE = """
query Tree($park: ID!) {
  unit(id: $park) {
    name
    children(first: 10) {
      totalCount
      edges { node {
        name
        children(first: 20) {
          totalCount
          edges { node {
            name
            ancestors { name }
            enterprise { trade staffCount riskClass nextRiskClass }
            posts(first: 5, filter: {kinds: [ENTERPRISE_PRINCIPAL, SAFETY_MANAGER]}) {
              totalCount
              edges { node {
                title
                holders(first: 2) { totalCount edges { node { startDate person { name idNumberMasked } } } }
              } }
            }
            responsiblePersons { administrative { person { name } } }
          } }
        }
      } }
    }
  }
}
"""


async def _build(session: AsyncSession, departments: int, enterprises: int) -> OrgUnit:
    d = await f.district(session)
    park = await f.unit(session, UnitKind.PARK, d, code="P")
    for i in range(departments):
        dep = await f.unit(session, UnitKind.DEPARTMENT, park, code=f"D{i}")
        for j in range(enterprises):
            ent = await f.enterprise(session, dep, code=f"E{i}-{j}", placarded=j % 2 == 0)
            for kind in (PostKind.ENTERPRISE_PRINCIPAL, PostKind.SAFETY_MANAGER):
                post = await f.post(session, ent, kind)
                await f.assign(session, post, await f.person(session, name=f"人员{i}{j}"))
    await session.flush()
    return park


async def _count(gql: Any, query_counter: Any, park: OrgUnit) -> tuple[int, dict[str, Any]]:
    query_counter.reset()
    body = await gql(TREE, {"park": f.gid("OrgUnit", park.id)})
    assert "errors" not in body, body
    return query_counter.count, body


async def test_statement_count_does_not_grow_with_rows(
    session: AsyncSession, gql: Any, query_counter: Any
) -> None:
    small_park = await _build(session, departments=2, enterprises=2)
    small, body = await _count(gql, query_counter, small_park)
    deps = body["data"]["unit"]["children"]["edges"]
    assert len(deps) == 2 and all(len(d["node"]["children"]["edges"]) == 2 for d in deps)

    big_park = await _build(session, departments=4, enterprises=10)
    big, body = await _count(gql, query_counter, big_park)
    deps = body["data"]["unit"]["children"]["edges"]
    enterprises = [e["node"] for d in deps for e in d["node"]["children"]["edges"]]
    assert len(enterprises) == 40
    assert all(len(e["posts"]["edges"]) == 2 for e in enterprises)
    assert all(p["node"]["holders"]["totalCount"] == 1 for e in enterprises for p in e["posts"]["edges"])

    assert big == small
    assert big <= 16  # one of them: the classes in force today, for every enterprise at once


NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on OrgUnit { name parent { name } } } }"


async def test_nodes_lookup_is_batched(session: AsyncSession, gql: Any, query_counter: Any) -> None:
    t = await f.small_tree(session)
    extra = [await f.enterprise(session, t["safety"]) for _ in range(20)]
    await session.flush()
    ids = [f.gid("OrgUnit", u.id) for u in extra]
    query_counter.reset()
    body = await gql(NODES, {"ids": ids[:3]})
    few = query_counter.count
    query_counter.reset()
    body = await gql(NODES, {"ids": ids})
    assert [n["id"] for n in body["data"]["nodes"]] == ids
    assert query_counter.count == few


BOARD = """
query($park: ID!) {
  placardBoard(parkId: $park, first: 100) {
    totalCount
    edges { node { enterprise { name ancestors { name } }
      administrative { person { name } post { title unit { name } } }
      supervisory { person { name } } enterpriseResponsible { person { name } } } }
  }
}"""


async def _board_statements(session: AsyncSession, gql: Any, query_counter: Any, enterprises: int) -> int:
    d = await f.district(session)
    park = await f.unit(session, UnitKind.PARK, d)
    dep = await f.unit(session, UnitKind.DEPARTMENT, park)
    leader = await f.person(session, name="园区领导")
    for _ in range(enterprises):
        ent = await f.enterprise(session, dep, placarded=True)
        admin = await f.post(session, ent, PostKind.ENTERPRISE_PRINCIPAL)
        await f.assign(session, admin, await f.person(session))
        from sqlalchemy import select

        from domain.posts.models import Post

        responsible = (
            await session.scalars(
                select(Post).where(Post.unit_id == ent.id, Post.kind == PostKind.ADMINISTRATIVE_RESPONSIBLE)
            )
        ).one()
        await f.assign(session, responsible, leader)
    await session.flush()
    query_counter.reset()
    body = await gql(BOARD, {"park": f.gid("OrgUnit", park.id)})
    edges = body["data"]["placardBoard"]["edges"]
    assert len(edges) == enterprises
    assert all(e["node"]["administrative"]["person"]["name"] == "园区领导" for e in edges)
    return int(query_counter.count)


async def test_placard_board_is_batched(session: AsyncSession, gql: Any, query_counter: Any) -> None:
    few = await _board_statements(session, gql, query_counter, 2)
    many = await _board_statements(session, gql, query_counter, 12)
    assert many == few
