"""The obligation lists a park's leaders open, on the demo data, through the real app.

    python -m benchmarks.obligation_pages [--database-url URL] [--runs 9] [--today YYYY-MM-DD]

Builds a fresh database (a temporary SQLite file, or a temporary database on the PostgreSQL
server named by --database-url, dropped afterwards), migrates it and loads the demo dataset
as `make run` does (as of --today, default today), then sends each request through the app
(ASGI, in process) as the park's party secretary, its clock pinned to that day, and prints
the calibration, then per request the SQL statements, the rows and the wall time (median
and p95 over the runs, after two warm-up requests):

- (a) the first page (`first: 20`) of the park's obligations for the year of --today, with
  the subtree (`includeDescendants`), each row with its duty, post and holder;
- (b) the same list with `totalCount` and `summary` (these need the whole list computed);
- (c) the first page of `overdue` for the park (missed, due in the last 90 days).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from strawberry.relay import to_base64

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from authz.demo import demo_subjects
from benchmarks.calibration import print_calibration
from domain.clock import today_shanghai
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory
from domain.tree.models import OrgUnit
from migrations.runner import upgrade
from scratch import temporary_database
from seeds.loader import load_dataset

ROW = "id status dueDate periodStart periodEnd required doneCount vacant dutyItem { key text } post { title } person { name }"  # fmt: skip
PAGE = f"""query($park: ID!, $from: Date!, $to: Date!) {{
  obligations(unitId: $park, includeDescendants: true, from: $from, to: $to, first: 20) {{
    pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ROW} }} }} }} }}"""
WHOLE = f"""query($park: ID!, $from: Date!, $to: Date!) {{
  obligations(unitId: $park, includeDescendants: true, from: $from, to: $to, first: 20) {{
    totalCount summary {{ doneOnTime doneLate missed due notYetDue notApplicable }}
    pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ROW} }} }} }} }}"""
OVERDUE = f"""query($park: ID!) {{
  overdue(unitId: $park, first: 20) {{ pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ROW} }} }} }} }}"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(url: str, runs: int, today: date) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        factory = create_session_factory(engine)
        started = time.perf_counter()
        async with factory() as session:
            await load_dataset(session, today=today)
            await session.commit()
        loaded = time.perf_counter() - started
        async with factory() as session:
            park = await session.scalar(
                select(OrgUnit.id).where(OrgUnit.kind == "PARK", OrgUnit.code == "ZY")
            )
            secretary = next(s for s in await demo_subjects(session) if s.role == "park-secretary")
        assert park is not None
        print(f"database            {make_url(url).get_backend_name()}")
        print(
            f"demo data           loaded as of {today} in {loaded:.1f} s; park ZY, caller {secretary.label}"
        )
        await print_calibration(engine)

        statements = 0

        def count(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        settings = ApiSettings(environment=Environment.TEST, database_url=url)
        app = create_app(settings, session_factory=factory)
        app.state.clock = lambda: today
        async with factory() as session:
            await app.state.authority.load(session)
        headers = {"Authorization": f"Bearer {mint_token(settings, secretary.subject)}"}
        variables = {
            "park": to_base64("OrgUnit", park),
            "from": f"{today.year}-01-01",
            "to": f"{today.year}-12-31",
        }
        cases = [
            ("(a) first page of the park's year", "obligations", PAGE),
            ("(b) the same with totalCount, summary", "obligations", WHOLE),
            ("(c) first page of overdue for the park", "overdue", OVERDUE),
        ]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            for label, field, query in cases:
                times: list[float] = []
                for i in range(runs + 2):
                    statements = 0
                    start = time.perf_counter()
                    response = await client.post("/graphql", json={"query": query, "variables": variables})
                    elapsed = time.perf_counter() - start
                    body = response.json()
                    assert "errors" not in body, body.get("errors")
                    if i >= 2:
                        times.append(elapsed)
                data = body["data"][field]
                rows = len(data["edges"])
                total = f", of {data['totalCount']:,}" if "totalCount" in data else ""
                print(f"{label:<40} median {statistics.median(times) * 1000:7.1f} ms   "
                      f"p95 {pct(times, 0.95) * 1000:7.1f} ms   (n={len(times)}; {statements} statements, "
                      f"{rows} rows{total})", flush=True)  # fmt: skip
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="the demo's day (default today)"
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    # Casbin logs every denial as a warning; the demo's callers are denied on the way.
    logging.getLogger("casbin.enforcer").setLevel(logging.ERROR)
    server = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server, Path(tmp)) as url:
            await run(url, args.runs, args.today or today_shanghai())


if __name__ == "__main__":
    asyncio.run(main())
