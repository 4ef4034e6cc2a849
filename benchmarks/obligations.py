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

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.config import normalize_database_url
from domain.db import create_engine, create_session_factory, temporary_database, utcnow
from domain.duties.facts import load_facts
from domain.duties.lists import adopt_template
from domain.duties.models import CriticalPeriod, DutyList, DutyRecord, DutyRecordUnit
from domain.duties.obligations import Calculator, Status
from domain.duties.queries import obligations_of_posts, posts_of_unit
from domain.identifiers import credit_code_check_char, id_number_check_char
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.kinds import HIGH_RISK_TRADES, Trade
from domain.tree.models import OrgUnit
from migrations.runner import upgrade
from seeds.requirements import load_requirements

SEED = 20261126
DEPARTMENTS = 10
DEPUTIES = 3
SINCE = date(2020, 1, 1)  # every first holder's start
BORN = date(1965, 1, 1)  # persons' birth dates (in the id numbers) start here
CHUNK = 10_000
PLACARDED_SHARE = 0.3
CHANGE_SHARE = 0.05  # enterprise posts whose holder changes during the year
CORRECTED_SHARE = 0.01

TRADES = {
    Trade.INDUSTRY_TRADE: 25, Trade.MACHINERY: 15, Trade.FOOD: 10, Trade.LOGISTICS: 10,
    Trade.HAZARDOUS_CHEMICALS: 10, Trade.DUST_EXPLOSION: 8, Trade.CONSTRUCTION: 7, Trade.METALLURGY: 5,
    Trade.OTHER: 5, Trade.GAS: 3, Trade.FIREWORKS: 1, Trade.MINING: 1,
}  # fmt: skip
RISK_CLASSES = {"A": 30, "B": 40, "C": 20, "D": 10}

# Catalogue templates the park adopts (seeds/requirements/*.yaml).
ADOPTED = (
    "004-park-principal",  # PARTY_SECRETARY, COMMITTEE_DIRECTOR, PRINCIPAL
    "004-park-deputy",  # DEPUTY_IN_CHARGE
    "000-emergency-dept",  # DEPARTMENT_HEAD
    "004-responsible-persons",  # ADMINISTRATIVE_ / SUPERVISORY_RESPONSIBLE, per holder
    "002-enterprise-supervision",  # SUPERVISORY_RESPONSIBLE, by risk class
    "002-enterprise-principal",  # ENTERPRISE_PRINCIPAL, incl. the weekly Thursday report
    "000-enterprise-principal",  # ENTERPRISE_PRINCIPAL, monthly check (日周月), key dates
    "000-enterprise-safety-manager",  # SAFETY_MANAGER, weekly check
    "000-enterprise-frontline",  # FRONTLINE, daily check
)

# Share of the records each group of posts makes, and the kinds each kind of post records.
SHARES = {"FRONTLINE": 0.50, "SAFETY_MANAGER": 0.22, "ENTERPRISE_PRINCIPAL": 0.20,
          "DEPARTMENT_HEAD": 0.05, "PARK": 0.03}  # fmt: skip
MIX: dict[str, dict[str, float]] = {
    "FRONTLINE": {"INSPECTION": 1.0},
    "SAFETY_MANAGER": {"INSPECTION": 1.0},
    "ENTERPRISE_PRINCIPAL": {"REPORT": 0.45, "INSPECTION": 0.35, "ON_SITE": 0.08, "ASSESSMENT": 0.05,
                             "DRILL": 0.04, "PLAN": 0.03},
    "DEPARTMENT_HEAD": {"INSPECTION": 0.85, "ON_SITE": 0.10, "PLAN": 0.05},
    "DEPUTY_IN_CHARGE": {"INSPECTION": 0.60, "MEETING": 0.15, "ASSESSMENT": 0.15, "ON_SITE": 0.10},
    "PRINCIPAL": {"MEETING": 0.40, "INSPECTION": 0.35, "REPORT": 0.10, "PLAN": 0.05, "ON_SITE": 0.10},
}  # fmt: skip
MIX["PARTY_SECRETARY"] = MIX["COMMITTEE_DIRECTOR"] = MIX["PRINCIPAL"]
TITLES = {"INSPECTION": "安全检查", "REPORT": "安全生产情况报告", "MEETING": "安全生产专题会议",
          "DRILL": "应急演练", "ON_SITE": "重要节点到岗履职", "ASSESSMENT": "安全风险研判",
          "PLAN": "安全工作方案"}  # fmt: skip


@dataclass
class Recorder:
    post_id: int
    kind: str
    units: list[int]  # enterprises its records may cover
    placarded: list[int]  # of which those it answers for as a responsible person
    weight: float


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


def weighted(rng: random.Random, table: dict[Any, float] | dict[Any, int]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def critical_periods(year: int) -> list[tuple[str, str, date, date, bool]]:
    """(kind, title, start, end, on the park rather than one department)."""
    d = date
    return [
        ("KEY_DATE", f"{year}年元旦（演示）", d(year, 1, 1), d(year, 1, 1), True),
        ("KEY_DATE", f"{year}年春节（演示）", d(year, 1, 28), d(year, 2, 4), True),
        ("RESUMPTION", f"{year}年春节后复工复产（演示）", d(year, 2, 5), d(year, 2, 14), True),
        ("KEY_DATE", f"{year}年清明节（演示）", d(year, 4, 4), d(year, 4, 6), True),
        ("KEY_DATE", f"{year}年劳动节（演示）", d(year, 5, 1), d(year, 5, 5), True),
        ("KEY_DATE", f"{year}年端午节（演示）", d(year, 5, 31), d(year, 6, 2), True),
        ("EXTREME_WEATHER", f"{year}年7月高温天气（演示）", d(year, 7, 14), d(year, 7, 20), False),
        ("KEY_DATE", f"{year}年中秋、国庆（演示）", d(year, 10, 1), d(year, 10, 8), True),
    ]


def day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --- data ------------------------------------------------------------------------------------


async def build(engine: AsyncEngine, n_enterprises: int, n_records: int, year: int) -> Data:
    rng = random.Random(SEED)
    now = utcnow()
    data = Data()
    started = time.perf_counter()
    units: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    charges: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    tenures: dict[int, list[tuple[int, date, date | None]]] = {}  # post id → (person, start, end)

    def unit(kind: str, code: str, name: str, parent: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        uid = len(units) + 1
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

    def person(registered: dict[str, Any] | None) -> int:
        pid = len(people) + 1
        body = f"999999{BORN + timedelta(days=pid // 1000):%Y%m%d}{pid % 1000:03d}"
        people.append({"id": pid, "name": f"演示人员{pid:04d}", "id_number": body + id_number_check_char(body),
                       "phone": None, "registered_unit_id": registered["id"] if registered else None,
                       "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
        return pid

    def post(at: dict[str, Any], kind: str, title: str, single: bool = True) -> int:
        pid = len(posts) + 1
        posts.append({"id": pid, "unit_id": at["id"], "kind": kind, "title": title, "single_holder": single,
                      "archived_at": None, "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
        return pid

    def hold(post_id: int, spans: list[tuple[int, date, date | None]]) -> None:
        tenures[post_id] = spans
        for person_id, start, end in spans:
            assignments.append({"id": len(assignments) + 1, "post_id": post_id, "person_id": person_id,
                                "start_date": start, "end_date": end, "corrects_id": None, "withdrawn": False,
                                "note": None, "created_at": now, "ended_at": now if end else None,
                                "version": 1})  # fmt: skip

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
    for kind, title in (("PRINCIPAL", "园区主要负责人"), ("PARTY_SECRETARY", "党工委书记"),
                        ("COMMITTEE_DIRECTOR", "管委会主任")):  # fmt: skip
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
        charges.append({"id": len(charges) + 1, "post_id": deputies[deputy][0], "unit_id": dep["id"],
                        "start_date": SINCE, "end_date": None, "created_at": now})  # fmt: skip

    recorders: dict[str, list[Recorder]] = {"FRONTLINE": [], "SAFETY_MANAGER": [], "ENTERPRISE_PRINCIPAL": []}
    for n in range(n_enterprises):
        d = n * DEPARTMENTS // n_enterprises
        dep = departments[d]
        trade = weighted(rng, TRADES)
        small = rng.random() < 0.3
        placarded = rng.random() < PLACARDED_SHARE
        body = f"91999999{n + 1:09d}"
        ent = unit(
            "ENTERPRISE", f"E{n + 1:04d}", f"企业{n + 1:04d}（演示）", dep,
            credit_code=body + credit_code_check_char(body), trade=str(trade),
            high_risk=trade in HIGH_RISK_TRADES,
            staff_count=rng.randrange(3, 30) if small else rng.randrange(30, 800),
            risk_class=weighted(rng, RISK_CLASSES), placarded=placarded,
        )  # fmt: skip
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
    period_rows = [
        {"id": i + 1, "unit_id": park["id"] if on_park else departments[1]["id"], "kind": kind, "title": title,
         "start_date": start, "end_date": end, "corrects_id": None, "withdrawn": False, "reason": None,
         "created_at": now, "created_by": "system"}
        for i, (kind, title, start, end, on_park) in enumerate(periods)
    ]  # fmt: skip

    # Records: each group makes its share, its posts in proportion to their diligence.
    days = day_range(date(year, 1, 1), date(year, 12, 31))
    thursdays = [d for d in days if d.isoweekday() == 4]
    key_days = [d for kind, _, s, e, _ in periods if kind == "KEY_DATE" for d in day_range(s, e)]
    weather_days = [d for kind, _, s, e, _ in periods if kind == "EXTREME_WEATHER" for d in day_range(s, e)]
    corrections = round(n_records * CORRECTED_SHARE)
    originals = n_records - corrections
    picks: list[Recorder] = []
    for group, share in SHARES.items():
        pool = recorders[group]
        count = round(originals * share) if group != "PARK" else originals - len(picks)
        picks += rng.choices(pool, weights=[r.weight for r in pool], k=count)
    rng.shuffle(picks)

    def holder_on(post_id: int, day: date) -> int:
        for person_id, start, end in tenures[post_id]:
            if start <= day and (end is None or day <= end):
                return person_id
        raise AssertionError((post_id, day))

    records: list[dict[str, Any]] = []
    record_units: list[dict[str, Any]] = []

    def record(kind: str, day: date, person_id: int, unit_id: int, title: str, corrects: int | None) -> None:
        rid = len(records) + 1
        records.append({
            "id": rid, "kind": kind, "performed_on": day, "title": title, "findings": None,
            "recorder": f"person:{person_id}", "recorder_person_id": person_id, "agency_id": None,
            "makeup_for": None, "participants": [], "attachments": [], "exempt_post_id": None,
            "exempt_person_id": None, "exempt_list_id": None, "exempt_item_key": None, "exempt_from": None,
            "exempt_to": None, "reason": None, "corrects_id": corrects, "withdrawn": False, "created_at": now,
        })  # fmt: skip
        record_units.append({"record_id": rid, "unit_id": unit_id})

    for r in picks:
        kind = weighted(rng, MIX[r.kind])
        if kind == "REPORT" and r.kind == "ENTERPRISE_PRINCIPAL":
            day = rng.choice(thursdays) if rng.random() < 0.8 else rng.choice(days)  # a Thursday report
        elif kind == "ON_SITE":
            day = rng.choice(key_days)
        elif kind == "ASSESSMENT" and rng.random() < 0.3:
            day = rng.choice(weather_days)
        else:
            day = rng.choice(days)
        if len(r.units) == 1:
            target = r.units[0]
        elif r.placarded and rng.random() < 0.7:
            target = rng.choice(r.placarded)
        else:
            target = rng.choice(r.units)
        record(kind, day, holder_on(r.post_id, day), target, f"{TITLES[kind]}（演示）", None)
    for original in rng.sample(records[:originals], corrections):
        record(original["kind"], original["performed_on"], original["recorder_person_id"],
               record_units[original["id"] - 1]["unit_id"], original["title"] + "（更正）", original["id"])  # fmt: skip
    data.times["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    async with engine.begin() as conn:
        # In order of the foreign keys; units were made parents first.
        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (OrgUnit, units), (Person, people), (Post, posts), (PostCharge, charges), (Assignment, assignments),
            (CriticalPeriod, period_rows), (DutyRecord, records), (DutyRecordUnit, record_units),
        ]  # fmt: skip
        for model, rows in tables:
            for i in range(0, len(rows), CHUNK):  # Core executemany, in chunks
                await conn.execute(insert(model.__table__), rows[i : i + CHUNK])
        if conn.dialect.name == "postgresql":
            # Rows inserted with explicit ids leave the sequences behind.
            for name in ("org_unit", "person", "post", "post_charge", "assignment", "critical_period",
                         "duty_record"):  # fmt: skip
                await conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                ))  # fmt: skip
    data.times["insert"] = time.perf_counter() - started

    # The catalogue through the services, then the park adopts its lists.
    started = time.perf_counter()
    async with create_session_factory(engine)() as session:
        await load_requirements(session)
        catalogue = select(DutyList.code, DutyList.id).where(DutyList.unit_id.is_(None))
        templates = dict((await session.execute(catalogue)).all())
        for code in ADOPTED:
            lst = await adopt_template(
                session, template_id=templates[code], unit_id=park["id"], code=f"P01-{code}",
                effective_from=date(year - 1, 1, 1), actor="system",
            )  # fmt: skip
            data.lists.append(lst.code)
        await session.commit()
    data.times["lists"] = time.perf_counter() - started

    # Planner statistics, as autovacuum (PostgreSQL) or `ANALYZE` (SQLite) would have them.
    started = time.perf_counter()
    async with engine.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
    data.times["analyze"] = time.perf_counter() - started

    data.posts, data.persons, data.assignments = len(posts), len(people), len(assignments)
    data.charges, data.periods = len(charges), len(period_rows)
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
