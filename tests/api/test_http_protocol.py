"""HTTP details beside tests/api/test_http.py: ID errors, request ids, GraphiQL, and the
requested-nodes limit with its `extensions.cost`."""

from __future__ import annotations

from typing import Any

import httpx

from api.schema import MASKED_MESSAGE
from tests import factories as f

GQL_JSON = "application/graphql-response+json"


async def post(
    client: httpx.AsyncClient, query: str, variables: Any = None, accept: str = GQL_JSON
) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"accept": accept}
    )


async def test_a_malformed_global_id_is_a_clear_field_error(client: httpx.AsyncClient) -> None:
    # GraphQL accepts 5 for an ID!; it is not one of our global IDs.
    response = await post(client, "query($id: ID!) { unit(id: $id) { name } }", {"id": 5})
    body = response.json()
    assert body["data"] == {"unit": None}
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_ID"
    assert "GlobalID" in error["extensions"]["messageEn"] and MASKED_MESSAGE not in error["message"]


async def test_request_ids_are_generated_when_absent_or_unsafe(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"x-request-id": "bad id with spaces"})
    assert response.headers["x-request-id"] != "bad id with spaces"
    assert len(response.headers["x-request-id"]) == 32


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
    assert error["extensions"] == {
        "code": "TOO_MANY_NODES",
        "messageEn": "The document may return 1010100 nodes, more than the limit of 100000; ask for smaller "
        "pages (`first`)",
        "requested": 1_010_100,
        "limit": 100_000,
    }

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
