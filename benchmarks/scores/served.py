"""The real app over HTTP: served by uvicorn in a process of its own, measured inside each
request, and timed from the client as a district admin would call it.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.relay import to_base64

from api.app import create_app
from api.settings import ApiSettings
from authz import policy
from authz.credentials import mint_token
from authz.models import RoleGrant
from benchmarks.scores.figures import line
from benchmarks.scores.recording import Holder, TrackTimer
from benchmarks.scores.statements import (
    ADMIN_ID_NUMBER,
    ADMIN_NAME,
    ADMIN_NOTE,
    QUERY,
    RECORD,
    RECORD_TITLE,
)
from domain.actors import Actor
from domain.people.models import Person
from domain.people.service import create_person

TODAY_ENV = "BENCH_SCORES_TODAY"


class SqlClock:
    """Statements every engine of the process runs, and their time from before to after the
    cursor's execute (the database round trip)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0

    def _before(self, conn: Any, *_: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn: Any, *_: Any) -> None:
        self.seconds += time.perf_counter() - conn.info["bench_started"].pop()
        self.count += 1

    def install(self) -> None:
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)


class GcClock:
    """Time the process spends in the cyclic garbage collector (it stops everything)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def reset(self) -> None:
        self.seconds = 0.0

    def _callback(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def install(self) -> None:
        gc.callbacks.append(self._callback)


class Measured:
    """ASGI middleware of the benchmark's server: every response says, in headers, how long
    the app took up to the response's start, and within that the SQL statements (count and
    time), the garbage collector's pauses and the score update of a record write. Requests
    come one at a time, so process-wide counters reset per request are the request's."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sql = SqlClock()
        self.gc = GcClock()
        self.tracker = TrackTimer()
        self.sql.install()
        self.gc.install()
        self.tracker.install()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.sql.reset()
        self.gc.reset()
        self.tracker.samples.clear()
        started = time.perf_counter()

        async def send_measured(message: Any) -> None:
            if message["type"] == "http.response.start":
                took = time.perf_counter() - started
                tracked = sum(self.tracker.samples)
                message = {**message, "headers": [
                    *message.get("headers", []), (b"x-bench-app-ms", f"{took * 1000:.3f}".encode()),
                    (b"x-bench-sql-ms", f"{self.sql.seconds * 1000:.3f}".encode()),
                    (b"x-bench-sql-count", str(self.sql.count).encode()),
                    (b"x-bench-gc-ms", f"{self.gc.seconds * 1000:.3f}".encode()),
                    (b"x-bench-track-ms", f"{tracked * 1000:.3f}".encode()),
                ]}  # fmt: skip
            await send(message)

        await self.app(scope, receive, send_measured)


def bench_app() -> Any:
    """The app the benchmark serves (`uvicorn --factory benchmarks.scores.served:bench_app`): the
    real app from the process's settings, its clock pinned to the day in BENCH_SCORES_TODAY,
    measured by `Measured`."""
    today = date.fromisoformat(os.environ[TODAY_ENV])
    app = create_app()
    app.state.clock = lambda: today
    # A front-line holder's record-write is first checked on the unit (denied: no grant
    # there), then through their post (allowed); Casbin logs every denial as a warning.
    logging.getLogger("casbin.enforcer").setLevel(logging.ERROR)
    return Measured(app)


@contextmanager
def served(url: str, today: date) -> Iterator[str]:
    """The app under uvicorn in a process of its own (as deployed: no interpreter lock shared
    with this client) on a free port of 127.0.0.1, its background loops (score refresh,
    hazard escalation) off; yields the base URL once /healthz answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "SCORE_REFRESH_SECONDS": "0", "HAZARD_ESCALATION_SECONDS": "0",
           TODAY_ENV: today.isoformat()}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.scores.served:bench_app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[2])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Timed:
    """Per-request figures, in seconds: the client's wall time, the app's time up to the
    response's start, and within that the SQL, the collector's pauses and the score update."""

    wall: list[float]
    app: list[float]
    sql: list[float]
    gc: list[float]
    track: list[float]
    statements: list[int]

    @classmethod
    def empty(cls) -> Timed:
        return cls([], [], [], [], [], [])

    def add(self, wall: float, response: httpx.Response) -> None:
        self.wall.append(wall)
        h = response.headers
        self.app.append(float(h["x-bench-app-ms"]) / 1000)
        self.sql.append(float(h["x-bench-sql-ms"]) / 1000)
        self.gc.append(float(h["x-bench-gc-ms"]) / 1000)
        self.track.append(float(h["x-bench-track-ms"]) / 1000)
        self.statements.append(int(h["x-bench-sql-count"]))

    def print_breakdown(self, target: str, *, track: bool = False) -> None:
        line(f"HTTP wall time ({target})", self.wall)
        line("in the app", self.app)
        line("  of which SQL", self.sql, f", {statistics.median(self.statements):.0f} statements")
        line("  the rest (GraphQL, authz, Python)", [a - q for a, q in zip(self.app, self.sql, strict=True)])
        line("    of which collector pauses", self.gc)
        if track:
            line("  the score update (track)", self.track, ", its SQL included")
        line("HTTP, uvicorn and client", [w - a for w, a in zip(self.wall, self.app, strict=True)])


async def district_admin(factory: async_sessionmaker[AsyncSession], district_id: int) -> int:
    """The benchmark's district admin (made once, through the services, and kept)."""
    async with factory() as session:
        person_id = await session.scalar(select(Person.id).where(Person.id_number == ADMIN_ID_NUMBER))
        if person_id is None:
            person = await create_person(
                session, name=ADMIN_NAME, id_number=ADMIN_ID_NUMBER, phone=None, today=date(2020, 1, 1)
            )
            person_id = person.id
        subject = f"person:{person_id}"
        granted = await session.scalar(
            select(RoleGrant.id).where(
                RoleGrant.subject == subject,
                RoleGrant.role == "admin",
                RoleGrant.unit_id == district_id,
                RoleGrant.revoked_at.is_(None),
            )
        )
        if granted is None:
            await policy.grant_role(
                session, actor=Actor("benchmark"), subject=subject, role="admin", unit_id=district_id,
                start_date=date(2020, 1, 1),
                note=ADMIN_NOTE,
            )  # fmt: skip
        await session.commit()
    return person_id


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


async def time_dashboard(
    client: httpx.AsyncClient, headers: dict[str, str], variables: dict[str, Any], runs: int, warmups: int
) -> tuple[Timed, dict[str, Any], int]:
    """(the figures, the last answer's data, its size in bytes)."""
    payload = {"query": QUERY, "variables": variables}
    timed = Timed.empty()
    body: dict[str, Any] = {}
    size = 0
    for i in range(warmups + runs):
        started = time.perf_counter()
        response = await client.post("/graphql", json=payload, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        if i >= warmups:
            timed.add(elapsed, response)
        size = len(response.content)
    data = body["data"]["districtDashboard"]
    assert data is not None, "districtDashboard is null: the caller may not read the district"
    return timed, data, size


async def time_recordings(
    client: httpx.AsyncClient,
    settings: ApiSettings,
    holders: Sequence[Holder],
    days: Sequence[date],
    warmups: int,
) -> Timed:
    """`recordPerformance` by each holder on their day; the first `warmups` not counted."""
    timed = Timed.empty()
    for i, (holder, day) in enumerate(zip(holders, days, strict=True)):
        headers = {"Authorization": f"Bearer {mint_token(settings, f'person:{holder.person_id}')}"}
        variables = {"input": {"kind": "INSPECTION", "performedOn": day.isoformat(), "title": RECORD_TITLE,
                               "unitIds": [gid("OrgUnit", holder.unit_id)]}}  # fmt: skip
        started = time.perf_counter()
        response = await client.post(
            "/graphql", json={"query": RECORD, "variables": variables}, headers=headers
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        payload = body["data"]["recordPerformance"]
        assert payload["userErrors"] == [] and payload["record"], payload
        if i >= warmups:
            timed.add(elapsed, response)
    return timed
