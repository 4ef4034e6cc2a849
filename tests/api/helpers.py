"""Requests through HTTP as a given caller, and what a mutation's payload must look like.

Shared by the API tests: a payload that succeeded has no `userErrors`; one that was refused
has exactly the expected (code, field) errors, each with a Chinese `message` and an English
`messageEn`, and no result."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import from_base64

_CJK = re.compile(r"[\u4e00-\u9fff]")


def ok(body: dict[str, Any]) -> dict[str, Any]:
    """The payload of a one-mutation document that must succeed."""
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["userErrors"] == [], payload
    result: dict[str, Any] = payload
    return result


def refused(body: dict[str, Any], code: str, field: list[str]) -> list[dict[str, Any]]:
    """The payload of a one-mutation document refused with exactly one error."""
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    errors: list[dict[str, Any]] = payload["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, field)], errors
    for e in errors:
        assert _CJK.search(e["message"]) and not _CJK.search(e["messageEn"]), e
    assert all(v is None for k, v in payload.items() if k != "userErrors"), payload
    return errors


def error_code(body: dict[str, Any]) -> str:
    """The code of a document's one top-level GraphQL error."""
    (error,) = body["errors"]
    code: str = error["extensions"]["code"]
    return code


def pk(global_id: str) -> int:
    return int(from_base64(global_id)[1])


class As:
    """Requests as one caller: a bearer token, an API key, or no credentials at all."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.http = http
        self.headers = headers

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers
        )

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.raw(query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def reload(app: Any, session: AsyncSession) -> None:
    """Data written straight to the database: commit it and reload the authorization state."""
    await session.commit()
    await app.state.authority.load(session)
