"""Statuses of every obligation of one park for one year: 2,000 enterprises, 200,000 records.

    python -m benchmarks.obligations [--database-url URL] [--enterprises 2000]
        [--records 200000] [--runs 5] [--year 2025]

Builds a fresh database (a temporary SQLite file, or a temporary database on the
PostgreSQL server named by --database-url, dropped afterwards), migrates it and bulk-loads
(SQLAlchemy Core, plainly fictional data, fixed random seed):

- one district → one park → 10 departments → the enterprises, spread evenly over the
  departments, with mixed trades, sizes (some small-micro), risk classes A–D, about 30%
  placarded (挂牌);
- the park's principal, party secretary, committee director and three deputies in charge
  (分管) of some departments each, a head per department, and per enterprise a principal,
  a safety manager and a front-line post; per placarded enterprise the 三个责任人: the
  administrative one held by the deputy in charge (so a deputy holds hundreds of posts),
  the supervisory one by the department head, the enterprise one by the enterprise's
  principal;
- one holder per post since 2020-01-01; about 5% of enterprise posts change holder in
  the middle of the year (the period of the change is split between the two);
- the national holidays of the year as KEY_DATE critical periods of the park, a
  resumption after the Spring Festival and a spell of extreme weather on one department;
- the records of performance, spread over the year, each recorded by the holder of a post
  on the day and covering one enterprise (about 1% of the rows are corrections of an
  earlier row, which the computation must ignore).

The catalogue's templates are loaded through the services and the park adopts the lists
of its leaders, departments, responsible persons and enterprises, the daily front-line
check (日周月 checks) included: a daily duty on 2,000 posts is most of the obligations.

Then, in a fresh session per run, it does what `obligations_of_posts` does for every post
of the park over the year, as seen on 15 January of the next year, and prints the time to
load the facts, to compute the statuses and the total (median and p95 over the runs; a
first, cold call of `obligations_of_posts` itself is shown apart), with the counts of
obligations, records loaded and statuses.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.synthetic import (
    CORRECTED_SHARE,
    PARK_LEADERS,
    SINCE,
    TITLES,
    Calendar,
    Recorder,
    Rows,
    adopt_lists,
    choose_record,
    critical_periods,
    insert_rows,
    period_rows,
    pick_recorders,
    record_row,
    reset_sequences,
)
from domain.config import normalize_database_url
from domain.db import create_engine, create_session_factory, utcnow
from domain.duties.facts import load_facts
from domain.duties.models import CriticalPeriod, DutyRecord, DutyRecordUnit
from domain.duties.obligations import Calculator, Status
from domain.duties.queries import obligations_of_posts, posts_of_unit
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import OrgUnit
from migrations.runner import upgrade
from scratch import temporary_database

SEED = 20261126
DEPARTMENTS = 10
DEPUTIES = 3
CHUNK = 10_000
CHANGE_SHARE = 0.05  # enterprise posts whose holder changes during the year


@dataclass
class Data:
    park_id: int = 0
    park_path: str = ""
    enterprises: int = 0
    placarded: int = 0
    posts: int = 0
    persons: int = 0
    assignments: int = 0
    changes: int = 0
    charges: int = 0
    periods: int = 0
    records: int = 0
    corrections: int = 0
    lists: list[str] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)


# --- data ------------------------------------------------------------------------------------


async def build(engine: AsyncEngine, n_enterprises: int, n_records: int, year: int) -> Data:
    rng = random.Random(SEED)
    now = utcnow()
    data = Data()
    started = time.perf_counter()
    rows = Rows(now)
    unit, person, post, hold = rows.unit, rows.person, rows.post, rows.hold

    def held_by(registered: dict[str, Any], change: bool) -> list[tuple[int, date, date | None]]:
        first = person(registered)
        if not change:
            return [(first, SINCE, None)]
        day = date(year, 3, 1) + timedelta(days=rng.randrange(245))  # March to October
        return [(first, SINCE, day - timedelta(days=1)), (person(registered), day, None)]

    district = unit("DISTRICT", "DEMO", "演示区", None)
    park = unit("PARK", "P01", "演示园区", district)
    data.park_id, data.park_path = park["id"], park["path"]
    leaders: list[Recorder] = []
    for kind, title in PARK_LEADERS:
        pid = post(park, kind, title)
        hold(pid, [(person(park), SINCE, None)])
        leaders.append(Recorder(pid, kind, [], [], 1.0))
    deputies: list[tuple[int, int]] = []  # (post, person)
    for n in range(DEPUTIES):
        pid = post(park, "DEPUTY_IN_CHARGE", f"分管副主任{n + 1}")
        holder = person(park)
        hold(pid, [(holder, SINCE, None)])
        deputies.append((pid, holder))
        leaders.append(Recorder(pid, "DEPUTY_IN_CHARGE", [], [], 1.0))

    departments: list[dict[str, Any]] = []
    heads: list[tuple[Recorder, int]] = []  # (recorder, person)
    in_charge: list[int] = []  # department index → deputy index
    for d in range(DEPARTMENTS):
        dep = unit("DEPARTMENT", f"D{d + 1:02d}", f"部室{d + 1:02d}（演示）", park)
        departments.append(dep)
        pid = post(dep, "DEPARTMENT_HEAD", "部室负责人")
        holder = person(dep)
        hold(pid, [(holder, SINCE, None)])
        heads.append((Recorder(pid, "DEPARTMENT_HEAD", [], [], 1.0), holder))
        deputy = d * DEPUTIES // DEPARTMENTS
        in_charge.append(deputy)
        rows.charge(deputies[deputy][0], dep["id"])

    recorders: dict[str, list[Recorder]] = {"FRONTLINE": [], "SAFETY_MANAGER": [], "ENTERPRISE_PRINCIPAL": []}
    for n in range(n_enterprises):
        d = n * DEPARTMENTS // n_enterprises
        dep = departments[d]
        ent = rows.enterprise(rng, n + 1, f"E{n + 1:04d}", f"企业{n + 1:04d}（演示）", dep)
        placarded = ent["placarded"]
        diligence = rng.choice((0.2, 0.5, 1.0, 1.0, 1.5, 2.0))
        for leader in leaders:
            if leader.kind != "DEPUTY_IN_CHARGE" or deputies[in_charge[d]][0] == leader.post_id:
                leader.units.append(ent["id"])
        heads[d][0].units.append(ent["id"])
        principal: list[tuple[int, date, date | None]] = []
        for kind, title, single in (("ENTERPRISE_PRINCIPAL", "企业主要负责人", True),
                                    ("SAFETY_MANAGER", "安全管理人员", False), ("FRONTLINE", "一线岗位", False)):  # fmt: skip
            pid = post(ent, kind, title, single)
            spans = held_by(ent, rng.random() < CHANGE_SHARE)
            hold(pid, spans)
            data.changes += len(spans) - 1
            principal = principal or spans
            recorders[kind].append(Recorder(pid, kind, [ent["id"]], [], diligence))
        if placarded:
            data.placarded += 1
            deputy_person = deputies[in_charge[d]][1]
            hold(post(ent, "ADMINISTRATIVE_RESPONSIBLE", "行政负责人"), [(deputy_person, SINCE, None)])
            hold(post(ent, "SUPERVISORY_RESPONSIBLE", "行业监管部门负责人"), [(heads[d][1], SINCE, None)])
            hold(post(ent, "ENTERPRISE_RESPONSIBLE", "企业责任人"), principal)  # the principal(s)
            heads[d][0].placarded.append(ent["id"])
            for leader in leaders:
                if leader.post_id == deputies[in_charge[d]][0]:
                    leader.placarded.append(ent["id"])
    recorders["DEPARTMENT_HEAD"] = [r for r, _ in heads]
    recorders["PARK"] = leaders
    data.enterprises = n_enterprises

    periods = critical_periods(year)
    periods_rows = period_rows(periods, park["id"], departments[1]["id"], 1, now)

    # Records: each group makes its share, its posts in proportion to their diligence.
    cal = Calendar.of(year, periods)
    corrections = round(n_records * CORRECTED_SHARE)
    originals = n_records - corrections
    picks = pick_recorders(rng, recorders, originals)

    records: list[dict[str, Any]] = []
    record_units: list[dict[str, Any]] = []

    def record(kind: str, day: date, person_id: int, unit_id: int, title: str, corrects: int | None) -> None:
        rid = len(records) + 1
        records.append(record_row(rid, kind, day, person_id, title, corrects, now))
        record_units.append({"record_id": rid, "unit_id": unit_id})

    for r in picks:
        kind, day, target = choose_record(rng, r, cal)
        record(kind, day, rows.holder_on(r.post_id, day), target, f"{TITLES[kind]}（演示）", None)
    for original in rng.sample(records[:originals], corrections):
        record(original["kind"], original["performed_on"], original["recorder_person_id"],
               record_units[original["id"] - 1]["unit_id"], original["title"] + "（更正）", original["id"])  # fmt: skip
    data.times["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    async with engine.begin() as conn:
        # In order of the foreign keys; units were made parents first.
        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (OrgUnit, rows.units), (Person, rows.people), (Post, rows.posts), (PostCharge, rows.charges),
            (Assignment, rows.assignments), (CriticalPeriod, periods_rows), (DutyRecord, records),
            (DutyRecordUnit, record_units),
        ]  # fmt: skip
        for model, table_rows in tables:
            await insert_rows(conn, model, table_rows, CHUNK)
        await reset_sequences(conn, ("org_unit", "person", "post", "post_charge", "assignment",
                                     "critical_period", "duty_record"))  # fmt: skip
    data.times["insert"] = time.perf_counter() - started

    # The catalogue through the services, then the park adopts its lists.
    started = time.perf_counter()
    async with create_session_factory(engine)() as session:
        data.lists = await adopt_lists(session, [(park["id"], "P01")], year)
        await session.commit()
    data.times["lists"] = time.perf_counter() - started

    # Planner statistics, as autovacuum (PostgreSQL) or `ANALYZE` (SQLite) would have them.
    started = time.perf_counter()
    async with engine.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
    data.times["analyze"] = time.perf_counter() - started

    data.posts, data.persons, data.assignments = len(rows.posts), len(rows.people), len(rows.assignments)
    data.charges, data.periods = len(rows.charges), len(periods_rows)
    data.records, data.corrections = len(records), corrections
    return data


# --- figures ---------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values_s: list[float]) -> None:
    med, p95 = statistics.median(values_s), pct(values_s, 0.95)
    print(f"{label:<44} median {med:8.2f} s   p95 {p95:8.2f} s   (n={len(values_s)})", flush=True)


async def measure(engine: AsyncEngine, data: Data, year: int, runs: int) -> None:
    factory = create_session_factory(engine)
    lo, hi, today = date(year, 1, 1), date(year, 12, 31), date(year + 1, 1, 15)

    # The service itself, once, cold; the runs below do the same in its three steps.
    async with factory() as session:
        start = time.perf_counter()
        posts = posts_of_unit(data.park_path, subtree=True)
        first = await obligations_of_posts(session, posts, lo, hi, today)
        cold = time.perf_counter() - start
    expected = Counter(o.status for o in first)
    count = len(first)
    del first
    print(f"{'first call of obligations_of_posts (cold)':<44} {cold:8.2f} s", flush=True)

    load_s: list[float] = []
    compute_s: list[float] = []
    total_s: list[float] = []
    loaded: dict[str, int] = {}
    for _ in range(runs):
        async with factory() as session:
            posts = posts_of_unit(data.park_path, subtree=True)
            start = time.perf_counter()
            facts = await load_facts(session, posts, lo, hi)
            wanted = set((await session.scalars(posts)).all())
            loaded_at = time.perf_counter()
            obligations = Calculator(facts, today).for_posts(lo, hi, wanted)
            done = time.perf_counter()
        load_s.append(loaded_at - start)
        compute_s.append(done - loaded_at)
        total_s.append(done - start)
        statuses = Counter(o.status for o in obligations)
        assert len(obligations) == count and statuses == expected, (len(obligations), count, statuses)
        loaded = {
            "posts": len(facts.posts), "post ids wanted": len(wanted), "tenures": sum(map(len, facts.tenures.values())),
            "lists": len(facts.lists), "records": len(facts.records), "critical periods": len(facts.events),
            "enterprises": len(facts.enterprises),
        }  # fmt: skip
        del facts, obligations

    # Every record is in the year and by a holder of a post of the park: all but the
    # corrected ones must be loaded.
    assert loaded["records"] == data.records - data.corrections, (loaded["records"], data)
    print(f"obligations         {count:,} (year {year}, statuses as on {today})")
    print("loaded              " + ", ".join(f"{v:,} {k}" for k, v in loaded.items()))
    width = max(len(s) for s in Status)
    for status in Status:
        n = expected.get(status, 0)
        print(f"  {status:<{width}}  {n:>9,}  {n / max(count, 1):6.1%}")
    line("(a) load facts (load_facts + post ids)", load_s)
    line("(b) compute statuses (Calculator.for_posts)", compute_s)
    line("(c) total", total_s)


# --- main ------------------------------------------------------------------------------------


async def run(url: str, n_enterprises: int, n_records: int, runs: int, year: int) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        start = time.perf_counter()
        data = await build(engine, n_enterprises, n_records, year)
        built = time.perf_counter() - start
        print(f"database            {make_url(url).get_backend_name()}")
        print(f"machine             {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"units               1 park, {DEPARTMENTS} departments, {data.enterprises:,} enterprises "
              f"({data.placarded:,} placarded)")  # fmt: skip
        print(f"posts               {data.posts:,} held by {data.persons:,} persons ({data.assignments:,} "
              f"assignments, {data.changes:,} holder changes in {year}), {data.charges} charges")  # fmt: skip
        print(f"records             {data.records:,} rows ({data.corrections:,} corrections of another), "
              f"{data.periods} critical periods")  # fmt: skip
        print(f"duty lists          {len(data.lists)} adopted by the park: " + ", ".join(data.lists))
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in data.times.items())
        print(f"built in            {built:.1f} s ({steps})", flush=True)
        await measure(engine, data, year, runs)
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--enterprises", type=int, default=2_000)
    parser.add_argument("--records", type=int, default=200_000, help="duty_record rows, corrections included")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    if args.enterprises < DEPARTMENTS or args.runs < 1 or args.records < 0:
        parser.error(f"--enterprises must be at least {DEPARTMENTS}, --runs at least 1")
    server = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server, Path(tmp)) as url:
            await run(url, args.enterprises, args.records, args.runs, args.year)


if __name__ == "__main__":
    asyncio.run(main())
