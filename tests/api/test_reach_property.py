"""No caller ever sees a unit, post, person, assignment or 分管 record outside its reach,
through HTTP, on random worlds (tests/authz/worlds.py): not in lists, not in counts, not by
`node`/`nodes`, not in nested fields; contact details and full numbers only where the
caller may see them. The oracle is Casbin's `enforce`, object by object; for units also the
responsibility principles derived from the world's description alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
from hypothesis import given
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.relay import from_base64, to_base64

from api.app import create_app
from api.settings import ApiSettings
from authz.catalogue import Resource
from authz.credentials import mint_token
from domain.clock import today_shanghai
from domain.config import Environment
from tests.authz.oracles import Objects, Oracle, expected_units, objects
from tests.authz.world_build import build
from tests.authz.worlds import PROPERTY_SETTINGS, WorldSpec, worlds
from tests.conftest import shared_schema
from tests.rollback import rolled_back

PERSON = "id phoneMasked idNumberMasked phone idNumber"
POST = f"""id unit {{ id }}
  holders(first: 10) {{ totalCount nodes {{ id person {{ {PERSON} }} }} }}
  assignments(first: 10, includeHistory: true) {{ totalCount nodes {{ id person {{ id }} corrects {{ id }} }} }}
  charges(first: 10, includeEnded: true) {{ totalCount nodes {{ id unit {{ id }} }} }}
  inChargeOf(first: 10) {{ totalCount nodes {{ id }} }}"""
UNIT = f"""id parent {{ id }} ancestors {{ id }}
  children(first: 50) {{ totalCount nodes {{ id }} }}
  descendants(first: 50) {{ totalCount nodes {{ id }} }}
  posts(first: 10) {{ totalCount nodes {{ {POST} }} }}
  responsiblePersons {{
    administrative {{ id person {{ {PERSON} }} }}
    supervisory {{ id person {{ {PERSON} }} }}
    enterpriseResponsible {{ id person {{ {PERSON} }} }}
  }}"""
LISTS = f"""query($root: ID!) {{
  units(first: 100) {{ totalCount nodes {{ id }} }}
  under: units(first: 100, under: $root) {{ totalCount nodes {{ id }} }}
  placardBoard(parkId: $root, first: 100) {{
    totalCount
    nodes {{ enterprise {{ id }} administrative {{ id person {{ {PERSON} }} }} }}
  }}
  districts(first: 10) {{ totalCount nodes {{ id }} }}
  persons(first: 100) {{
    totalCount
    nodes {{ {PERSON} assignments(first: 20, includeHistory: true) {{ nodes {{ id post {{ id unit {{ id }} }} }} }} }}
  }}
}}"""
NODES = f"""query($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    id
    ... on OrgUnit {{ {UNIT} }}
    ... on Post {{ {POST} }}
    ... on Person {{ {PERSON} }}
    ... on Assignment {{ person {{ {PERSON} }} post {{ id }} corrects {{ id }} }}
    ... on PostCharge {{ unit {{ id }} post {{ id }} }}
  }}
}}"""


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a response, at any depth."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def decode(global_id: str) -> tuple[str, int]:
    type_name, raw = from_base64(global_id)
    return type_name, int(raw)


class Visible:
    """What one caller may see, by type, from the oracle."""

    def __init__(self, oracle: Oracle, objs: Objects) -> None:
        self.by_type: dict[str, set[int]] = {
            "OrgUnit": oracle.units(objs),
            "Post": oracle.posts(objs),
            "Person": oracle.persons(objs),
            "Assignment": oracle.assignments(objs),
            "PostCharge": oracle.charges(objs),
        }
        self.contact = oracle.persons(objs, Resource.CONTACT) | oracle.persons(objs, Resource.PII)
        self.pii = oracle.persons(objs, Resource.PII)

    def check_everything_in(self, body: dict[str, Any], where: str) -> None:
        assert "errors" not in body, body
        for obj in walk(body["data"]):
            if not isinstance(obj.get("id"), str):
                continue
            type_name, pk = decode(obj["id"])
            assert pk in self.by_type[type_name], (where, type_name, pk)
            if type_name == "Person" and "phoneMasked" in obj:
                assert (obj["phoneMasked"] is not None) == (pk in self.contact), (where, obj)
                assert (obj["idNumberMasked"] is not None) == (pk in self.contact), (where, obj)
                assert (obj["phone"] is not None) == (pk in self.pii), (where, obj)
                assert (obj["idNumber"] is not None) == (pk in self.pii), (where, obj)


async def ask(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids_of(connection: dict[str, Any]) -> set[int]:
    return {decode(n["id"])[1] for n in connection["nodes"]}


@PROPERTY_SETTINGS
@given(spec=worlds())
async def test_no_caller_sees_outside_its_reach(engine: AsyncEngine, spec: WorldSpec) -> None:
    today = today_shanghai()
    settings = ApiSettings(environment=Environment.TEST, database_url="sqlite+aiosqlite:///:memory:")
    async with rolled_back(engine) as factory:
        app = create_app(settings, session_factory=factory, schema=shared_schema(settings))
        async with factory() as session:
            built = await build(session, spec, today)
            await session.commit()
            await app.state.authority.load(session)
            objs = await objects(session, built)
        parent_of = {u.id: u.parent_id for u in built.units}
        root = built.units[0].id
        placarded = {u.id for u, (_, _, flag) in zip(built.units, spec.units, strict=True) if flag}
        paths = objs.units
        everything = (
            [to_base64("OrgUnit", i) for i in objs.units]
            + [to_base64("Post", i) for i in objs.posts]
            + [to_base64("Person", i) for i in built.person_ids]
            + [to_base64("Assignment", i) for i in objs.assignments]
            + [to_base64("PostCharge", i) for i in objs.charges]
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            for subject in built.subjects:
                oracle = Oracle(app.state.authority, subject, today)
                seen = Visible(oracle, objs)
                units = seen.by_type["OrgUnit"]
                assert units == expected_units(built, subject, objs.post_units), subject
                headers = {"Authorization": f"Bearer {mint_token(settings, subject)}"}

                # Lists and their counts: exactly what may be seen.
                body = await ask(http, headers, LISTS, {"root": to_base64("OrgUnit", root)})
                seen.check_everything_in(body, f"lists as {subject}")
                data = body["data"]
                assert ids_of(data["units"]) == units, subject
                assert data["units"]["totalCount"] == len(units)
                districts = {i for i in units if parent_of[i] is None}
                assert ids_of(data["districts"]) == districts
                assert data["districts"]["totalCount"] == len(districts)
                # Below a unit one may not read is as below one that does not exist: nothing.
                below_root = {i for i in units if i != root and paths[i].startswith(paths[root])}
                if root not in units:
                    below_root = set()
                assert ids_of(data["under"]) == below_root
                assert data["under"]["totalCount"] == len(below_root)
                if root in units:
                    board = {decode(n["enterprise"]["id"])[1] for n in data["placardBoard"]["nodes"]}
                    assert board == below_root & placarded
                    assert data["placardBoard"]["totalCount"] == len(board)
                else:
                    assert data["placardBoard"] is None
                assert ids_of(data["persons"]) == seen.by_type["Person"], subject
                assert data["persons"]["totalCount"] == len(seen.by_type["Person"])

                # Every object by ID: found exactly when it may be seen, and nothing nested
                # under it that may not; nested counts are the visible ones.
                for start in range(0, len(everything), 40):
                    chunk = everything[start : start + 40]
                    body = await ask(http, headers, NODES, {"ids": chunk})
                    seen.check_everything_in(body, f"nodes as {subject}")
                    for gid, node in zip(chunk, body["data"]["nodes"], strict=True):
                        type_name, pk = decode(gid)
                        assert (node is not None) == (pk in seen.by_type[type_name]), (subject, type_name, pk)
                        if node is None or type_name != "OrgUnit":
                            continue
                        children = {i for i in units if parent_of[i] == pk}
                        assert ids_of(node["children"]) == children
                        assert node["children"]["totalCount"] == len(children)
                        below = {i for i in units if i != pk and paths[i].startswith(paths[pk])}
                        assert ids_of(node["descendants"]) == below
                        assert node["descendants"]["totalCount"] == len(below)
                        posts_here = {p for p in seen.by_type["Post"] if objs.post_units[p][0] == pk}
                        assert ids_of(node["posts"]) == posts_here
                        assert node["posts"]["totalCount"] == len(posts_here)
                        here = {objs.posts[p] for p in posts_here}
                        history = {a for a in seen.by_type["Assignment"] if objs.assignments[a] in here}
                        assert sum(p["assignments"]["totalCount"] for p in node["posts"]["nodes"]) == len(
                            history
                        )
