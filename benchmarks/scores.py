"""Compliance scoring at province scale on PostgreSQL: the full rebuild, the district
dashboard over HTTP and its floor, and recording an inspection with the score update.

    python -m benchmarks.scores [--database-url URL] [--generate] [--today 2025-12-31]
        [--period 2025 | 2025-Q4 | 2025-12] [--runs 50] [--warmups 3] [--skip-rebuild]

The database is kept between runs (default `bench_province` on the local server; the
server's own `postgres` database is refused): `--generate` creates it if it is missing and
fills it, if empty, with `benchmarks.generate_province` at its default size (1 district,
20 parks, 10,000 enterprises, 1,000,000 records, 100,000 hazards of 2025; about 4 minutes on 2 cores).
It prints two figures of the machine first (a plain Python loop and a `SELECT 1` round trip),
to compare runs across machines. Then, printing median and p95 of every timing:

1. rebuild: `rebuild(session, today)` and its commit, with the breakdown it returns; then
   VACUUM ANALYZE of the two tables it rewrote, so that the reads below see them as
   autovacuum leaves them after two million deleted and inserted rows, and a CHECKPOINT, so
   that writing out what the rebuild changed does not fall into the timings below. With
   --skip-rebuild, the same VACUUM ANALYZE and CHECKPOINT: the recordings of earlier runs
   left dead row versions that autovacuum would have cleared, had the server it on.
2. dashboard: the `districtDashboard` query, --runs times after --warmups, against the real
   app (`create_app`, served by uvicorn in a process of its own on a free port) over HTTP,
   as a district admin (a person of the benchmark's own holding an `admin` grant on the
   district, made through `authz.policy` as the demo loader does). The server measures
   each request (`Measured`): its time in the app, and within it the SQL statements and
   their time and the garbage collector's pauses.
3. floor: the same numbers (each park's score, on-time/late/missed, overdue and open major
   hazards, its lowest-scoring enterprises with their scores) from ONE SQL statement over
   `unit_score` and `org_unit`, timed the same way; it must equal the API's answer.
4. recording: the `recordPerformance` mutation by --runs front-line holders (after
   --warmups others), each on a day they have no record of yet (so that their daily check
   turns from missed to done and score rows change); every one is committed and stays in
   the database (the next rebuild counts them). The time spent in the score update (`track`,
   around the write) is measured inside the same requests. Then, through the domain,
   `create_record` for the same holders on days still without a record, in rolled-back
   transactions, with the scores built and with the `score_state` row removed (no score
   update at all).

The app's clock is pinned to --today, as the rebuild's: records are accepted and scores
kept as on that day. Its background loops (score refresh, hazard escalation) are off so
that they run inside no timing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from sqlalchemy import Date, Engine, bindparam, delete, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.relay import from_base64, to_base64

import domain.duties.records.writing as records_service
from api.app import create_app
from api.settings import ApiSettings
from authz import policy
from authz.credentials import mint_token
from authz.models import RoleGrant
from benchmarks import generate_province
from benchmarks.calibration import print_calibration
from benchmarks.synthetic import id_number
from domain.audit.service import Actor, bind_actor
from domain.config import normalize_database_url
from domain.db import create_engine, create_session_factory, reuse_plans
from domain.duties.models import DutyRecord
from domain.duties.records import RecordInput, create_record
from domain.people.models import Person
from domain.people.service import create_person
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.scoring.formula import PeriodKind, period_start
from domain.scoring.maintain import Tracked, rebuild, track
from domain.scoring.models import ScoreState, ScoreTally, UnitScore
from domain.scoring.queries import dashboard
from domain.scoring.state import current_state
from domain.tree.models import OrgUnit
from migrations.runner import upgrade

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_province"
REFUSED_DATABASES = ("postgres", "template0", "template1")
LOWEST = 10

QUERY = """
query Dashboard($district: ID!, $kind: PeriodKind!, $start: Date!, $lowest: Int!) {
  districtDashboard(districtId: $district, periodKind: $kind, periodStart: $start, lowest: $lowest) {
    asOf
    parks {
      park { id name }
      score { score obligations { onTime late missed } hazards { overdue openMajor } }
      lowestEnterprises { unit { id name } score }
    }
  }
}
"""

RECORD = """
mutation Record($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { record { id } userErrors { code field message } }
}
"""
RECORD_TITLE = "基准测试巡查（演示）"

# The benchmark's district admin: a person of its own (a fictional ID number far past the
# generator's persons), with an `admin` grant on the district's subtree.
ADMIN_NAME = "基准测试区管理员（演示）"
ADMIN_ID_NUMBER = id_number(999_999)
ADMIN_NOTE = "benchmarks.scores: district admin for the dashboard benchmark"

# Both statements return one row per (park, listed enterprise), parks by id and each park's
# enterprises lowest score first (then by id), with NULL enterprise columns for a park with
# none; parks are those with a TREE score row for the period, as on the dashboard.
# PostgreSQL: each park's lowest enterprises by a LIMITed scan of ix_unit_score_park_period.
FLOOR_LATERAL = """
SELECT p.unit_id, po.name, p.score, p.on_time, p.late, p.missed, p.hz_overdue, p.hz_open_major,
       e.unit_id, eo.name, e.score
FROM unit_score p
JOIN org_unit po ON po.id = p.unit_id
LEFT JOIN LATERAL (
    SELECT u.unit_id, u.score FROM unit_score u
    WHERE u.park_id = p.unit_id AND u.period_kind = p.period_kind AND u.period_start = p.period_start
      AND u.scope = 'TREE' AND u.unit_kind = 'ENTERPRISE' AND u.score IS NOT NULL
    ORDER BY u.score, u.unit_id
    LIMIT :lowest
) e ON true
LEFT JOIN org_unit eo ON eo.id = e.unit_id
WHERE p.district_id = :district AND p.period_kind = :kind AND p.period_start = :start
  AND p.scope = 'TREE' AND p.unit_kind = 'PARK'
ORDER BY p.unit_id, e.score, e.unit_id
"""
# Any dialect (SQLite has no LATERAL): every enterprise of the district ranked by a window,
# as the API's own statement does.
FLOOR_WINDOW = """
WITH s AS (
    SELECT unit_id, park_id, unit_kind, score, on_time, late, missed, hz_overdue, hz_open_major,
           row_number() OVER (PARTITION BY park_id, unit_kind ORDER BY score, unit_id) AS n
    FROM unit_score
    WHERE district_id = :district AND period_kind = :kind AND period_start = :start AND scope = 'TREE'
      AND (unit_kind = 'PARK' OR (unit_kind = 'ENTERPRISE' AND score IS NOT NULL))
)
SELECT p.unit_id, po.name, p.score, p.on_time, p.late, p.missed, p.hz_overdue, p.hz_open_major,
       e.unit_id, eo.name, e.score
FROM s p
JOIN org_unit po ON po.id = p.unit_id
LEFT JOIN s e ON e.park_id = p.unit_id AND e.unit_kind = 'ENTERPRISE' AND e.n <= :lowest
LEFT JOIN org_unit eo ON eo.id = e.unit_id
WHERE p.unit_kind = 'PARK'
ORDER BY p.unit_id, e.n
"""


# --- figures ---------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, seconds: Sequence[float], note: str = "") -> None:
    med, p95 = statistics.median(seconds) * 1000, pct(seconds, 0.95) * 1000
    print(f"  {label:<36} median {med:8.2f} ms   p95 {p95:8.2f} ms   (n={len(seconds)}){note}", flush=True)


def parse_period(raw: str) -> tuple[PeriodKind, date]:
    """The period a --period names: "2025" a year, "2025-Q4" a quarter, "2025-12" a month."""
    if m := re.fullmatch(r"(\d{4})", raw):
        return PeriodKind.YEAR, date(int(m[1]), 1, 1)
    if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", raw):
        return PeriodKind.QUARTER, date(int(m[1]), 3 * int(m[2]) - 2, 1)
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", raw)) and 1 <= int(m[2]) <= 12:
        return PeriodKind.MONTH, date(int(m[1]), int(m[2]), 1)
    raise ValueError(f"period {raw!r}: expected YYYY, YYYY-Qn or YYYY-MM")


# --- the numbers a dashboard shows -----------------------------------------------------------

Listed = tuple[int, str, float | None]  # an enterprise: id, name, score


@dataclass(frozen=True)
class ParkNumbers:
    park_id: int
    name: str
    score: float | None
    on_time: int
    late: int
    missed: int
    overdue: int
    open_major: int
    lowest: tuple[Listed, ...]


def _pk(global_id: str) -> int:
    return int(from_base64(global_id)[1])


def numbers_from_api(data: dict[str, Any]) -> list[ParkNumbers]:
    out = []
    for p in data["parks"]:
        s = p["score"]
        out.append(
            ParkNumbers(
                _pk(p["park"]["id"]), p["park"]["name"], s["score"], s["obligations"]["onTime"],
                s["obligations"]["late"], s["obligations"]["missed"], s["hazards"]["overdue"],
                s["hazards"]["openMajor"],
                tuple((_pk(e["unit"]["id"]), e["unit"]["name"], e["score"]) for e in p["lowestEnterprises"]),
            )
        )  # fmt: skip
    return out


def numbers_from_rows(rows: Sequence[Any]) -> list[ParkNumbers]:
    """The floor's rows (one per park and listed enterprise, in order) grouped by park."""
    parks: dict[int, tuple[Any, list[Listed]]] = {}
    for r in rows:
        listed = parks.setdefault(r[0], (r, []))[1]
        if r[8] is not None:
            listed.append((r[8], r[9], r[10]))
    return [
        ParkNumbers(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], tuple(listed))
        for h, listed in parks.values()
    ]


def floor_statement(dialect: str) -> Any:
    sql = FLOOR_LATERAL if dialect == "postgresql" else FLOOR_WINDOW
    return text(sql).bindparams(bindparam("start", type_=Date()))


async def floor_numbers(
    conn: AsyncConnection, stmt: Any, district_id: int, kind: PeriodKind, start: date, lowest: int = LOWEST
) -> list[ParkNumbers]:
    params = {"district": district_id, "kind": kind.value, "start": start, "lowest": lowest}
    return numbers_from_rows((await conn.execute(stmt, params)).all())


async def domain_numbers(
    session: AsyncSession, district_id: int, kind: PeriodKind, start: date, lowest: int = LOWEST
) -> list[ParkNumbers]:
    """What `domain.scoring.queries.dashboard` (the API's source) answers, as numbers."""
    parks, low, _units = await dashboard(session, district_id, kind, start, lowest)
    ids = [p.unit_id for p in parks] + [e.unit_id for rows in low.values() for e in rows]
    names = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids)))).all())
    return [
        ParkNumbers(
            p.unit_id, names[p.unit_id], p.score, p.on_time, p.late, p.missed, p.hz_overdue, p.hz_open_major,
            tuple((e.unit_id, names[e.unit_id], e.score) for e in low.get(p.unit_id, [])),
        )
        for p in parks
    ]  # fmt: skip


def check_same(api: list[ParkNumbers], floor: list[ParkNumbers]) -> None:
    """The floor must show exactly what the API shows (scores compared exactly: both are the
    stored double)."""
    assert [p.park_id for p in api] == [p.park_id for p in floor], "parks differ"
    for a, f in zip(api, floor, strict=True):
        assert a == f, f"park {a.park_id}: API {a} != floor {f}"


async def time_floor(
    engine: AsyncEngine, stmt: Any, district_id: int, kind: PeriodKind, start: date, runs: int, warmups: int
) -> tuple[list[float], list[ParkNumbers]]:
    """The floor statement on one open connection: the time of execute and fetching all rows."""
    times: list[float] = []
    found: list[ParkNumbers] = []
    params = {"district": district_id, "kind": kind.value, "start": start, "lowest": LOWEST}
    async with engine.connect() as conn:
        for i in range(warmups + runs):
            started = time.perf_counter()
            rows = (await conn.execute(stmt, params)).all()
            elapsed = time.perf_counter() - started
            if i >= warmups:
                times.append(elapsed)
            found = numbers_from_rows(rows)
    return times, found


# --- the rebuild -----------------------------------------------------------------------------


async def measure_rebuild(
    factory: async_sessionmaker[AsyncSession],
    today: date,
    *,
    since: date | None = None,
    workers: int = 1,
    url: str | None = None,
) -> tuple[float, float, dict[str, float]]:
    """(total with the commit, the commit alone, the breakdown `rebuild` returns)."""
    async with factory() as session:
        started = time.perf_counter()
        timings = await rebuild(session, today, since=since, workers=workers, database_url=url)
        committing = time.perf_counter()
        await session.commit()
        done = time.perf_counter()
    return done - started, done - committing, timings


async def score_rows(factory: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with factory() as session:
        tallies = await session.scalar(select(func.count()).select_from(ScoreTally)) or 0
        scores = await session.scalar(select(func.count()).select_from(UnitScore)) or 0
    return tallies, scores


# --- recording -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    person_id: int
    post_id: int
    unit_id: int
    unit_path: str


async def frontline_holders(session: AsyncSession, today: date, n: int) -> list[Holder]:
    """`n` holders of front-line posts on `today`, spread evenly over all of them (so over
    the parks), one per person."""
    rows = (
        await session.execute(
            select(Assignment.person_id, Post.id, Post.unit_id, OrgUnit.path)
            .join(Post, Post.id == Assignment.post_id)
            .join(OrgUnit, OrgUnit.id == Post.unit_id)
            .where(
                Post.kind == "FRONTLINE",
                Post.archived_at.is_(None),
                effective_assignment(),
                assignment_on(today),
            )
            .order_by(Post.id)
        )
    ).all()
    unique = list({r[0]: Holder(*r) for r in rows}.values())
    if len(unique) < n:
        raise SystemExit(f"only {len(unique)} front-line holders, {n} needed")
    return [unique[i * len(unique) // n] for i in range(n)]


def record_days(today: date, n: int) -> list[date]:
    """`n` different days of the year up to `today` (a stride prime to 365)."""
    return [today - timedelta(days=(i * 53) % 365) for i in range(n)]


async def unrecorded_days(
    session: AsyncSession, holders: Sequence[Holder], days: Sequence[date]
) -> list[date]:
    """For each holder, the day nearest theirs (earlier first) on which they have no record
    yet, within the same year: the record then turns that day's check from missed to done,
    and the score update has rows to change (a second record of a day changes nothing)."""
    out = []
    for holder, day in zip(holders, days, strict=True):
        taken = set(
            (
                await session.scalars(
                    select(DutyRecord.performed_on).where(
                        DutyRecord.recorder_person_id == holder.person_id,
                        DutyRecord.performed_on.between(date(day.year, 1, 1), date(day.year, 12, 31)),
                    )
                )
            ).all()
        )
        candidates = [day - timedelta(days=k) for k in range(366)] + [
            day + timedelta(days=k) for k in range(366)
        ]
        free = [d for d in candidates if d.year == day.year and d not in taken]
        if not free:
            raise SystemExit(f"person {holder.person_id} has a record on every day of {day.year}")
        out.append(free[0])
    return out


def record_input(holder: Holder, day: date) -> RecordInput:
    return RecordInput(kind="INSPECTION", performed_on=day, title=RECORD_TITLE, unit_ids=[holder.unit_id])


async def time_create_record(
    factory: async_sessionmaker[AsyncSession],
    holders: Sequence[Holder],
    days: Sequence[date],
    today: date,
    *,
    scores: bool,
) -> list[float]:
    """`create_record` (checks, write, score update, flush) for each holder and day, each in
    a transaction rolled back afterwards; `scores` False removes the `score_state` row first
    in that transaction, so that `track` does nothing (as before the first rebuild)."""
    times: list[float] = []
    for holder, day in zip(holders, days, strict=True):
        async with factory() as session:
            subject = f"person:{holder.person_id}"
            bind_actor(session, Actor(subject))
            if not scores:
                await session.execute(delete(ScoreState))
            started = time.perf_counter()
            await reuse_plans(session, True)  # as the record mutations do
            await create_record(
                session,
                data=record_input(holder, day),
                recorder=Actor(subject, holder.person_id),
                domain=holder.unit_path,
                today=today,
            )
            times.append(time.perf_counter() - started)
            await session.rollback()
    return times


class TrackTimer:
    """Time spent in the score update of each record write: `track` around the write, minus
    the write itself (the body it wraps). Installed in place of `track` where the record
    service looks it up."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def install(self) -> None:
        original = track

        @asynccontextmanager
        async def timed(*args: Any, **kwargs: Any) -> AsyncIterator[Tracked]:
            started = time.perf_counter()
            body = 0.0
            async with original(*args, **kwargs) as tracked:
                entered = time.perf_counter()
                try:
                    yield tracked
                finally:
                    body = time.perf_counter() - entered
            self.samples.append(time.perf_counter() - started - body)

        mock.patch.object(records_service, "track", timed).start()


# --- the app over HTTP -----------------------------------------------------------------------

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
    """The app the benchmark serves (`uvicorn --factory benchmarks.scores:bench_app`): the
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
    command = [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.scores:bench_app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])
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
        bind_actor(session, Actor("benchmark"))
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
                session, subject=subject, role="admin", unit_id=district_id, start_date=date(2020, 1, 1),
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


# --- the database ----------------------------------------------------------------------------


async def ensure_database(url: str) -> None:
    """Create the database named by `url` (through the server's `postgres` database) if it
    does not exist."""
    parsed = make_url(url)
    name = parsed.database
    assert name, "the URL names no database"
    server = create_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    try:
        async with server.connect() as conn:
            if await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
                await conn.execute(text(f"CREATE DATABASE {conn.dialect.identifier_preparer.quote(name)}"))
                print(f"created database {name}")
    finally:
        await server.dispose()


async def province(engine: AsyncEngine) -> tuple[int, dict[str, int]]:
    """The first district's id, and the counts that say what the database holds."""
    async with engine.connect() as conn:
        district = await conn.scalar(
            select(OrgUnit.id).where(OrgUnit.kind == "DISTRICT").order_by(OrgUnit.id).limit(1)
        )
        kinds = dict((await conn.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind))).all())
        for table in ("duty_record", "hazard"):
            kinds[table] = await conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0
    if district is None:
        raise SystemExit("the database has no district: run with --generate")
    return district, kinds


async def vacuum_analyze(engine: AsyncEngine) -> float:
    started = time.perf_counter()
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(text("VACUUM (ANALYZE) unit_score, score_tally"))
        # The rebuild writes over a gigabyte of WAL: its checkpoint is written out now, not
        # during the timings below.
        await auto.execute(text("CHECKPOINT"))
    return time.perf_counter() - started


# --- main ------------------------------------------------------------------------------------


@dataclass
class Args:
    url: str
    today: date
    kind: PeriodKind
    start: date
    runs: int
    warmups: int
    generate: bool
    skip_rebuild: bool
    since: date | None = None
    workers: int = 2


async def prepare_database(args: Args) -> None:
    if args.generate:
        await ensure_database(args.url)
    engine = create_engine(args.url)
    try:
        await upgrade(engine)  # a no-op at head
        async with engine.connect() as conn:
            empty = not await conn.scalar(select(func.count()).select_from(OrgUnit))
    finally:
        await engine.dispose()
    if empty:
        if not args.generate:
            raise SystemExit("the database is empty: run with --generate to fill it")
        print("generating the province (about 4 minutes on 2 cores)", flush=True)
        await generate_province.run(args.url, generate_province.Options())


async def step_rebuild(args: Args, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]) -> None:
    if args.skip_rebuild:
        async with factory() as session:
            state = await current_state(session)
        if state is None or state.as_of != args.today:
            raise SystemExit(f"--skip-rebuild needs scores as of {args.today}: run without it once")
        print(f"1. rebuild          skipped (scores as of {state.as_of}, since {state.since})")
        # Earlier runs' recordings left dead row versions on the park and district rows that
        # every record write rewrites; autovacuum clears them after 2,000 (migration
        # 20261127_0009) unless the server has it off, as test servers may. Each run starts
        # from the table as autovacuum leaves it.
        async with engine.connect() as conn:
            autovacuum = await conn.scalar(text("SHOW autovacuum"))
        took = await vacuum_analyze(engine)
        print(
            f"  VACUUM ANALYZE, CHECKPOINT           {took:8.1f} s   (autovacuum is {autovacuum} on this server)"
        )
        return
    print(
        f"1. rebuild          rebuild(session, today, since={args.since}, workers={args.workers}) + commit",
        flush=True,
    )
    total, commit, timings = await measure_rebuild(
        factory, args.today, since=args.since, workers=args.workers, url=args.url
    )
    async with factory() as session:
        state = await current_state(session)
    assert state is not None and state.as_of == args.today
    tallies, scores = await score_rows(factory)
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items() if k != "total")
    if args.workers > 1:
        parts += " (the hazards are summed while the workers compute: within compute)"
    print(
        f"  total                                {total:8.1f} s   (target < 60 s; the commit {commit:.1f} s)"
    )
    print(f"  breakdown                            {parts}")
    print(
        f"  rows written                         {tallies:,} tallies, {scores:,} unit scores (since {state.since})"
    )
    took = await vacuum_analyze(engine)
    print(f"  then VACUUM ANALYZE, CHECKPOINT      {took:8.1f} s   (not part of the rebuild)", flush=True)


async def step_dashboard(
    args: Args, client: httpx.AsyncClient, headers: dict[str, str], district_id: int
) -> tuple[list[float], list[ParkNumbers]]:
    variables = {"district": gid("OrgUnit", district_id), "kind": args.kind.value,
                 "start": args.start.isoformat(), "lowest": LOWEST}  # fmt: skip
    timed, data, size = await time_dashboard(client, headers, variables, args.runs, args.warmups)
    api = numbers_from_api(data)
    assert data["asOf"] == args.today.isoformat(), data["asOf"]
    print(f"2. dashboard        districtDashboard {args.kind.value} {args.start} over HTTP: {len(api)} parks "
          f"with their {LOWEST} lowest enterprises, {size / 1024:.0f} KiB")  # fmt: skip
    timed.print_breakdown("target < 50 ms")
    return timed.wall, api


async def step_floor(
    args: Args, engine: AsyncEngine, district_id: int, walls: list[float], api: list[ParkNumbers]
) -> None:
    dialect = engine.dialect.name
    floor_s, floor = await time_floor(
        engine, floor_statement(dialect), district_id, args.kind, args.start, args.runs, args.warmups
    )
    how = "LATERAL per park" if dialect == "postgresql" else "window"
    print(f"3. floor            one SQL statement over unit_score and org_unit ({how})")
    line("floor", floor_s)
    if dialect == "postgresql":
        window = text(FLOOR_WINDOW).bindparams(bindparam("start", type_=Date()))
        window_s, by_window = await time_floor(
            engine, window, district_id, args.kind, args.start, args.runs, args.warmups
        )
        line("ranked by a window instead", window_s)
        check_same(floor, by_window)
    ratio = statistics.median(walls) / statistics.median(floor_s)
    print(f"  dashboard / floor                    {ratio:8.1f}×   (medians)")
    check_same(api, floor)
    listed = sum(len(p.lowest) for p in api)
    print(f"  check                                the API's numbers equal the floor's ({len(api)} parks, "
          f"{listed} enterprises)", flush=True)  # fmt: skip


async def step_recording(
    args: Args, client: httpx.AsyncClient, settings: ApiSettings, factory: async_sessionmaker[AsyncSession]
) -> None:
    async with factory() as session:
        holders = await frontline_holders(session, args.today, args.warmups + args.runs)
        days = await unrecorded_days(session, holders, record_days(args.today, len(holders)))
    timed = await time_recordings(client, settings, holders, days, args.warmups)
    print(f"4. recording        recordPerformance over HTTP by {len(timed.wall)} front-line holders on days "
          f"from {min(days)} to {max(days)} (committed: they stay)")  # fmt: skip
    timed.print_breakdown("target < 20 ms", track=True)
    share = statistics.median(timed.track) / statistics.median(timed.wall)
    print(f"  score update / HTTP wall time        {share:8.0%}   (medians)", flush=True)
    holders = holders[args.warmups :]
    async with factory() as session:
        days = await unrecorded_days(session, holders, days[args.warmups :])
    with_scores = await time_create_record(factory, holders, days, args.today, scores=True)
    without = await time_create_record(factory, holders, days, args.today, scores=False)
    line("create_record, scores built", with_scores, "  rolled back")
    line("create_record, no score_state", without, "  rolled back")
    diff = statistics.median(with_scores) - statistics.median(without)
    print(f"  score update (difference)            {diff * 1000:8.2f} ms   (medians)")


async def run(args: Args) -> None:
    await prepare_database(args)
    engine = create_engine(args.url)
    factory = create_session_factory(engine)
    try:
        district_id, held = await province(engine)
        print(f"database            {make_url(args.url).database}: {held.get('PARK', 0):,} parks, "
              f"{held.get('ENTERPRISE', 0):,} enterprises, {held['duty_record']:,} records, "
              f"{held['hazard']:,} hazards; today {args.today}")  # fmt: skip
        print(f"machine             {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
        await print_calibration(engine)
        await step_rebuild(args, engine, factory)

        admin = await district_admin(factory, district_id)
        # The server's settings come from the same environment (and .env): same secret.
        settings = ApiSettings(database_url=args.url)
        headers = {"Authorization": f"Bearer {mint_token(settings, f'person:{admin}')}"}
        started = time.perf_counter()
        with served(args.url, args.today) as base_url:
            print(f"app                 {base_url}, started in {time.perf_counter() - started:.1f} s")
            async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
                walls, api = await step_dashboard(args, client, headers, district_id)
                # Before any record is written: the floor must see the scores the API showed.
                await step_floor(args, engine, district_id, walls, api)
                await step_recording(args, client, settings, factory)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})"
    )
    parser.add_argument("--generate", action="store_true", help="create and fill the database if needed")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument(
        "--period", default=None, help="YYYY, YYYY-Qn or YYYY-MM (default: the year of --today)"
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse the scores of an earlier run")
    parser.add_argument(
        "--since",
        type=date.fromisoformat,
        default=None,
        help="scores count from this day (default: 1 January of --today's year, the generated year)",
    )
    parser.add_argument("--workers", type=int, default=2, help="processes computing the rebuild (default 2)")
    ns = parser.parse_args()
    url = normalize_database_url(ns.database_url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        parser.error("--database-url must name a PostgreSQL database")
    if parsed.database in REFUSED_DATABASES or not parsed.database:
        parser.error(f"refusing database {parsed.database!r}: name a database of the benchmark's own")
    try:
        kind, start = parse_period(ns.period or str(ns.today.year))
    except ValueError as exc:
        parser.error(str(exc))
    if period_start(kind, start) > ns.today:
        parser.error("the period starts after --today")
    if ns.runs < 1 or ns.warmups < 0:
        parser.error("--runs must be at least 1, --warmups at least 0")
    since = ns.since or date(ns.today.year, 1, 1)
    args = Args(
        url, ns.today, kind, start, ns.runs, ns.warmups, ns.generate, ns.skip_rebuild, since, ns.workers
    )
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
