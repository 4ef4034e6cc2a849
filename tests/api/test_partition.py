"""A silent network partition between a server process and PostgreSQL.

A TCP proxy that the test controls sits between a real server (uvicorn, its own process,
short limits) and PostgreSQL. The test black-holes it (connections stay open, nothing
arrives: no reset, no close), asks the server while it is cut off, heals the proxy, and
measures how long the server takes to serve again by itself. Prints the answers and the
recovery time."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import create_session_factory
from scratch.servers import app_server, free_port
from tests import factories as f
from tests.app_servers import wait_ready
from tests.conftest import migrated_database
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres_only

LIMITS = {
    "DB_CONNECT_TIMEOUT_SECONDS": "2",
    "DB_STATEMENT_TIMEOUT_SECONDS": "3",
    "DB_POOL_TIMEOUT_SECONDS": "2",
    "DB_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS": "4",
    "DB_TCP_USER_TIMEOUT_SECONDS": "4",
    "REQUEST_TIMEOUT_SECONDS": "6",
    "RETRY_AFTER_SECONDS": "2",
    "AUTHZ_RESYNC_SECONDS": "0",
    "HAZARD_ESCALATION_SECONDS": "0",
    "SCORE_REFRESH_SECONDS": "0",
}
READ = "{ persons(first: 5) { totalCount } }"
WRITE = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } userErrors { code } } }"


async def ask(client: httpx.AsyncClient, n: int) -> tuple[float, int, str | None, str | None]:
    """One request (a read or a write): seconds to the answer, status, error code, Retry-After."""
    started = time.perf_counter()
    if n % 2:
        body: dict[str, Any] = {
            "query": WRITE,
            "variables": {"i": {"name": f"分区{n}", "idNumber": f.id_number(900 + n)}},
        }
    else:
        body = {"query": READ}
    response = await client.post("/graphql", json=body, timeout=30)
    elapsed = time.perf_counter() - started
    payload = response.json()
    code = payload["errors"][0]["extensions"]["code"] if payload.get("errors") else None
    return elapsed, response.status_code, code, response.headers.get("retry-after")


async def test_a_silent_partition_is_answered_in_time_and_recovered_from(tmp_path: Path) -> None:
    settings = ApiSettings(environment=Environment.TEST)
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
            await session.commit()
        direct = make_url(url)
        proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432)
        await proxy.start()
        proxied = direct.set(port=proxy.port).render_as_string(hide_password=False)
        port = free_port()
        log_path = tmp_path / "server.log"
        os.environ.update(LIMITS)
        try:
            with app_server(proxied, port, log_path) as proc:
                await wait_ready(proc, port, log_path)
                headers = {"Authorization": f"Bearer {mint_token(settings, admin)}"}
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
                    # Before: every request served, several pooled connections open.
                    before = await asyncio.gather(*(ask(client, n) for n in range(6)))
                    assert [b[1] for b in before] == [200] * 6, before

                    proxy.black_hole()
                    during = await asyncio.gather(*(ask(client, n) for n in range(10, 18)))
                    ready_started = time.perf_counter()
                    ready = await client.get("/readyz", timeout=30)
                    ready_seconds = time.perf_counter() - ready_started
                    print("\nduring the partition (seconds, status, code, Retry-After):")
                    for answer in during:
                        print(f"  {answer[0]:5.2f} s  {answer[1]}  {answer[2]}  Retry-After {answer[3]}")
                    print(f"  /readyz {ready.status_code} in {ready_seconds:.2f} s")
                    # Every request answered within the request deadline (6 s) and a margin,
                    # with a typed, retryable error and a Retry-After; never a hang, never a 500.
                    assert all(a[0] < 6 + 3 for a in during), during
                    assert {a[1] for a in during} == {503}, during
                    assert {a[2] for a in during} <= {"DATABASE_UNAVAILABLE", "TIMEOUT"}, during
                    assert all(a[3] == "2" for a in during), during
                    assert ready.status_code == 503 and ready_seconds < 4

                    proxy.heal()
                    healed = time.perf_counter()
                    recovered: float | None = None
                    while time.perf_counter() - healed < 30:
                        answer = await ask(client, 0)
                        if answer[1] == 200 and (await client.get("/readyz")).status_code == 200:
                            recovered = time.perf_counter() - healed
                            break
                        await asyncio.sleep(0.2)
                    print(f"  served again {recovered} s after the partition healed")
                    assert recovered is not None and recovered < 10, recovered

                    # Afterwards the pool is whole: a burst of reads and writes all succeed.
                    after = await asyncio.gather(*(ask(client, n) for n in range(20, 32)))
                    assert Counter(a[1] for a in after) == Counter({200: 12}), after
                    print(f"  then 12 requests: slowest {max(a[0] for a in after):.2f} s")

            # No backend is left idle in a transaction, holding locks, by the cut connections.
            await asyncio.sleep(5)
            async with engine.connect() as conn:
                stuck = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND state LIKE 'idle in transaction%' "
                        "AND pid <> pg_backend_pid()"
                    )
                )
            assert stuck == 0
        finally:
            for name in LIMITS:
                os.environ.pop(name, None)
            await proxy.stop()
