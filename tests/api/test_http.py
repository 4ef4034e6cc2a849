"""GraphQL-over-HTTP conformance and the limits, through HTTP against the ASGI app.

Status codes and media types follow graphql/graphql-over-http (spec/GraphQLOverHTTP.md);
the cases marked with a four-character id are checks of the `graphql-http` audit suite.
Failures are provoked at third-party boundaries only (Strawberry, SQLAlchemy), never by
replacing our own code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pathlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry.schema.schema
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from api.app import create_app
from api.schema import MASKED_MESSAGE
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import create_engine, create_session_factory
from tests import factories as f

GQL = "application/graphql-response+json"
JSON = "application/json"
CREATE_PERSON = 'mutation { createPerson(input: {name: "甲某", idNumber: "x"}) { userErrors { code } } }'


async def post(
    client: httpx.AsyncClient,
    query: Any,
    variables: Any = None,
    *,
    accept: str | None = GQL,
    **body: Any,
) -> httpx.Response:
    headers = {"accept": accept} if accept is not None else {}
    return await client.post(
        "/graphql", json={"query": query, "variables": variables, **body}, headers=headers
    )


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def assert_request_error(response: httpx.Response, status: int, media: str) -> dict[str, Any]:
    """A GraphQL request error: the status the media type calls for, `errors`, no `data`."""
    assert response.status_code == status, response.text
    assert media_type(response) == media
    body: dict[str, Any] = response.json()
    assert "data" not in body, body
    assert body["errors"] and all(e["message"] for e in body["errors"])
    return body


# 1. Status codes and media types


async def test_a_valid_query_answers_in_the_media_type_asked_for(client: httpx.AsyncClient) -> None:
    for accept, media in [
        (GQL, GQL),  # 22EB
        (JSON, JSON),  # 4655
        ("*/*", JSON),  # 47DE: wildcards get the legacy type
        (None, JSON),  # a missing Accept too (httpx would send */*)
        (f"{GQL}; charset=utf-8, {JSON}; charset=utf-8", GQL),  # what the spec tells clients to send
        (f"{JSON}, {GQL};q=0.5", JSON),
        (f"{GQL};q=0, {JSON}", JSON),
        ("application/*", JSON),
    ]:
        headers = {"content-type": JSON} | ({"accept": accept} if accept else {})
        request = client.build_request("POST", "/graphql", json={"query": "{ __typename }"}, headers=headers)
        if accept is None:
            del request.headers["accept"]
        response = await client.send(request)
        assert response.status_code == 200, (accept, response.text)
        assert response.headers["content-type"] == f"{media}; charset=utf-8", accept
        assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("query", "variables", "visible", "code"),
    [
        ("{ districts { totalCount ", None, "Syntax Error", "GRAPHQL_PARSE_FAILED"),  # 556A
        (
            "{ districts { noSuchField } }",
            None,
            "Cannot query field 'noSuchField'",
            "GRAPHQL_VALIDATION_FAILED",
        ),  # 74FF
        (
            "query($first: Int) { districts(first: $first) { totalCount } }",
            {"first": "ten"},
            "$first",
            "BAD_USER_INPUT",
        ),
        ("query($id: ID!) { unit(id: $id) { name } }", {}, "$id", "BAD_USER_INPUT"),
        (
            'query($on: Date) { responsiblePersons(enterpriseId: "x", on: $on) { on } }',
            {"on": "32/13"},
            "$on",
            "BAD_USER_INPUT",
        ),
    ],
    ids=["unparsable", "unknown field", "variable of the wrong type", "missing variable", "bad Date"],
)
async def test_documents_that_cannot_run_are_request_errors(
    client: httpx.AsyncClient, query: str, variables: Any, visible: str, code: str
) -> None:
    # With the modern media type: 400 and no `data` entry (556A, D586, 74FF, 5E5B).
    body = assert_request_error(await post(client, query, variables), 400, GQL)
    (error,) = body["errors"]
    assert visible in error["extensions"]["messageEn"]
    assert error["extensions"]["code"] == code and error["message"] != error["extensions"]["messageEn"]
    assert MASKED_MESSAGE not in json.dumps(body, ensure_ascii=False)

    # Legacy clients get 200 (572B, FDE2): a non-2xx application/json body may come from a proxy.
    body = assert_request_error(await post(client, query, variables, accept=JSON), 200, JSON)
    assert visible in body["errors"][0]["extensions"]["messageEn"]


async def test_the_operation_to_run_must_be_determined(client: httpx.AsyncClient) -> None:
    two = "query A { __typename } query B { districts { totalCount } }"
    body = assert_request_error(await post(client, two), 400, GQL)
    assert "operation name" in body["errors"][0]["extensions"]["messageEn"]  # not the first one silently
    assert body["errors"][0]["extensions"]["code"] == "OPERATION_NOT_FOUND"
    assert_request_error(await post(client, two, accept=JSON), 200, JSON)

    body = assert_request_error(await post(client, two, operationName="C"), 400, GQL)
    assert body["errors"][0]["extensions"]["messageEn"] == 'Unknown operation named "C".'
    assert body["errors"][0]["extensions"]["code"] == "OPERATION_NOT_FOUND"
    assert_request_error(await post(client, two, operationName="C", accept=JSON), 200, JSON)

    chosen = await post(client, two, operationName="B")
    assert chosen.status_code == 200 and chosen.json()["data"] == {"districts": {"totalCount": 0}}
    # An empty name is no name.
    one = await client.get("/graphql", params={"query": "query A { __typename }", "operationName": ""})
    assert one.status_code == 200 and one.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize(
    "body",
    [
        '{ "not a JSON',  # 2163, D477
        {"qeury": "{ __typename }"},  # 17C5, F5AF
        {"query": {"obj": "ect"}},  # 4F50
        {"query": 0},  # 4F51
        {"query": "{ __typename }", "variables": "string"},  # 69B0
        {"query": "{ __typename }", "variables": ["array"]},  # 69B3
        {"query": "{ __typename }", "extensions": 0},  # 9041
        {"query": "{ __typename }", "operationName": 0},  # E3E1
        [{"query": "{ __typename }"}],  # a batch: batching is off
    ],
    ids=["not JSON", "no query", "object query", "number query", "string variables", "array variables",
         "number extensions", "number operationName", "batch"],
)  # fmt: skip
async def test_requests_that_are_not_well_formed_get_400(
    client: httpx.AsyncClient, body: Any, accept: str
) -> None:
    # The spec asks for 400 whatever the media type: these are not GraphQL requests at all.
    content = body if isinstance(body, str) else json.dumps(body)
    response = await client.post(
        "/graphql", content=content, headers={"content-type": JSON, "accept": accept}
    )
    assert response.status_code == 400, response.text
    assert media_type(response) == accept
    assert "data" not in response.json() and response.json()["errors"][0]["message"]


async def test_null_parameters_are_absent_parameters(client: httpx.AsyncClient) -> None:
    for parameter in ("variables", "operationName", "extensions"):  # 94B0-2
        response = await post(client, "{ __typename }", **{parameter: None})
        assert response.status_code == 200 and "errors" not in response.json(), parameter


async def test_post_bodies_must_be_json_in_utf8(client: httpx.AsyncClient) -> None:
    query = json.dumps({"query": "{ __typename }"})
    ok = await client.post(
        "/graphql", content=query, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert ok.status_code == 200  # BF61

    for content_type in (
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin-1",
    ):
        headers = {"accept": GQL} | ({"content-type": content_type} if content_type else {})
        response = await client.post("/graphql", content=query, headers=headers)
        assert response.status_code == 415, content_type  # 9ABE
        assert response.json()["errors"][0]["message"]


async def test_an_accept_header_allowing_neither_type_gets_406(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ __typename }", accept="application/xml")
    assert response.status_code == 406
    assert media_type(response) == JSON and response.json()["errors"][0]["message"]


# 2. Methods


async def test_a_mutation_over_get_is_405_and_not_run(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    for accept in (GQL, JSON):  # 9C48
        response = await client.get("/graphql", params={"query": CREATE_PERSON}, headers={"accept": accept})
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert media_type(response) == accept
        (error,) = response.json()["errors"]
        assert (
            "mutation" in error["extensions"]["messageEn"]
            and error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        )
    # The same document over POST does run.
    ran = await post(client, CREATE_PERSON)
    assert ran.status_code == 200 and ran.json()["data"]["createPerson"]["userErrors"]


async def test_queries_over_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ districts { totalCount } }"})  # 5A70, 80D8
    assert response.status_code == 200
    assert response.json()["data"] == {"districts": {"totalCount": 0}}

    typed = "query($first: Int) { districts(first: $first) { totalCount } }"
    response = await client.get(  # D6D5
        "/graphql", params={"query": typed, "variables": json.dumps({"first": 2})}, headers={"accept": GQL}
    )
    assert response.status_code == 200 and "errors" not in response.json()

    # A document with both picks by name: its query may run over GET, its mutation may not.
    both = f"query Q {{ __typename }} mutation M {CREATE_PERSON.removeprefix('mutation ')}"
    assert (await client.get("/graphql", params={"query": both, "operationName": "Q"})).status_code == 200
    assert (await client.get("/graphql", params={"query": both, "operationName": "M"})).status_code == 405

    broken = await client.get("/graphql", params={"query": typed, "variables": "{nope"})
    assert broken.status_code == 400 and "variables" in broken.json()["errors"][0]["message"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_get_a_json_405(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(
        method, "/graphql", json={"query": "{ __typename }"}, headers={"accept": GQL}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert media_type(response) == GQL and response.json()["errors"][0]["message"]


# 3. Depth, alias and token limits, and the caches


def parent_chain(depth: int) -> str:
    """A document whose deepest field is `depth` levels below the root fields."""
    inner = "name"
    for _ in range(depth - 3):
        inner = f"parent {{ {inner} }}"
    return f"{{ units(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


def children_chain(levels: int) -> str:
    """units → edges → node → children → edges → node → children …, `first: 1` all the way."""
    inner = "name"
    for _ in range(levels):
        inner = f"children(first: 1) {{ edges {{ node {{ {inner} }} }} }}"
    return f"{{ units(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_the_depth_limit(client: httpx.AsyncClient, settings: ApiSettings) -> None:
    limit = settings.max_query_depth
    assert (await post(client, parent_chain(limit))).status_code == 200

    for document in (parent_chain(limit + 1), children_chain(limit // 3 + 1)):
        body = assert_request_error(await post(client, document), 400, GQL)
        error = body["errors"][0]
        assert error["extensions"]["messageEn"] == f"'anonymous' exceeds maximum operation depth of {limit}"
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_the_alias_limit(client: httpx.AsyncClient, settings: ApiSettings) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: districts(first: 0) {{ totalCount }}" for i in range(count)) + " }"

    assert (await post(client, aliased(settings.max_aliases))).status_code == 200
    body = assert_request_error(await post(client, aliased(settings.max_aliases + 1)), 400, GQL)
    assert (
        body["errors"][0]["extensions"]["messageEn"]
        == f"{settings.max_aliases + 1} aliases found. Allowed: {settings.max_aliases}"
    )


async def test_the_token_limit(client: httpx.AsyncClient, settings: ApiSettings) -> None:
    def tokens(count: int) -> str:  # 16 tokens around the list
        kinds = " ".join(["DISTRICT"] * (count - 16))
        return f"{{ units(filter: {{kinds: [{kinds}]}}) {{ totalCount }} }}"

    ok = await post(client, tokens(settings.max_tokens))
    assert ok.status_code == 200 and ok.json()["data"] == {"units": {"totalCount": 0}}
    body = assert_request_error(await post(client, tokens(settings.max_tokens + 1)), 400, GQL)
    assert body["errors"][0]["extensions"]["messageEn"] == (
        f"Syntax Error: Document contains more than {settings.max_tokens} tokens. Parsing aborted."
    )


async def assert_caches_hit(client: httpx.AsyncClient) -> None:
    query = "query Cached($n: Int) { districts(first: $n) { totalCount edges { node { name } } } }"
    assert (await post(client, query, {"n": 1})).status_code == 200
    parsed, validated = _get_parse_cache(512).cache_info(), _get_validate_cache(512).cache_info()
    # Other variables, same document: neither parsed nor validated again.
    assert (await post(client, query, {"n": 2})).status_code == 200
    assert _get_parse_cache(512).cache_info().hits == parsed.hits + 1
    assert _get_parse_cache(512).cache_info().misses == parsed.misses
    assert _get_validate_cache(512).cache_info().hits == validated.hits + 1
    assert _get_validate_cache(512).cache_info().misses == validated.misses


async def test_parser_and_validation_caches_hit_with_the_limits_on(client: httpx.AsyncClient) -> None:
    await assert_caches_hit(client)


async def test_caches_hit_with_introspection_disabled(
    session_factory: async_sessionmaker[AsyncSession], platform_admin: str
) -> None:
    settings = ApiSettings(environment=Environment.TEST, introspection=False)
    app = create_app(settings, session_factory=session_factory)
    headers = {"Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
    ) as client:
        await assert_caches_hit(client)
        refused = await post(client, "{ __schema { types { name } } }")
        assert refused.status_code == 400 and "introspection" in refused.text.lower()


# 4. Connection arguments


async def test_page_size_out_of_range_is_a_clear_error(
    client: httpx.AsyncClient, settings: ApiSettings
) -> None:
    for first in (settings.max_page_size + 1, -1):
        response = await post(client, f"{{ districts(first: {first}) {{ totalCount }} }}")
        # A field error: the operation ran, so 200 with `data` (null: the field is non-null).
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        error = body["errors"][0]
        assert error["path"] == ["districts"]
        assert error["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"
        assert error["extensions"]["argument"] == "first"
        assert str(settings.max_page_size) in error["message"]
        assert error["message"] != MASKED_MESSAGE and "Unexpected" not in error["message"]
    ok = await post(client, f"{{ districts(first: {settings.max_page_size}) {{ totalCount }} }}")
    assert ok.json() == {"data": {"districts": {"totalCount": 0}}, "extensions": ok.json()["extensions"]}


@pytest.mark.parametrize("cursor", ["garbage!", "e30", "WzEsMiwzXQ", "bm90IGpzb24"])
async def test_an_invalid_cursor_is_a_clear_error(client: httpx.AsyncClient, cursor: str) -> None:
    # Not base64; `{}`; a list of the wrong shape; base64 of text that is not JSON.
    response = await post(
        client, "query($after: String) { units(after: $after) { totalCount } }", {"after": cursor}
    )
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_CURSOR", error
    assert error["message"] != MASKED_MESSAGE


# 5. Unexpected errors


async def test_unexpected_errors_in_resolvers_are_masked_and_logged_once_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
    # The database layer fails: the ORM's and the compiled reads' (api.compiled).
    monkeypatch.setattr(AsyncSession, "execute", broken)
    monkeypatch.setattr(AsyncConnection, "exec_driver_sql", broken)
    with caplog.at_level(logging.DEBUG):
        response = await client.post(
            "/graphql",
            json={"query": "{ districts { edges { node { name } } } }"},
            headers={"x-request-id": "test-req-1", "accept": GQL},
        )
    assert response.status_code == 200  # a field error: the operation ran
    assert response.headers["x-request-id"] == "test-req-1"
    body = response.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert error["message"] == MASKED_MESSAGE
    assert error["path"] == ["districts"]
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "messageEn": "Unexpected error",
        "requestId": "test-req-1",
    }
    assert "boom" not in response.text and "RuntimeError" not in response.text

    tracebacks = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
    assert len(tracebacks) == 1, [r.name for r in tracebacks]
    assert tracebacks[0].levelno == logging.ERROR
    assert "test-req-1" in tracebacks[0].getMessage() and "districts" in tracebacks[0].getMessage()


async def test_client_errors_are_not_logged_as_errors(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await post(client, "{ districts { noSuchField } }")
        await post(client, "{ districts(first: 101) { totalCount } }")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_failure_outside_any_resolver_is_a_masked_500(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("validator exploded")

    # graphql-core's validation, which Strawberry calls from an extension hook, fails.
    monkeypatch.setattr(strawberry.schema.schema, "validate", broken)
    with caplog.at_level(logging.ERROR):
        response = await client.post(
            "/graphql",
            json={"query": "{ districts(first: 3) { totalCount } }"},
            headers={"x-request-id": "test-req-2", "accept": GQL},
        )
    assert response.status_code == 500
    assert media_type(response) == GQL
    assert response.headers["x-request-id"] == "test-req-2"
    assert response.json() == {
        "errors": [
            {
                "message": MASKED_MESSAGE,
                "extensions": {
                    "code": "INTERNAL_SERVER_ERROR",
                    "messageEn": "Unexpected error",
                    "requestId": "test-req-2",
                },
            }
        ]
    }
    record = next(r for r in caplog.records if r.exc_info and "validator exploded" in str(r.exc_info[1]))
    assert "test-req-2" in record.getMessage()


async def test_a_failing_commit_is_a_masked_500(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(AsyncSession, "commit", broken)
    with caplog.at_level(logging.ERROR):
        response = await client.post(
            "/graphql", json={"query": CREATE_PERSON}, headers={"x-request-id": "test-req-3"}
        )
    # Nothing the mutation reported would be true: no `data`, whatever the media type.
    assert response.status_code == 500
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "messageEn": "Unexpected error",
        "requestId": "test-req-3",
    }
    assert "disk full" not in response.text
    assert any("test-req-3" in r.getMessage() and r.exc_info for r in caplog.records)


# 6. Health


async def test_liveness_and_readiness(client: httpx.AsyncClient) -> None:
    live = await client.get("/healthz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "reachable"}


@pytest.mark.parametrize("server", ["postgresql", "sqlite"])
async def test_not_ready_when_the_database_is_unreachable(
    settings: ApiSettings, server: str, tmp_path: pathlib.Path
) -> None:
    # Nothing listens on port 1; SQLite cannot open a directory as its file.
    url = {
        "postgresql": "postgresql+asyncpg://nobody@127.0.0.1:1/none",
        "sqlite": f"sqlite+aiosqlite:///{tmp_path}",
    }[server]
    engine = create_engine(url)
    app = create_app(settings, session_factory=create_session_factory(engine))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/healthz")).status_code == 200  # alive all the same
            response = await client.get("/readyz")
    finally:
        await engine.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def test_not_ready_when_the_database_does_not_answer(settings: ApiSettings, silent_server: int) -> None:
    engine = create_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{silent_server}/none")
    app = create_app(settings, session_factory=create_session_factory(engine))
    app.state.readiness_timeout = 0.2
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            response = await asyncio.wait_for(client.get("/readyz"), timeout=5)
    finally:
        await engine.dispose()
    assert response.status_code == 503


# 7. nodes(ids)


async def test_nodes_takes_at_most_the_configured_number_of_ids(
    client: httpx.AsyncClient, settings: ApiSettings, session: AsyncSession
) -> None:
    tree = await f.small_tree(session)
    await session.flush()
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    cap = settings.max_nodes_ids

    ids = [f.gid("OrgUnit", tree["safety"].id)] * cap
    ok = await post(client, query, {"ids": ids})
    assert ok.status_code == 200 and len(ok.json()["data"]["nodes"]) == cap

    response = await post(client, query, {"ids": [*ids, ids[0]]})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "TOO_MANY_IDS"
    assert str(cap) in error["message"] and error["message"] != MASKED_MESSAGE


# 8. Encoding


async def test_responses_are_utf8_json_with_chinese_unescaped(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await f.small_tree(session)
    await session.flush()
    response = await post(
        client, '{ units(filter: {search: "安全"}) { edges { node { name } } } }', accept=JSON
    )
    assert response.headers["content-type"] == "application/json; charset=utf-8"  # 82A3
    assert "安全生产部" in response.text and "\\u" not in response.text
    assert "安全生产部".encode() in response.content

    # Errors too, including the Chinese half of our own messages.
    refused = await post(client, "{ districts(first: 101) { totalCount } }")
    assert "须在0到100之间" in refused.text and "\\u" not in refused.text
