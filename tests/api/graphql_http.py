"""Posting GraphQL over HTTP to the ASGI app, and checking a request error's status and media type."""

from __future__ import annotations

from typing import Any

import httpx

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
