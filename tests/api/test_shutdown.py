"""A server told to stop (SIGTERM) lets requests in flight finish for at most
SHUTDOWN_GRACE_SECONDS, then exits: a request stuck on the database does not keep it up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import create_session_factory
from scratch.servers import ROOT, free_port
from tests import factories as f
from tests.app_servers import wait_ready
from tests.conftest import migrated_database

CREATE = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } userErrors { code } } }"


@pytest.mark.postgres_only
async def test_a_stopping_server_gives_requests_in_flight_a_bounded_grace(tmp_path: Path) -> None:
    settings = ApiSettings(environment=Environment.TEST)
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ENVIRONMENT": "test",
            "LOAD_DEMO_DATA": "false",
            "SHUTDOWN_GRACE_SECONDS": "2",
        }
        log_path = tmp_path / "serve.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(  # noqa: ASYNC220 (wait_ready polls a Popen)
                [sys.executable, "-m", "api", "serve", "--port", str(port)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                await wait_ready(proc, port, log_path)
                headers = {"Authorization": f"Bearer {mint_token(settings, admin)}"}
                async with (
                    httpx.AsyncClient(
                        base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30
                    ) as client,
                    engine.connect() as locker,
                ):
                    await locker.execute(text("LOCK TABLE person IN EXCLUSIVE MODE"))
                    variables = {"i": {"name": "停机", "idNumber": f.id_number(5)}}
                    stuck = asyncio.create_task(
                        client.post("/graphql", json={"query": CREATE, "variables": variables})
                    )
                    # Until the request waits on the lock (a fixed sleep raced a busy machine); only this
                    # test's database counts, the server may be shared.
                    async with engine.connect() as watcher:
                        for _ in range(200):
                            waiting = await watcher.scalar(
                                text(
                                    "SELECT count(*) FROM pg_stat_activity"
                                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                                )
                            )
                            await watcher.rollback()
                            if waiting:
                                break
                            await asyncio.sleep(0.1)
                    stopped = time.monotonic()
                    proc.send_signal(signal.SIGTERM)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        await asyncio.to_thread(proc.wait, 20)
                    exited = time.monotonic() - stopped
                    await locker.rollback()
                    outcome = await asyncio.gather(stuck, return_exceptions=True)
                assert proc.poll() is not None, "the server did not stop"
                assert exited < 2 + 3, exited
                # The request it gave up on is answered as retryable, and wrote nothing.
                (answer,) = outcome
                assert isinstance(answer, httpx.Response), answer
                assert answer.status_code == 503 and answer.headers["retry-after"]
                assert answer.json()["errors"][0]["extensions"]["code"] == "BUSY"
                async with engine.connect() as conn:
                    assert await conn.scalar(text("SELECT count(*) FROM person WHERE name = '停机'")) == 0
                print(
                    f"\nstopped {exited:.2f} s after SIGTERM with a request stuck on a lock: {outcome[0]!r}"
                )
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=10)
