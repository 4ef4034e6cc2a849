"""One page of the hazard ledger, compiled read path on and off.

    python -m benchmarks.ledger [--database-url URL] [--hazards 2000] [--first 100] [--runs 10]

Builds a fresh database (as benchmarks.list_enterprises: a SQLite temp file, or a temporary
database on the PostgreSQL server named by --database-url), loads a park of 500 enterprises
and `--hazards` hazards spread over them, each with a plan and two history entries, then asks
for a page of the ledger with what a ledger screen shows (unit, category, persons, plan,
history, overdue flags) through the real app (ASGI, in process), once with the compiled
read path (COMPILED_READS) and once without, and prints statements and wall times.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, insert

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from benchmarks.list_enterprises import bench_admin, load
from benchmarks.synthetic import table_of
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory, utcnow
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardPlan
from migrations.runner import upgrade
from scratch import temporary_database

QUERY = """query($first: Int) {
  hazards(unitId: "T3JnVW5pdDoy", first: $first, filter: {states: [CONFIRMED, RECTIFYING, CLOSED]}) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id grade title state foundOn deadline overdue daysLeft
      unit { name parent { name } } category { code name major } finder { name } responsiblePerson { name }
      plan { measures funds deadline responsiblePerson { name } } history { kind toState createdAt } }
  }
}"""


async def load_hazards(engine: Any, count: int) -> str:
    now = utcnow()
    categories = [{"id": i, "code": f"C{i}", "name": f"分类{i}", "domain": "OTHER", "major": i == 1,
                   "created_at": now, "created_by": "system"} for i in range(1, 6)]  # fmt: skip
    hazards: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    states = ["REPORTED", "CONFIRMED", "RECTIFYING", "RECTIFIED", "CLOSED"]
    for i in range(1, count + 1):
        n = i % 500  # enterprise n % 50 of department n // 50 (ids as `load` gives them)
        enterprise = 3 + (n // 50) * 51 + 1 + n % 50
        person = 1 + i % 1500
        hazards.append({
            "id": i, "unit_id": enterprise, "category_id": 1 + i % 5, "grade": "MAJOR" if i % 7 == 0 else "GENERAL",
            "title": f"隐患{i}", "description": "描述", "evidence": [], "source": "SELF_CHECK",
            "found_on": date(2026, 1, 1) + timedelta(days=i % 300), "found_by": f"person:{person}",
            "found_by_person_id": person, "state": states[i % 5], "deadline": date(2026, 3, 1) + timedelta(days=i % 200),
            "responsible_person_id": person, "created_at": now, "version": 1,
        })  # fmt: skip
        plans.append({"id": i, "hazard_id": i, "measures": "措施", "responsible_person_id": person,
                      "funds": Decimal("1000.50"), "deadline": date(2026, 9, 1), "contingency_plan": "预案",
                      "created_at": now, "created_by": f"person:{person}"})  # fmt: skip
        for k, kind in enumerate(("REPORTED", "CONFIRMED")):
            events.append({"id": 2 * i + k, "hazard_id": i, "kind": kind, "to_state": kind, "actor": "system",
                           "created_at": now})  # fmt: skip
    subject = await bench_admin(engine)  # the caller: an admin over everything
    async with engine.begin() as conn:
        await conn.execute(insert(table_of(HazardCategory)), categories)
        await conn.execute(insert(table_of(Hazard)), hazards)
        await conn.execute(insert(table_of(HazardPlan)), plans)
        await conn.execute(insert(table_of(HazardEvent)), events)
    return subject


async def measure(
    app: Any, headers: dict[str, str], first: int, runs: int, counter: list[int]
) -> tuple[list[float], int, Any]:
    times: list[float] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
        for i in range(runs + 2):
            counter[0] = 0
            start = time.perf_counter()
            response = await client.post("/graphql", json={"query": QUERY, "variables": {"first": first}})
            elapsed = time.perf_counter() - start
            body = response.json()
            assert "errors" not in body, body.get("errors")
            if i >= 2:
                times.append(elapsed)
    return times, counter[0], body


async def run(url: str, hazards: int, first: int, runs: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await load(engine, 10, 50)
    subject = await load_hazards(engine, hazards)
    counter = [0]

    def count(*_: Any) -> None:
        counter[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    answers = []
    for compiled in (True, False):
        settings = ApiSettings(environment=Environment.TEST, database_url=url, compiled_reads=compiled)
        app = create_app(settings, session_factory=create_session_factory(engine))
        headers = {"Authorization": f"Bearer {mint_token(settings, subject)}"}
        times, statements, body = await measure(app, headers, first, runs, counter)
        answers.append(body)
        label = "compiled " if compiled else "resolvers"
        print(f"{label}  {statements:3d} SQL statements, median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {len(times)} runs")  # fmt: skip
    assert answers[0] == answers[1], "the two paths answered differently"
    page = answers[0]["data"]["hazards"]
    print(f"page               {len(page['nodes'])} of {page['totalCount']} hazards")
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--hazards", type=int, default=2000)
    parser.add_argument("--first", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    server = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server, Path(tmp)) as url:
            await run(url, args.hazards, args.first, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
