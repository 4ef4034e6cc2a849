"""One GraphQL request listing 1,000 enterprises with their posts and current holders.

    python -m benchmarks.list_enterprises [--database-url URL] [--departments 10]
        [--enterprises-per-department 100] [--runs 10]

Builds a fresh database (a temporary SQLite file, or a temporary database on the
PostgreSQL server named by --database-url, dropped afterwards), migrates it, bulk-loads
park → departments → enterprises, each enterprise with three posts held by one person
each, then sends the request through the real app (ASGI, in process) and prints the SQL
statement count of the request and the wall time (median, p95) over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, insert
from sqlalchemy.engine import make_url

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from authz.models import RoleGrant, ServiceClient
from benchmarks.synthetic import table_of
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory, utcnow
from domain.identifiers import credit_code_check_char, id_number_check_char
from domain.people.models import Person
from domain.posts.models import Assignment, Post
from domain.tree.models import OrgUnit
from migrations.runner import upgrade
from scratch import temporary_database

QUERY = """
query Park($park: ID!, $departments: Int!, $enterprises: Int!) {
  unit(id: $park) {
    name
    children(first: $departments) {
      edges { node {
        name
        children(first: $enterprises) {
          edges { node {
            name
            enterprise { creditCode trade riskClass placarded }
            posts(first: 5) {
              edges { node {
                kind title
                holders(first: 5) { edges { node { startDate person { name phoneMasked } } } }
              } }
            }
          } }
        }
      } }
    }
  }
}
"""

POST_KINDS = [("ENTERPRISE_PRINCIPAL", "企业主要负责人", True), ("SAFETY_MANAGER", "安全管理人员", False),
              ("FRONTLINE", "一线岗位", False)]  # fmt: skip


# The three responsible persons' posts (三个责任人), the posts of a placarded enterprise.
PLACARD_KINDS = [("ADMINISTRATIVE_RESPONSIBLE", "行政负责人", True), ("SUPERVISORY_RESPONSIBLE", "行业监管部门负责人", True),
                 ("ENTERPRISE_RESPONSIBLE", "企业责任人", True)]  # fmt: skip


async def bench_admin(engine: Any) -> str:
    """A service client of the benchmark's own with an `admin` grant over everything: the
    subject the benchmarks' requests are sent as (the API refuses requests without one)."""
    async with create_session_factory(engine)() as session:
        client = ServiceClient(name="基准管理端", kind="INTEGRATION", created_by="system")
        session.add(client)
        await session.flush()
        session.add(RoleGrant(subject=client.subject, role="admin", unit_id=None, subtree=True,
                              start_date=date(2000, 1, 1), created_by="system"))  # fmt: skip
        await session.commit()
        return str(client.subject)


async def load(engine: Any, departments: int, per_department: int, placard_every: int = 0) -> int:
    """Loads the tree; with `placard_every` n, every n-th enterprise is placarded and its
    three posts are the three responsible persons' instead (still three posts, one holder
    each)."""
    now = utcnow()
    units: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []

    def unit(
        uid: int, kind: str, code: str, name: str, parent: dict[str, Any] | None, **extra: Any
    ) -> dict[str, Any]:
        row = {
            "id": uid, "kind": kind, "code": code, "name": name,
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else '/'}{uid}/",
            "depth": parent["depth"] + 1 if parent else 0,
            "archived_at": None, "version": 1, "created_at": now, "updated_at": now,
            "credit_code": None, "trade": None, "high_risk": None, "staff_count": None,
            "risk_class": None, "placarded": None,
        }  # fmt: skip
        row.update(extra)
        units.append(row)
        return row

    district = unit(1, "DISTRICT", "BENCH", "基准区", None)
    park = unit(2, "PARK", "P", "基准园区", district)
    next_id = 3
    for d in range(departments):
        dep = unit(next_id, "DEPARTMENT", f"D{d:02d}", f"部室{d}", park)
        next_id += 1
        for e in range(per_department):
            body = f"91999999{next_id:09d}"
            placarded = placard_every > 0 and e % placard_every == 0
            ent = unit(
                next_id, "ENTERPRISE", f"E{d:02d}{e:03d}", f"基准企业{d}-{e}（演示）", dep,
                credit_code=body + credit_code_check_char(body), trade="INDUSTRY_TRADE", high_risk=False,
                staff_count=50, risk_class="B", placarded=placarded,
            )  # fmt: skip
            next_id += 1
            for kind, title, single in PLACARD_KINDS if placarded else POST_KINDS:
                pid = len(posts) + 1
                posts.append({"id": pid, "unit_id": ent["id"], "kind": kind, "title": title, "single_holder": single,
                              "archived_at": None, "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
                id_body = f"9{pid:08d}19800101"[:17]
                people.append({"id": pid, "name": f"人员{pid}", "id_number": id_body + id_number_check_char(id_body),
                               "phone": f"1380000{pid % 10000:04d}", "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
                assignments.append({"id": pid, "post_id": pid, "person_id": pid, "start_date": date(2024, 1, 1),
                                    "end_date": None, "corrects_id": None, "withdrawn": False, "note": None,
                                    "created_at": now, "ended_at": None, "version": 1})  # fmt: skip
    async with engine.begin() as conn:
        for depth in range(4):
            rows = [u for u in units if u["depth"] == depth]
            if rows:
                await conn.execute(insert(table_of(OrgUnit)), rows)
        await conn.execute(insert(table_of(Person)), people)
        await conn.execute(insert(table_of(Post)), posts)
        await conn.execute(insert(table_of(Assignment)), assignments)
    return sum(1 for u in units if u["kind"] == "ENTERPRISE")


async def run(url: str, departments: int, per_department: int, runs: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    enterprises = await load(engine, departments, per_department)

    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    subject = await bench_admin(engine)
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    settings = ApiSettings(environment=Environment.TEST, database_url=url)
    app = create_app(settings, session_factory=create_session_factory(engine))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {mint_token(settings, subject)}"}
    times: list[float] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
        variables = {"park": "T3JnVW5pdDoy", "departments": departments, "enterprises": per_department}
        payload = {"query": QUERY, "variables": variables}  # park is OrgUnit:2
        size = 0
        for i in range(runs + 2):
            statements = 0
            start = time.perf_counter()
            response = await client.post("/graphql", json=payload)
            elapsed = time.perf_counter() - start
            body = response.json()
            assert "errors" not in body, body.get("errors")
            if i >= 2:
                times.append(elapsed)
            size = len(response.content)
        deps = body["data"]["unit"]["children"]["edges"]
        listed = [e["node"] for dep in deps for e in dep["node"]["children"]["edges"]]
        assert len(listed) == enterprises, (len(listed), enterprises)
        assert all(len(e["posts"]["edges"]) == 3 for e in listed)
        assert all(len(p["node"]["holders"]["edges"]) == 1 for e in listed for p in e["posts"]["edges"])
    await engine.dispose()

    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"database            {make_url(url).get_backend_name()}")
    print(f"enterprises listed  {len(listed)} (each with 3 posts and their current holder)")
    print(f"SQL statements      {statements} per request")
    print(f"response size       {size / 1024:.0f} KiB")
    print(f"wall time           median {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms over {len(times)} runs")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--departments", type=int, default=10)
    parser.add_argument("--enterprises-per-department", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    server = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server, Path(tmp)) as url:
            await run(url, args.departments, args.enterprises_per_department, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
