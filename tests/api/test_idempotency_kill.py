"""A write in flight when its server process dies, retried against another process with
the same Idempotency-Key, is written exactly once; a retry of a write that was answered
(the answer lost on the way) is answered again without writing.

Two real server processes (uvicorn) share one database. The test holds a lock that the
write needs, so that the first process is in the middle of the write (its transaction
begun, its insert waiting) when the test kills it with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import WRITE_TRANSACTION, create_session_factory
from domain.people.models import Person
from scratch.servers import app_server, free_port
from tests import factories as f
from tests.app_servers import wait_ready
from tests.conftest import migrated_database, on_postgresql

CREATE = (
    "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id name } userErrors { code } } }"
)
BODY: dict[str, Any] = {
    "query": CREATE,
    "variables": {"i": {"name": "断线重试", "idNumber": f.id_number(77)}},
}


async def wait_for_blocked_insert(engine: Any, seconds: float = 10) -> None:
    """PostgreSQL: until a backend waits for the lock the test holds."""
    deadline = time.monotonic() + seconds
    async with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the write never reached the lock")


async def test_a_write_killed_mid_flight_and_retried_elsewhere_is_written_once(tmp_path: Path) -> None:
    settings = ApiSettings(environment=Environment.TEST)
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
        headers = {
            "Authorization": f"Bearer {mint_token(settings, admin)}",
            "Idempotency-Key": "kill-and-retry-1",
        }
        port_a, port_b = free_port(), free_port()
        with (
            app_server(url, port_a, tmp_path / "a.log") as proc_a,
            app_server(url, port_b, tmp_path / "b.log") as proc_b,
        ):
            await wait_ready(proc_a, port_a, tmp_path / "a.log")
            await wait_ready(proc_b, port_b, tmp_path / "b.log")
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_a}", headers=headers, timeout=30) as a,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_b}", headers=headers, timeout=30) as b,
            ):
                async with engine.connect() as locker:
                    # Hold what the write needs: the person table (PostgreSQL) or the write lock.
                    if on_postgresql():
                        await locker.execute(text("LOCK TABLE person IN EXCLUSIVE MODE"))
                    else:
                        await locker.execution_options(**WRITE_TRANSACTION)
                        await locker.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock
                    in_flight = asyncio.create_task(a.post("/graphql", json=BODY))
                    if on_postgresql():
                        await wait_for_blocked_insert(engine)
                    else:
                        await asyncio.sleep(1.0)
                    os.kill(proc_a.pid, signal.SIGKILL)
                    proc_a.wait(timeout=10)
                    try:
                        await in_flight
                        raise AssertionError("the killed process answered")
                    except httpx.TransportError:
                        pass  # the client never heard back: it will retry
                    await locker.rollback()

                retried = await b.post("/graphql", json=BODY)
                assert retried.status_code == 200, retried.text
                assert "idempotent-replayed" not in retried.headers  # it had not been written
                assert retried.json()["data"]["createPerson"]["userErrors"] == []

                again = await b.post("/graphql", json=BODY)
                assert again.headers["idempotent-replayed"] == "true"
                assert again.content == retried.content

        async with create_session_factory(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(Person)) == 1
