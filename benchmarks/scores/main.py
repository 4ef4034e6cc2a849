"""The benchmark's steps in order and its command line (see the package's description)."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date

import httpx
from sqlalchemy import Date, bindparam, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import benchmarks.scores
from api.settings import ApiSettings
from authz.credentials import mint_token
from benchmarks import generate_province
from benchmarks.calibration import print_calibration
from benchmarks.scores.dashboard import ParkNumbers, check_same, floor_statement, numbers_from_api, time_floor
from benchmarks.scores.database import ensure_database, province, vacuum_analyze
from benchmarks.scores.figures import line, parse_period
from benchmarks.scores.rebuild import measure_rebuild, score_rows
from benchmarks.scores.recording import (
    frontline_holders,
    record_days,
    time_create_record,
    unrecorded_days,
)
from benchmarks.scores.served import district_admin, gid, served, time_dashboard, time_recordings
from benchmarks.scores.statements import DEFAULT_URL, FLOOR_WINDOW, LOWEST, REFUSED_DATABASES
from domain.config import normalize_database_url
from domain.db import create_engine, create_session_factory
from domain.scoring.formula import PeriodKind, period_start
from domain.scoring.state import current_state
from domain.tree.models import OrgUnit
from migrations.runner import upgrade


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
        prog="python -m benchmarks.scores",
        description=benchmarks.scores.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
