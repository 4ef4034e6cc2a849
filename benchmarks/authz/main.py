"""The run and the command line (see the package's description)."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

import benchmarks.authz
from authz.authority import Authority
from benchmarks.authz.data import SPARE, build
from benchmarks.authz.enforce import enforce_figures
from benchmarks.authz.figures import line
from benchmarks.authz.filters import filter_figures, list_figures
from benchmarks.authz.processes import cross_process_figures
from domain.config import normalize_database_url
from domain.db import create_engine, create_session_factory
from migrations.runner import upgrade
from scratch import temporary_database


async def run(url: str, n_units: int, n_links: int, checks: int, list_runs: int, changes: int) -> None:
    rng = random.Random(20261122)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        start = time.perf_counter()
        data = await build(engine, n_units, n_links, rng)
        built = time.perf_counter() - start
        factory = create_session_factory(engine)
        load_ms: list[float] = []
        authority = Authority()
        for _ in range(3):
            authority = Authority()
            async with factory() as session:
                start = time.perf_counter()
                await authority.load(session)
                load_ms.append((time.perf_counter() - start) * 1000)
        print(f"database      {make_url(url).get_backend_name()}")
        print(f"data          {len(data.units)} units, {authority.rm.link_count()} role links, "
              f"{len(authority.permissions)} templates (bulk-loaded in {built:.1f} s)")  # fmt: skip
        print(f"machine       {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
        line("Authority load (all links)", load_ms)
        enforce_figures(authority, data, rng, checks)
        filter_figures(authority, data, engine.dialect)
    finally:
        await engine.dispose()
    await list_figures(url, data, list_runs)
    if make_url(url).get_backend_name() == "postgresql":
        await cross_process_figures(url, data, changes)
    else:
        print("(the cross-process figure needs PostgreSQL: pass --database-url postgresql://…)")


async def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.authz",
        description=benchmarks.authz.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument(
        "--checks", type=int, default=20_000, help="allowed and as many denied enforce checks"
    )
    parser.add_argument("--list-runs", type=int, default=20)
    parser.add_argument("--changes", type=int, default=10, help="grants timed across processes")
    args = parser.parse_args()
    server_url = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server_url, Path(tmp)) as url:
            await run(url, args.units, args.links, args.checks, args.list_runs, min(args.changes, SPARE))


if __name__ == "__main__":
    asyncio.run(main())
