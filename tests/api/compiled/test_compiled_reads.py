"""The compiled read path answers what the resolvers answer, on fixed data: the screens of
the benchmark and the tree, with every scalar, cursors, pages and the switch off.
(tests/api/test_compiled_equivalence.py draws random documents and worlds.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.compiled import SERVED
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.people.models import Person
from domain.posts.kinds import PostKind
from tests import factories as f
from tests.conftest import shared_schema

UNIT = "__typename id kind code name depth version archivedAt createdAt updatedAt"
HEAVY = """query Heavy($after: String) {
  units(first: 3, after: $after, filter: {kinds: [ENTERPRISE]}) {
    __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name } }
    nodes { UNIT_FIELDS enterprise { id creditCode trade highRisk staffCount smallMicro placarded }
      parent { name parent { code } } ancestors { id name }
      posts(first: 5) { totalCount pageInfo { endCursor hasNextPage } nodes {
        id kind title singleHolder version archivedAt createdAt unit { name }
        holders(first: 5) { nodes { id startDate endDate withdrawn note version createdAt endedAt
          person { id name version createdAt idNumberMasked phoneMasked idNumber phone } post { title } corrects { id } } }
        history: assignments(first: 5, includeHistory: true) { totalCount nodes { id corrects { id } } }
      } } }
  }
}""".replace("UNIT_FIELDS", UNIT)
TREE = """query($park: ID!) {
  unit(id: $park) { name children(first: 10) { totalCount edges { cursor node { name
    children(first: 2, filter: {kinds: [ENTERPRISE]}) { pageInfo { hasNextPage endCursor } nodes { code } } } } } }
  under: units(first: 50, under: $park) { totalCount nodes { code } }
  park: unit(id: $park) { descendants(first: 3, filter: {kinds: [ENTERPRISE]}) {
    totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { code } } } }
  districts { nodes { name } }
}"""
NODES = """query($ids: [ID!]!, $one: ID!) {
  node(id: $one) { __typename id ... on OrgUnit { name posts { nodes { title } } } }
  nodes(ids: $ids) { id ... on OrgUnit { code parent { name } } ... on Post { title unit { code } }
    ... on Assignment { startDate person { name phoneMasked } } ... on Person { name idNumber } }
}"""
PEOPLE = """query($p: ID!) {
  persons(first: 5, search: "人员") { totalCount pageInfo { endCursor hasNextPage } nodes { id name phoneMasked
    assignments(first: 3, includeHistory: true) { totalCount nodes { startDate active then: active(on: "2021-01-01")
      post { title charges(includeEnded: true) { nodes { id startDate endDate unit { name } post { title } } }
             inChargeOf { totalCount nodes { name } } } } } } }
  person(id: $p) { name assignments(on: "2021-06-01") { nodes { endDate } } }
}"""
BOARD = """query($park: ID!, $on: Date) {
  placardBoard(parkId: $park, first: 10, on: $on) {
    totalCount
    nodes { id on enterprise { name } administrative { person { name } post { title } }
            supervisory { person { name } } enterpriseResponsible { startDate person { name } } }
  }
}"""


@pytest.fixture
async def clients(
    settings: ApiSettings, session_factory: async_sessionmaker[AsyncSession], platform_admin: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    headers = {"Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    off = settings.model_copy(update={"compiled_reads": False})
    apps = [create_app(s, session_factory=session_factory, schema=shared_schema(s)) for s in (settings, off)]
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=apps[0]), base_url="http://t", headers=headers
        ) as on_,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=apps[1]), base_url="http://t", headers=headers
        ) as off_,
    ):
        yield on_, off_


async def _both(clients: Any, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    served = sum(SERVED.values())
    on: dict[str, Any] = (
        await clients[0].post("/graphql", json={"query": query, "variables": variables or {}})
    ).json()
    assert sum(SERVED.values()) > served, "the compiled path did not serve"
    off = (await clients[1].post("/graphql", json={"query": query, "variables": variables or {}})).json()
    assert on == off
    return on


async def _world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    for i, unit in enumerate([t["chem"], t["food"]]):
        for kind in (PostKind.ENTERPRISE_PRINCIPAL, PostKind.SAFETY_MANAGER):
            post = await f.post(session, unit, kind)
            await f.assign(session, post, await f.person(session, name=f"人员{i}{kind.value[:3]}'\"\\"))
            await f.assign(
                session,
                post,
                await f.person(session, name="前任"),
                start=date(2020, 1, 1),
                end=date(2023, 12, 31),
            )
    for i in range(4):
        await f.enterprise(session, t["safety"], code=f"E-{i:02d}", placarded=i % 2 == 0)
    await session.flush()
    return t


async def test_heavy_screen_pages_and_cursors(session: AsyncSession, clients: Any) -> None:
    await _world(session)
    first = await _both(clients, HEAVY)
    page = first["data"]["units"]
    assert page["totalCount"] == 6 and len(page["nodes"]) == 3 and page["pageInfo"]["hasNextPage"]
    second = await _both(clients, HEAVY, {"after": page["pageInfo"]["endCursor"]})
    assert second["data"]["units"]["pageInfo"]["hasPreviousPage"]
    names = [n["name"] for n in page["nodes"] + second["data"]["units"]["nodes"]]
    assert len(set(n["id"] for n in page["nodes"] + second["data"]["units"]["nodes"])) == 6, names


async def test_tree_and_placard_board(session: AsyncSession, clients: Any) -> None:
    t = await _world(session)
    park = f.gid("OrgUnit", t["park"].id)
    tree = await _both(clients, TREE, {"park": park})
    assert tree["data"]["under"]["totalCount"] == 8
    board = await _both(clients, BOARD, {"park": park})
    assert board["data"]["placardBoard"]["totalCount"] == 3
    await _both(clients, BOARD, {"park": park, "on": "2020-06-01"})
    await _both(clients, BOARD, {"park": f.gid("Post", 1)})


async def test_what_it_does_not_take_goes_through_the_resolvers(session: AsyncSession, clients: Any) -> None:
    await _world(session)
    served = sum(SERVED.values())
    for query in (
        "{ units(first: 101) { nodes { name } } }",  # refused by the resolver: same error
        '{ units(after: "garbage") { nodes { name } } }',
        "{ units { nodes { enterprise { riskClass } } } }",  # computed in Python
        "query($s: Boolean!) { units { nodes { name @include(if: $s) } } }",
    ):
        on = (await clients[0].post("/graphql", json={"query": query, "variables": {"s": True}})).json()
        off = (await clients[1].post("/graphql", json={"query": query, "variables": {"s": True}})).json()
        assert on == off
    assert sum(SERVED.values()) == served


async def test_every_caller_gets_what_the_resolvers_give(
    session: AsyncSession, clients: Any, settings: ApiSettings
) -> None:
    """Each person of the world (holders see their own unit, and contact details or full
    numbers only where their roles allow) and a caller with no role at all."""
    t = await _world(session)
    park = f.gid("OrgUnit", t["park"].id)
    people = list(await session.scalars(select(Person.id)))
    assert len(people) >= 8
    for subject in [*(f"person:{p}" for p in people), "person:999999"]:
        headers = {"Authorization": f"Bearer {mint_token(settings, subject)}"}
        ids = [
            park,
            f.gid("Post", 1),
            f.gid("Assignment", 2),
            f.gid("Person", people[0]),
            f.gid("Nothing", 1),
        ]
        ids += [f.gid("OrgUnit", 10**9), f.gid("Person", -1)]
        nodes = {"ids": ids, "one": park}
        for query, variables in (
            (HEAVY, {}),
            (TREE, {"park": park}),
            (BOARD, {"park": park}),
            (NODES, nodes),
        ):
            body = {"query": query, "variables": variables}
            on = (await clients[0].post("/graphql", json=body, headers=headers)).json()
            off = (await clients[1].post("/graphql", json=body, headers=headers)).json()
            assert on == off, subject


DEEP = "{ units(first: 2) { nodes { " + "children(first: 2) { nodes { " * 8 + "name" + " } }" * 8 + " } } }"


async def test_a_document_too_deep_for_the_database_still_answers(
    session: AsyncSession, clients: Any, dialect: str
) -> None:
    await _world(session)
    on = (await clients[0].post("/graphql", json={"query": DEEP})).json()
    off = (await clients[1].post("/graphql", json={"query": DEEP})).json()
    assert on == off and "errors" not in on
    from api.compiled.executor import _unsupported

    if dialect == "sqlite":  # deeper than its parser allows: answered by the resolvers
        assert _unsupported


async def test_people_with_their_posts_and_charges(session: AsyncSession, clients: Any) -> None:
    await _world(session)
    person = await session.scalar(select(Person.id).order_by(Person.id.desc()))
    assert person is not None
    body = await _both(clients, PEOPLE, {"p": f.gid("Person", person)})
    assert body["data"]["persons"]["totalCount"] >= 4


async def test_nodes_by_global_id(session: AsyncSession, clients: Any) -> None:
    t = await _world(session)
    park = f.gid("OrgUnit", t["park"].id)
    person = await session.scalar(select(Person.id))
    assert person is not None
    ids = [park, f.gid("Post", 1), f.gid("Assignment", 2), f.gid("Person", person), f.gid("Nothing", 1)]
    body = await _both(clients, NODES, {"ids": [*ids, f.gid("OrgUnit", 10**9)], "one": park})
    assert body["data"]["node"]["name"] == "测试园区" and body["data"]["nodes"][-1] is None
    # A node type the compiled path does not build, and too many IDs: the resolvers answer.
    for variables in ({"ids": [f.gid("DutyList", 1)], "one": park}, {"ids": [park] * 101, "one": park}):
        on = (await clients[0].post("/graphql", json={"query": NODES, "variables": variables})).json()
        off = (await clients[1].post("/graphql", json={"query": NODES, "variables": variables})).json()
        assert on == off
