"""The HTTP layer: GraphQL-over-HTTP status codes and media types, limits that keep the
parser and validation caches hitting, masked unexpected errors with a request id, health."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from api.app import create_app
from api.schema import MASKED_MESSAGE
from domain.config import Settings
from domain.db import create_engine, create_session_factory
from tests import factories as f

GQL_JSON = "application/graphql-response+json"


async def post(
    client: httpx.AsyncClient, query: str, variables: Any = None, accept: str = GQL_JSON
) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"accept": accept}
    )


async def test_valid_query_answers_graphql_response_json(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ districts { totalCount } }")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GQL_JSON)
    body = response.json()
    assert body["data"] == {"districts": {"totalCount": 0}}
    assert body["extensions"]["cost"] == {"requestedNodes": 20, "limit": 100_000}


@pytest.mark.parametrize(
    ("query", "variables", "fragment"),
    [
        ("{ districts { totalCount ", None, "Syntax Error"),
        ("{ districts { noSuchField } }", None, "noSuchField"),
        ("query($id: ID!) { unit(id: $id) { name } }", {"id": {"a": 1}}, "$id"),
        ("query($id: ID!) { unit(id: $id) { name } }", {}, "$id"),
    ],
    ids=["unparsable", "invalid", "bad variable", "missing variable"],
)
async def test_documents_that_cannot_run_get_400(
    client: httpx.AsyncClient, query: str, variables: Any, fragment: str
) -> None:
    response = await post(client, query, variables)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GQL_JSON)
    body = response.json()
    assert "data" not in body or body["data"] is None
    assert fragment in body["errors"][0]["message"]
    assert MASKED_MESSAGE not in response.text


async def test_legacy_json_clients_get_200_for_invalid_documents(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ districts { noSuchField } }", accept="application/json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "noSuchField" in response.json()["errors"][0]["message"]


async def test_mutation_over_get_is_405(client: httpx.AsyncClient) -> None:
    query = 'mutation { createPerson(input: {name: "甲", idNumber: "x"}) { userErrors { code } } }'
    response = await client.get("/graphql", params={"query": query}, headers={"accept": GQL_JSON})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["message"]


async def test_query_over_get_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ districts { totalCount } }"})
    assert response.status_code == 200
    assert response.json()["data"]["districts"]["totalCount"] == 0


def _nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"children(first: 2) {{ edges {{ node {{ {inner} }} }} }}"
    return f"{{ districts(first: 2) {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_depth_alias_and_token_limits(client: httpx.AsyncClient, settings: Settings) -> None:
    ok = await post(client, _nested(4))
    assert ok.status_code == 200, ok.text
    deep = await post(client, _nested(8))
    assert deep.status_code == 400
    assert "maximum operation depth" in deep.json()["errors"][0]["message"]

    aliases = " ".join(f"a{i}: districts {{ totalCount }}" for i in range(settings.max_aliases + 1))
    too_many = await post(client, f"{{ {aliases} }}")
    assert too_many.status_code == 400
    assert "aliases" in too_many.json()["errors"][0]["message"]

    tokens = " ".join("__typename" for _ in range(settings.max_tokens))
    too_long = await post(client, f"{{ {tokens} }}")
    assert too_long.status_code == 400
    assert "token" in too_long.json()["errors"][0]["message"].lower()


async def test_parser_and_validation_caches_hit_with_the_limits_on(client: httpx.AsyncClient) -> None:
    query = "{ districts(first: 3) { totalCount edges { node { name } } } }"
    await post(client, query)
    parse_hits = _get_parse_cache(512).cache_info().hits
    validate_hits = _get_validate_cache(512).cache_info().hits
    await post(client, query)
    assert _get_parse_cache(512).cache_info().hits == parse_hits + 1
    assert _get_validate_cache(512).cache_info().hits == validate_hits + 1


async def test_page_size_cap_and_bad_cursor_are_clear_errors(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ districts(first: 101) { totalCount } }")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"
    assert "100" in error["message"] and MASKED_MESSAGE not in error["message"]

    response = await post(client, '{ districts(after: "garbage!") { totalCount } }')
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_a_malformed_global_id_is_a_clear_field_error(client: httpx.AsyncClient) -> None:
    # GraphQL accepts 5 for an ID!; it is not one of our global IDs.
    response = await post(client, "query($id: ID!) { unit(id: $id) { name } }", {"id": 5})
    body = response.json()
    assert body["data"] == {"unit": None}
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_ID"
    assert "GlobalID" in error["message"] and MASKED_MESSAGE not in error["message"]


async def test_nodes_cap(client: httpx.AsyncClient) -> None:
    ids = [f.gid("OrgUnit", i) for i in range(1, 102)]
    response = await post(client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_IDS"


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession as LibrarySession

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom: secret detail")

    # A fault at the library boundary: the database driver layer fails.
    monkeypatch.setattr(LibrarySession, "execute", broken)
    with caplog.at_level(logging.ERROR, logger="api.graphql"):
        response = await client.post(
            "/graphql",
            json={"query": "{ districts { edges { node { name } } } }"},
            headers={"x-request-id": "test-req-1"},
        )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "test-req-1"
    error = response.json()["errors"][0]
    assert error["message"] == MASKED_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "test-req-1"}
    assert "secret detail" not in response.text
    record = next(r for r in caplog.records if "test-req-1" in r.getMessage())
    assert record.exc_info is not None and "secret detail" in str(record.exc_info[1])


async def test_request_ids_are_generated_when_absent_or_unsafe(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"x-request-id": "bad id with spaces"})
    assert response.headers["x-request-id"] != "bad id with spaces"
    assert len(response.headers["x-request-id"]) == 32


async def test_health_and_readiness(client: httpx.AsyncClient, settings: Settings) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "reachable"

    unreachable = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app = create_app(settings, session_factory=create_session_factory(unreachable))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as other:
        assert (await other.get("/healthz")).status_code == 200
        down = await other.get("/readyz")
    await unreachable.dispose()
    assert down.status_code == 503


async def test_responses_are_utf8_with_chinese_unescaped(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await f.small_tree(session)
    await session.flush()
    response = await post(client, '{ units(filter: {search: "安全"}) { edges { node { name } } } }')
    assert "安全生产部" in response.text


async def test_graphiql_is_served_to_browsers(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"] and "graphiql" in page.text.lower()
    root = await client.get("/", follow_redirects=False)
    assert root.status_code in (302, 307) and root.headers["location"] == "/graphql"


async def test_documents_that_may_return_too_many_nodes_are_refused(client: httpx.AsyncClient) -> None:
    wide = "{ districts(first: 100) { edges { node { children(first: 100) { edges { node { children(first: 100) { totalCount } } } } } } } }"
    response = await post(client, wide)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "TOO_MANY_NODES", "requested": 1_010_100, "limit": 100_000}

    # Variables count as given; fragments and `nodes(ids)` count too.
    query = """
    query($n: Int!, $ids: [ID!]!) {
      districts(first: $n) { edges { node { ...Kids } } }
      nodes(ids: $ids) { id }
    }
    fragment Kids on OrgUnit { children(first: 10) { totalCount } }
    """
    ok = await post(client, query, {"n": 3, "ids": [f.gid("OrgUnit", 1), f.gid("OrgUnit", 2)]})
    assert ok.status_code == 200
    assert ok.json()["extensions"]["cost"]["requestedNodes"] == 3 + 3 * 10 + 2
