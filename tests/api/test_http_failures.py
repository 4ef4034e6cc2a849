"""Unexpected errors (masked, logged once with the request id) and health (liveness and
readiness), through HTTP against the ASGI app. Failures are provoked at third-party
boundaries only (Strawberry, SQLAlchemy), never by replacing our own code.
"""

from __future__ import annotations

import asyncio
import logging
import pathlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry.schema.schema
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.app import create_app
from api.schema import MASKED_MESSAGE
from api.settings import ApiSettings
from domain.db import create_engine, create_session_factory
from tests.api.graphql_http import CREATE_PERSON, GQL, media_type, post

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
