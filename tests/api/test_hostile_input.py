"""Hostile or careless requests: each gets its typed error (never a 500), in the API's one
shape (`message` Chinese, `extensions.code`, `extensions.messageEn`), and the database is
as it was (every table counted before and after)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import domain.models  # noqa: F401  (every table on the metadata)
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.db import Base
from tests import factories as f

CJK = "\u4e00-\u9fff"
MB = 1024 * 1024
CREATE_UNIT = (
    "mutation($input: CreateUnitInput!) "
    "{ createUnit(input: $input) { unit { id } userErrors { code field message messageEn } } }"
)


@dataclass
class World:
    http: httpx.AsyncClient
    headers: dict[str, str]
    park: str

    async def graphql(self, body: bytes | dict[str, Any], **headers: str) -> httpx.Response:
        sent = {"content-type": "application/json", **self.headers, **headers}
        if isinstance(body, dict):
            return await self.http.post("/graphql", json=body, headers=sent)
        return await self.http.post("/graphql", content=body, headers=sent)

    async def tip_off(self, body: bytes | dict[str, Any]) -> httpx.Response:
        if isinstance(body, dict):
            return await self.http.post("/public/tip-offs", json={"parkId": self.park, **body})
        return await self.http.post(
            "/public/tip-offs", content=body, headers={"content-type": "application/json"}
        )

    def new_unit(self, **fields: str) -> dict[str, Any]:
        data = {"kind": "DEPARTMENT", "code": "N1", "name": "新部室", "parentId": self.park, **fields}
        return {"query": CREATE_UNIT, "variables": {"input": data}}


async def _chunks(total: int) -> AsyncIterator[bytes]:
    yield b'{"query": "{ __typename }", "padding": "'
    for _ in range(total // (64 * 1024)):
        yield b"x" * (64 * 1024)
    yield b'"}'


Case = Callable[[World], Awaitable[httpx.Response]]

CREATE_LIST = (
    "mutation($input: CreateDutyListInput!) "
    "{ createDutyList(input: $input) { dutyList { id } userErrors { code field message messageEn } } }"
)


def _duty_list(w: World, **item: Any) -> Any:
    data = {
        "code": "park-leaders",
        "name": "园区领导安全生产职责清单（测试）",
        "postKinds": ["PRINCIPAL"],
        "unitId": w.park,
        "effectiveFrom": "2024-01-01",
        "items": [{"key": "check", "text": "每月带队检查", **item}],
    }
    return w.graphql({"query": CREATE_LIST, "variables": {"input": data}})


UNITS_AFTER = "query($a: String) { units(first: 1, after: $a) { totalCount } }"


async def _end_cursor(w: World, field: str) -> str:
    response = await w.graphql({"query": f"{{ {field}(first: 1) {{ pageInfo {{ endCursor }} }} }}"})
    cursor: str = response.json()["data"][field]["pageInfo"]["endCursor"]
    return cursor


def _recode(cursor: str, change: Callable[[list[Any]], list[Any]]) -> str:
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return base64.urlsafe_b64encode(json.dumps(change(raw)).encode()).decode().rstrip("=")


async def _units_after(w: World, cursor: str) -> httpx.Response:
    return await w.graphql({"query": UNITS_AFTER, "variables": {"a": cursor}})


async def _cursor_of_another_list(w: World) -> httpx.Response:
    return await _units_after(w, await _end_cursor(w, "persons"))


async def _cursor_on_role_links(w: World) -> httpx.Response:
    cursor = await _end_cursor(w, "units")
    query = "query($a: String) { roleLinks(after: $a) { totalCount } }"
    return await w.graphql({"query": query, "variables": {"a": cursor}})


async def _changed_units_cursor(w: World, change: Callable[[list[Any]], list[Any]]) -> httpx.Response:
    return await _units_after(w, _recode(await _end_cursor(w, "units"), change))


# (name, request, HTTP status, code); a status of 200 with a mutation means a userError.
CASES: list[tuple[str, Case, int, str]] = [
    ("non-UTF-8 body", lambda w: w.graphql(b'{"query": "{ __typename \xff\xfe }"}'), 400, "BAD_REQUEST"),
    (
        "10 MB body",
        lambda w: w.graphql(b'{"query": "{ __typename }", "x": "' + b"x" * (10 * MB) + b'"}'),
        413,
        "PAYLOAD_TOO_LARGE",
    ),
    (
        "10 MB body streamed without a length",
        lambda w: w.graphql(_chunks(10 * MB)),  # type: ignore[arg-type]
        413,
        "PAYLOAD_TOO_LARGE",
    ),
    ("JSON nested too deeply", lambda w: w.graphql(b"[" * 200_000 + b"]" * 200_000), 400, "BAD_REQUEST"),
    (
        "100k search",
        lambda w: w.graphql(
            {
                "query": "query($s: String) { persons(search: $s) { totalCount } }",
                "variables": {"s": "x" * 100_000},
            }
        ),
        200,
        "TOO_LONG",
    ),
    (
        "NUL search",
        lambda w: w.graphql(
            {"query": "query($s: String) { persons(search: $s) { totalCount } }", "variables": {"s": "\x00"}}
        ),
        200,
        "INVALID_VALUE",
    ),
    ("NUL unit name", lambda w: w.graphql(w.new_unit(name="\x00")), 200, "INVALID_VALUE"),
    ("RLO-only unit name", lambda w: w.graphql(w.new_unit(name="\u202e\u202e\u202e")), 200, "INVALID_VALUE"),
    ("zero-width unit name", lambda w: w.graphql(w.new_unit(name="\u200b\u200b")), 200, "INVALID_VALUE"),
    (
        "lone surrogate in a unit name",
        lambda w: w.graphql(
            b'{"query": '
            + json.dumps(CREATE_UNIT).encode()
            + b', "variables": {"input": {"kind": "DEPARTMENT", '
            b'"code": "N1", "name": "\\ud800", "parentId": ' + json.dumps(w.park).encode() + b"}}}"
        ),
        200,
        "INVALID_VALUE",
    ),
    ("300-character unit name", lambda w: w.graphql(w.new_unit(name="长" * 300)), 200, "TOO_LONG"),
    (
        "NUL in a document's string",
        lambda w: w.graphql({"query": '{ persons(search: "\x00") { totalCount } }'}),
        200,
        "INVALID_VALUE",
    ),
    ("NUL tip-off content", lambda w: w.tip_off({"content": "\x00"}), 400, "INVALID_VALUE"),
    ("RLO tip-off content", lambda w: w.tip_off({"content": "\u202e举报"}), 400, "INVALID_VALUE"),
    ("non-UTF-8 tip-off", lambda w: w.tip_off(b'{"content": "\xff"}'), 400, "INVALID_VALUE"),
    ("10 MB tip-off", lambda w: w.tip_off({"content": "x" * (10 * MB)}), 413, "PAYLOAD_TOO_LARGE"),
    (
        "bad variables JSON (GET)",
        lambda w: w.http.get(
            "/graphql", params={"query": "{ __typename }", "variables": "{bad"}, headers=w.headers
        ),
        400,
        "BAD_REQUEST",
    ),
    (
        "variables not an object",
        lambda w: w.graphql({"query": "{ __typename }", "variables": [1]}),
        400,
        "BAD_REQUEST",
    ),
    ("body not JSON", lambda w: w.graphql(b"{ __typename }"), 400, "BAD_REQUEST"),
    ("missing query", lambda w: w.graphql({"variables": {}}), 400, "BAD_REQUEST"),
    ("batched operations", lambda w: w.graphql(b'[{"query": "{ __typename }"}]'), 400, "BAD_REQUEST"),
    (
        "wrong content type",
        lambda w: w.graphql(b"{ __typename }", **{"content-type": "text/plain"}),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "body in Latin-1",
        lambda w: w.graphql(
            b'{"query": "{ __typename }"}', **{"content-type": "application/json; charset=latin-1"}
        ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "nothing acceptable",
        lambda w: w.graphql({"query": "{ __typename }"}, accept="text/csv"),
        406,
        "NOT_ACCEPTABLE",
    ),
    (
        "PUT",
        lambda w: w.http.put("/graphql", json={"query": "{ __typename }"}, headers=w.headers),
        405,
        "METHOD_NOT_ALLOWED",
    ),
    (
        "a mutation over GET",
        lambda w: w.http.get("/graphql", params={"query": "mutation { __typename }"}, headers=w.headers),
        405,
        "METHOD_NOT_ALLOWED",
    ),
    (
        "no credentials",
        lambda w: w.http.post("/graphql", json={"query": "{ districts { totalCount } }"}),
        401,
        "UNAUTHENTICATED",
    ),
    (
        "a forged token",
        lambda w: w.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": "Bearer \x01forged"}
        ),
        401,
        "UNAUTHENTICATED",
    ),
    ("cursor of another connection", _cursor_of_another_list, 200, "INVALID_CURSOR"),
    ("cursor of a table on a computed list", lambda w: _cursor_on_role_links(w), 200, "INVALID_CURSOR"),
    (
        "huge-int cursor",
        lambda w: _changed_units_cursor(w, lambda raw: [*raw[:-1], 2**70]),
        200,
        "INVALID_CURSOR",
    ),
    (
        "integer-overflow cursor (2**31 in an integer column)",
        lambda w: _changed_units_cursor(w, lambda raw: [*raw[:-1], 2**31]),
        200,
        "INVALID_CURSOR",
    ),
    (
        "float in an integer cursor",
        lambda w: _changed_units_cursor(w, lambda raw: [*raw[:-1], 1.5]),
        200,
        "INVALID_CURSOR",
    ),
    (
        "object in a cursor",
        lambda w: _changed_units_cursor(w, lambda raw: [*raw[:-1], {"id": 1}]),
        200,
        "INVALID_CURSOR",
    ),
    ("untagged cursor", lambda w: _changed_units_cursor(w, lambda raw: raw[1:]), 200, "INVALID_CURSOR"),
    (
        "cursor of the wrong length",
        lambda w: _changed_units_cursor(w, lambda raw: [*raw, 1]),
        200,
        "INVALID_CURSOR",
    ),
    (
        "JSON nested too deeply, without credentials",
        lambda w: w.http.post(
            "/graphql", content=b"[" * 200_000, headers={"content-type": "application/json"}
        ),
        401,
        "UNAUTHENTICATED",
    ),
    ("tip-off JSON nested too deeply", lambda w: w.tip_off(b"[" * 200_000), 400, "INVALID_VALUE"),
    ("tip-off status of a NUL code", lambda w: w.http.get("/public/tip-offs/%00"), 404, "NOT_FOUND"),
    (
        "GET without a query",
        lambda w: w.http.get("/graphql", headers={**w.headers, "accept": "application/json"}),
        400,
        "BAD_REQUEST",
    ),
    ("no such path", lambda w: w.http.get("/nowhere"), 404, "NOT_FOUND"),
    (
        "a method a route does not take",
        lambda w: w.http.delete("/public/tip-offs"),
        405,
        "METHOD_NOT_ALLOWED",
    ),
    ("NUL in a duty item's text", lambda w: _duty_list(w, text="检查\x00"), 200, "INVALID_VALUE"),
    (
        "NUL inside JSON metadata",
        lambda w: _duty_list(w, meta={"remark": ["ok", "\x00"]}),
        200,
        "INVALID_VALUE",
    ),
    ("NUL as a JSON key", lambda w: _duty_list(w, meta={"\x00": 1}), 200, "INVALID_VALUE"),
    (
        "NUL in a rule preview",
        lambda w: w.graphql(
            {
                "query": "query($d: JSON!) { previewFrequencyRule(definition: $d) { userErrors { code } } }",
                "variables": {"d": {"kinds": ["\u202e"]}},
            }
        ),
        200,
        "INVALID_VALUE",
    ),
    ("unparsable document", lambda w: w.graphql({"query": "{ districts { "}), 200, "GRAPHQL_PARSE_FAILED"),
    ("unknown field", lambda w: w.graphql({"query": "{ nothing }"}), 200, "GRAPHQL_VALIDATION_FAILED"),
    ("unparsable global ID", lambda w: w.graphql({"query": '{ unit(id: "5") { id } }'}), 200, "INVALID_ID"),
]


async def table_counts(session: AsyncSession) -> dict[str, int]:
    return {
        t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0)
        for t in Base.metadata.sorted_tables
    }


@pytest.fixture
async def world(
    http: httpx.AsyncClient, session: AsyncSession, settings: ApiSettings, platform_admin: str
) -> World:
    tree = await f.small_tree(session)
    await f.person(session, name="甲某")
    await session.commit()
    headers = {"Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    return World(http, headers, f.gid("OrgUnit", tree["park"].id))


def the_error(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a body: a top-level error, or a mutation payload's userError."""
    if "errors" in body:
        (error,) = body["errors"][:1]
        return {"code": error["extensions"]["code"], "message": error["message"], **error["extensions"]}
    (payload,) = body["data"].values()
    (error,) = payload["userErrors"][:1]
    assert all(v is None for k, v in payload.items() if k != "userErrors"), payload
    return dict(error)


@pytest.mark.parametrize(("name", "case", "status", "code"), CASES, ids=[c[0] for c in CASES])
async def test_hostile_request(
    world: World, session: AsyncSession, name: str, case: Case, status: int, code: str
) -> None:
    before = await table_counts(session)
    response = await case(world)
    assert response.status_code == status, (name, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/"), response.headers
    error = the_error(response.json())
    assert error["code"] == code, error
    assert any(CJK[0] <= ch <= CJK[-1] for ch in error["message"]), error
    if "messageEn" in error:
        assert error["messageEn"] and not any(CJK[0] <= ch <= CJK[-1] for ch in error["messageEn"]), error
    assert await table_counts(session) == before


async def test_a_cursor_still_pages_its_own_list(world: World) -> None:
    cursor = await _end_cursor(world, "units")
    response = await _units_after(world, cursor)
    assert "errors" not in response.json()
    negative = _recode(cursor, lambda raw: [*raw[:-1], -(2**31)])  # in an integer's range
    assert "errors" not in (await _units_after(world, negative)).json()


async def test_a_body_at_the_limit_is_read(world: World, settings: ApiSettings) -> None:
    query = b'{"query": "{ __typename }", "padding": "'
    body = query + b"x" * (settings.max_body_bytes - len(query) - 2) + b'"}'
    assert len(body) == settings.max_body_bytes
    response = await world.graphql(body)
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("introspection", [True, False])
async def test_suggestions_only_where_introspection_is_on(
    session_factory: Any, platform_admin: str, introspection: bool
) -> None:
    from api.app import create_app
    from domain.config import Environment

    settings = ApiSettings(
        environment=Environment.TEST, database_url="sqlite+aiosqlite:///:memory:", introspection=introspection
    )
    app = create_app(settings, session_factory=session_factory)
    headers = {"Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        for query in ("{ district { id } }", "{ units(filter: {kinds: [PARKK]}) { totalCount } }"):
            response = await http.post("/graphql", json={"query": query}, headers=headers)
            (error,) = response.json()["errors"]
            assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            assert ("Did you mean" in error["extensions"]["messageEn"]) is introspection, error
        response = await http.post(
            "/graphql",
            json={
                "query": "query($k: [UnitKind!]) { units(filter: {kinds: $k}) { totalCount } }",
                "variables": {"k": ["PARKK"]},
            },
            headers=headers,
        )
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert ("Did you mean" in error["extensions"]["messageEn"]) is introspection, error
