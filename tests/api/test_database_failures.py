"""A database that cannot serve now: queued SQLite writers, statement and request time
limits. Each failure is a typed, retryable error with Retry-After, never a masked 500, and
nothing is written."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.db import begin_write, create_engine, create_session_factory
from domain.dblimits import DatabaseLimits
from domain.people.models import Person
from tests import factories as f
from tests.conftest import migrated_database, on_postgresql

CREATE = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } userErrors { code } } }"
HEAVY_READ = (
    "{ persons(first: 100) { totalCount edges { node { name assignments(first: 50) { totalCount } } } } }"
)


@asynccontextmanager
async def api_on(
    url: str, settings: ApiSettings, limits: DatabaseLimits, admin: str
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    """The app on an engine of its own with `limits`, and a client acting as `admin`."""
    engine = create_engine(url, limits=limits)
    app = create_app(settings, session_factory=create_session_factory(engine))
    headers = {"Authorization": f"Bearer {mint_token(settings, admin)}"}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
        ) as client:
            yield client, engine
    finally:
        await engine.dispose()


async def persons(engine: AsyncEngine) -> int:
    async with create_session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


def create(n: int) -> dict[str, Any]:
    return {"query": CREATE, "variables": {"i": {"name": f"排队{n}", "idNumber": f.id_number(n)}}}


async def test_thirty_concurrent_writers_beside_heavy_reads_all_succeed(
    settings: ApiSettings, tmp_path: Path
) -> None:
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
            await session.commit()
        # SQLite's own wait for its file lock made short: the writers' queue does the waiting.
        limits = DatabaseLimits(sqlite_busy_timeout_ms=20)
        async with api_on(url, settings, limits, admin) as (client, _):
            results = await asyncio.gather(
                *(client.post("/graphql", json=create(n)) for n in range(30)),
                *(client.post("/graphql", json={"query": HEAVY_READ}) for _ in range(10)),
            )
        assert [r.status_code for r in results] == [200] * 40
        bodies = [r.json() for r in results]
        assert [b for b in bodies if "errors" in b] == []
        assert all(b["data"]["createPerson"]["userErrors"] == [] for b in bodies[:30])
        assert await persons(engine) == 30


async def test_a_write_that_waits_too_long_for_the_queue_is_busy(
    settings: ApiSettings, tmp_path: Path
) -> None:
    if on_postgresql():
        pytest.skip("the write queue is SQLite's")
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
            await session.commit()
        async with api_on(url, settings, DatabaseLimits(sqlite_write_queue=0.3), admin) as (
            client,
            app_engine,
        ):
            # Another writer of the process holds the queue for longer than a write may wait.
            async with create_session_factory(app_engine)() as holder:
                await begin_write(holder)
                response = await client.post("/graphql", json=create(1))
                await holder.rollback()
            body = response.json()
            assert response.status_code == 503
            assert response.headers["retry-after"] == str(settings.retry_after_seconds)
            error = body["errors"][0]
            assert error["extensions"]["code"] == "BUSY"
            assert error["extensions"]["retryable"] is True
            assert error["extensions"]["messageEn"] and error["message"] != error["extensions"]["messageEn"]
            assert error["path"] == ["createPerson"]
            # Once the queue is free the same write goes through.
            again = await client.post("/graphql", json=create(1))
            assert again.json()["data"]["createPerson"]["userErrors"] == []
        assert await persons(engine) == 1


@pytest.mark.postgres_only
async def test_a_statement_past_its_time_limit_is_a_typed_timeout(
    settings: ApiSettings, tmp_path: Path
) -> None:
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
            await session.commit()
        async with api_on(url, settings, DatabaseLimits(statement=1.0), admin) as (client, _):
            assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
            # Another session locks the table the query needs and keeps it.
            async with engine.connect() as locker:
                await locker.execute(text("LOCK TABLE person IN ACCESS EXCLUSIVE MODE"))
                response = await client.post("/graphql", json={"query": HEAVY_READ})
                writing = await client.post("/graphql", json=create(2))
                await locker.rollback()
            for answer in (response, writing):
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"] == str(settings.retry_after_seconds)
                assert answer.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
            assert await persons(engine) == 0
            # The lock gone, the same requests are served.
            assert "errors" not in (await client.post("/graphql", json={"query": HEAVY_READ})).json()


@pytest.mark.postgres_only
async def test_a_request_past_its_deadline_is_answered_503(tmp_path: Path) -> None:
    settings = ApiSettings(environment="test", request_timeout_seconds=1.0)  # type: ignore[arg-type]
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
            await session.commit()
        async with api_on(url, settings, DatabaseLimits(statement=30.0), admin) as (client, _):
            assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
            async with engine.connect() as locker:
                await locker.execute(text("LOCK TABLE person IN ACCESS EXCLUSIVE MODE"))
                started = asyncio.get_running_loop().time()
                response = await client.post("/graphql", json=create(3))
                elapsed = asyncio.get_running_loop().time() - started
                await locker.rollback()
            assert response.status_code == 503
            assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
            assert elapsed < 1.0 + 2.5  # the deadline and the bounded close of the session
            assert await persons(engine) == 0
