"""GraphQL-over-HTTP conformance through HTTP against the ASGI app (limits:
test_http_limits.py; unexpected errors and health: test_http_failures.py).

Status codes and media types follow graphql/graphql-over-http (spec/GraphQLOverHTTP.md);
the cases marked with a four-character id are checks of the `graphql-http` audit suite.
Failures are provoked at third-party boundaries only (Strawberry, SQLAlchemy), never by
replacing our own code.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.schema import MASKED_MESSAGE
from api.settings import ApiSettings
from tests import factories as f
from tests.api.graphql_http import CREATE_PERSON, GQL, JSON, assert_request_error, media_type, post


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
