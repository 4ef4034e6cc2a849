"""A province-sized synthetic dataset, for the compliance-scoring benchmark.

    python -m benchmarks.generate_province --database-url URL [--districts 1] [--parks 20]
        [--enterprises 10000] [--posts 50000] [--records 1000000] [--hazards 100000]
        [--year 2025] [--seed 1]

Fills an empty database (migrated first if it is not: `migrations.runner.upgrade`; refused
if `org_unit` has rows) with plainly fictional data, deterministic for a seed, bulk-loaded
with SQLAlchemy Core in chunks (explicit ids):

- districts → parks (spread evenly) → 8 departments per park → the enterprises, spread
  evenly over the parks and their departments, with mixed trades, sizes, risk classes
  A–D, about 30% placarded (挂牌), each with its `enterprise_profile` row effective from
  1 January of the year before;
- per park its principal, party secretary, committee director and three deputies in
  charge (分管) of the departments, a head per department; per enterprise a principal, a
  safety manager, front-line posts (as many as make up --posts) and, when placarded, the
  三个责任人 (held by the deputy in charge, the department head and the principal); one
  holder per post since 2020-01-01 (演示人员NNNNNN, ID numbers of the fictional region
  999999);
- the national holidays of the year as critical periods of every park;
- the catalogue duty lists, adopted by every park through the services;
- --records records of performance over the year, by the holders of the posts, each
  covering one enterprise (about 1% are corrections of an earlier row);
- the hazard category library (through the services) and --hazards hazards over the year
  in every state, about 10% major, with their history (REPORTED, CONFIRMED or REJECTED,
  PLAN_SET, RECTIFICATION_STARTED, RECTIFICATION_SUBMITTED, CLOSED), deadlines (some
  overdue) and the 五落实 plans of the major ones past REPORTED.

On PostgreSQL the id sequences are moved past the explicit ids; ANALYZE runs at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from benchmarks.synthetic import (
    CORRECTED_SHARE,
    PARK_LEADERS,
    SINCE,
    TITLES,
    Calendar,
    Recorder,
    Row,
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
from domain.duties.models import CriticalPeriod, DutyRecord, DutyRecordUnit
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardPlan
from domain.hazards.states import HazardState
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import EnterpriseProfile, OrgUnit
from migrations.runner import upgrade
from seeds.hazard_categories import load_hazard_categories

CHUNK = 5_000
DEPARTMENTS = 8  # per park
DEPUTIES = 3  # per park
MAJOR_SHARE = 0.10
STATES = {HazardState.REPORTED: 8, HazardState.CONFIRMED: 8, HazardState.REJECTED: 5,
          HazardState.RECTIFYING: 17, HazardState.RECTIFIED: 7, HazardState.CLOSED: 55}  # fmt: skip
PAST_CONFIRMED = (HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.RECTIFIED, HazardState.CLOSED)
SOURCES = {
    "SELF_CHECK": 60,
    "SUPERVISION": 25,
    "INSPECTION": 15,
}  # → found by safety manager, head, principal
EXPLICIT_ID_TABLES = ("org_unit", "person", "post", "post_charge", "assignment", "enterprise_profile",
                      "critical_period", "duty_record", "hazard", "hazard_event", "hazard_plan")  # fmt: skip


class NotEmpty(Exception):
    pass


@dataclass
class Options:
    districts: int = 1
    parks: int = 20
    enterprises: int = 10_000
    posts: int = 50_000
    records: int = 1_000_000
    hazards: int = 100_000
    year: int = 2025
    seed: int = 1


@dataclass
class Summary:
    units: Counter[str] = field(default_factory=Counter)
    placarded: int = 0
    posts: Counter[str] = field(default_factory=Counter)
    persons: int = 0
    assignments: int = 0
    charges: int = 0
    profiles: int = 0
    periods: int = 0
    lists: int = 0
    records: int = 0
    corrections: int = 0
    categories: int = 0
    hazards: Counter[str] = field(default_factory=Counter)
    major: int = 0
    overdue: int = 0
    events: int = 0
    plans: int = 0
    park_paths: list[str] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)


@dataclass
class Enterprise:
    unit_id: int
    principal: int  # persons
    safety: int
    head: int


def spread(total: int, parts: int, i: int) -> int:
    """The i-th of `parts` nearly equal shares of `total`."""
    return total * (i + 1) // parts - total * i // parts


class Step:
    def __init__(self, summary: Summary, out: Callable[[str], None]) -> None:
        self.summary, self.out = summary, out

    def __call__(self, name: str) -> Step:
        self.name = name
        return self

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            took = time.perf_counter() - self.started
            self.summary.times[self.name] = took
            self.out(f"  {self.name:<28} {took:8.1f} s")


async def build(
    session: AsyncSession, opts: Options, *, analyze: bool = True, out: Callable[[str], None] = print
) -> Summary:
    """Fill the (migrated, empty) database of `session`; the caller commits."""
    conn = await session.connection()
    existing = await conn.scalar(select(func.count()).select_from(OrgUnit.__table__))
    if existing:
        raise NotEmpty(f"org_unit already has {existing:,} rows: the generator fills an empty database only")
    if opts.parks < opts.districts or opts.enterprises < opts.parks * DEPARTMENTS:
        raise ValueError("need at least one park per district and one enterprise per department")
    rng = random.Random(opts.seed)
    now = utcnow()
    year = opts.year
    summary = Summary()
    step = Step(summary, out)

    with step("generate tree and posts"):
        rows = Rows(now, name_width=6)
        tree = _tree(rng, rows, opts, summary)
    with step("insert tree and posts"):
        profiles = [
            {"id": i + 1, "unit_id": u["id"], "effective_from": date(year - 1, 1, 1), "trade": u["trade"],
             "high_risk": u["high_risk"], "staff_count": u["staff_count"], "risk_class": u["risk_class"],
             "placarded": u["placarded"], "created_at": now}
            for i, u in enumerate(u for u in rows.units if u["kind"] == "ENTERPRISE")
        ]  # fmt: skip
        periods: list[Row] = []
        for park, departments in tree.parks:
            periods += period_rows(
                critical_periods(year), park["id"], departments[1]["id"], len(periods) + 1, now
            )
        for model, table_rows in ((OrgUnit, rows.units), (Person, rows.people), (Post, rows.posts),
                                  (PostCharge, rows.charges), (Assignment, rows.assignments),
                                  (EnterpriseProfile, profiles), (CriticalPeriod, periods)):  # fmt: skip
            await insert_rows(conn, model, table_rows, CHUNK)
        summary.units = Counter(u["kind"] for u in rows.units)
        summary.posts = Counter(p["kind"] for p in rows.posts)
        summary.persons, summary.assignments = len(rows.people), len(rows.assignments)
        summary.charges, summary.profiles, summary.periods = len(rows.charges), len(profiles), len(periods)
        summary.park_paths = [park["path"] for park, _ in tree.parks]

    with step("duty lists (services)"):
        codes = await adopt_lists(session, [(p["id"], p["code"]) for p, _ in tree.parks], year)
        await session.flush()
        summary.lists = len(codes)

    with step("records"):
        await _records(conn, rng, rows, tree, opts, summary, now)

    with step("hazard categories (services)"):
        await load_hazard_categories(session)
        await session.flush()
        categories = (await session.execute(select(HazardCategory.id, HazardCategory.major))).all()
        summary.categories = len(categories)
    with step("hazards"):
        major = sorted(cid for cid, is_major in categories if is_major)
        general = sorted(cid for cid, is_major in categories if not is_major)
        await _hazards(conn, rng, tree.enterprises, major, general, opts, summary)

    with step("sequences"):
        await reset_sequences(conn, EXPLICIT_ID_TABLES)
    if analyze:
        with step("analyze"):
            await conn.execute(text("ANALYZE"))
    return summary


@dataclass
class Tree:
    parks: list[tuple[Row, list[Row]]]  # (park, departments)
    enterprises: list[Enterprise]
    recorders: dict[str, list[Recorder]]


def _tree(rng: random.Random, rows: Rows, opts: Options, summary: Summary) -> Tree:
    unit, person, post, hold = rows.unit, rows.person, rows.post, rows.hold
    districts = [unit("DISTRICT", f"D{d + 1:02d}", f"演示区{d + 1:02d}", None) for d in range(opts.districts)]
    parks: list[tuple[Row, list[Row]]] = []
    for p in range(opts.parks):
        district = districts[p * opts.districts // opts.parks]
        park = unit("PARK", f"P{p + 1:03d}", f"演示园区{p + 1:03d}", district)
        parks.append((park, [unit("DEPARTMENT", f"D{d + 1:02d}", f"部室{d + 1:02d}（演示）", park)
                             for d in range(DEPARTMENTS)]))  # fmt: skip
    # Enterprises, evenly over the parks and, within a park, over its departments.
    ents: list[tuple[int, int, Row]] = []  # (park index, department index, unit)
    n = 0
    for p, (_, departments) in enumerate(parks):
        count = spread(opts.enterprises, opts.parks, p)
        for i in range(count):
            d = i * DEPARTMENTS // count
            n += 1
            ent = rows.enterprise(rng, n, f"E{n:06d}", f"企业{n:06d}（演示）", departments[d])
            ents.append((p, d, ent))
    placarded = sum(1 for _, _, e in ents if e["placarded"])
    summary.placarded = placarded
    fixed = opts.parks * (len(PARK_LEADERS) + DEPUTIES + DEPARTMENTS) + 2 * len(ents) + 3 * placarded
    frontline = max(0, opts.posts - fixed)

    recorders: dict[str, list[Recorder]] = {"FRONTLINE": [], "SAFETY_MANAGER": [], "ENTERPRISE_PRINCIPAL": [],
                                            "DEPARTMENT_HEAD": [], "PARK": []}  # fmt: skip
    leaders: list[list[Recorder]] = []
    deputies: list[list[tuple[Recorder, int]]] = []  # per park: (recorder, person)
    heads: list[list[tuple[Recorder, int]]] = []
    for park, departments in parks:
        park_leaders = []
        for kind, title in PARK_LEADERS:
            pid = post(park, kind, title)
            hold(pid, [(person(park), SINCE, None)])
            park_leaders.append(Recorder(pid, kind, [], [], 1.0))
        park_deputies = []
        for k in range(DEPUTIES):
            pid = post(park, "DEPUTY_IN_CHARGE", f"分管副主任{k + 1}")
            holder = person(park)
            hold(pid, [(holder, SINCE, None)])
            park_deputies.append((Recorder(pid, "DEPUTY_IN_CHARGE", [], [], 1.0), holder))
        park_heads = []
        for d, dep in enumerate(departments):
            pid = post(dep, "DEPARTMENT_HEAD", "部室负责人")
            holder = person(dep)
            hold(pid, [(holder, SINCE, None)])
            park_heads.append((Recorder(pid, "DEPARTMENT_HEAD", [], [], 1.0), holder))
            rows.charge(park_deputies[d * DEPUTIES // DEPARTMENTS][0].post_id, dep["id"])
        leaders.append(park_leaders)
        deputies.append(park_deputies)
        heads.append(park_heads)
        recorders["PARK"] += park_leaders + [r for r, _ in park_deputies]
        recorders["DEPARTMENT_HEAD"] += [r for r, _ in park_heads]

    enterprises: list[Enterprise] = []
    for i, (p, d, ent) in enumerate(ents):
        deputy, deputy_person = deputies[p][d * DEPUTIES // DEPARTMENTS]
        head, head_person = heads[p][d]
        for leader in leaders[p]:
            leader.units.append(ent["id"])
        deputy.units.append(ent["id"])
        head.units.append(ent["id"])
        diligence = rng.choice((0.2, 0.5, 1.0, 1.0, 1.5, 2.0))
        holders = []
        for kind, title, single, count in (("ENTERPRISE_PRINCIPAL", "企业主要负责人", True, 1),
                                           ("SAFETY_MANAGER", "安全管理人员", False, 1),
                                           ("FRONTLINE", "一线岗位", False, spread(frontline, len(ents), i))):  # fmt: skip
            for k in range(count):
                pid = post(ent, kind, title if count == 1 else f"{title}{k + 1}", single)
                holder = person(ent)
                hold(pid, [(holder, SINCE, None)])
                holders.append(holder)
                recorders[kind].append(Recorder(pid, kind, [ent["id"]], [], diligence))
        if ent["placarded"]:
            hold(post(ent, "ADMINISTRATIVE_RESPONSIBLE", "行政负责人"), [(deputy_person, SINCE, None)])
            hold(post(ent, "SUPERVISORY_RESPONSIBLE", "行业监管部门负责人"), [(head_person, SINCE, None)])
            hold(post(ent, "ENTERPRISE_RESPONSIBLE", "企业责任人"), [(holders[0], SINCE, None)])
            deputy.placarded.append(ent["id"])
            head.placarded.append(ent["id"])
        enterprises.append(Enterprise(ent["id"], holders[0], holders[1], head_person))
    return Tree(parks, enterprises, recorders)


async def _records(
    conn: AsyncConnection, rng: random.Random, rows: Rows, tree: Tree, opts: Options, summary: Summary,
    now: datetime,
) -> None:  # fmt: skip
    cal = Calendar.of(opts.year, critical_periods(opts.year))
    corrections = round(opts.records * CORRECTED_SHARE)
    originals = opts.records - corrections
    picks = pick_recorders(rng, tree.recorders, originals)
    corrected = set(rng.sample(range(1, originals + 1), corrections))
    kept: list[tuple[int, str, date, int, int, str]] = []  # the rows to correct
    records: list[Row] = []
    units: list[Row] = []

    async def flush() -> None:
        await conn.execute(insert(DutyRecord.__table__), records)
        await conn.execute(insert(DutyRecordUnit.__table__), units)
        records.clear()
        units.clear()

    def add(
        rid: int, kind: str, day: date, person_id: int, unit_id: int, title: str, corrects: int | None
    ) -> None:
        records.append(record_row(rid, kind, day, person_id, title, corrects, now))
        units.append({"record_id": rid, "unit_id": unit_id})

    rid = 0
    for r in picks:
        rid += 1
        kind, day, target = choose_record(rng, r, cal)
        person_id = rows.tenures[r.post_id][0][0]  # one holder per post, since 2020
        title = f"{TITLES[kind]}（演示）"
        add(rid, kind, day, person_id, target, title, None)
        if rid in corrected:
            kept.append((rid, kind, day, person_id, target, title))
        if len(records) >= CHUNK:
            await flush()
    rng.shuffle(kept)
    for original, kind, day, person_id, target, title in kept:
        rid += 1
        add(rid, kind, day, person_id, target, title + "（更正）", original)
        if len(records) >= CHUNK:
            await flush()
    if records:
        await flush()
    summary.records, summary.corrections = rid, len(kept)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, dtime(hour), tzinfo=UTC)


async def _hazards(
    conn: AsyncConnection, rng: random.Random, enterprises: list[Enterprise], major: list[int],
    general: list[int], opts: Options, summary: Summary,
) -> None:  # fmt: skip
    first, last = date(opts.year, 1, 1), date(opts.year, 12, 31)
    span = (last - first).days + 1
    hazards: list[Row] = []
    events: list[Row] = []
    plans: list[Row] = []
    next_event = next_plan = 1

    def later(day: date, lo: int, hi: int) -> date:
        return min(last, day + timedelta(days=rng.randint(lo, hi)))

    async def flush() -> None:
        for model, batch in ((Hazard, hazards), (HazardPlan, plans), (HazardEvent, events)):
            if batch:
                await conn.execute(insert(model.__table__), batch)
                batch.clear()

    for hid in range(1, opts.hazards + 1):
        ent = enterprises[rng.randrange(len(enterprises))]
        state = rng.choices(list(STATES), weights=list(STATES.values()))[0]
        is_major = bool(major) and rng.random() < MAJOR_SHARE
        category = rng.choice(major if is_major else general)
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        finder = {"SELF_CHECK": ent.safety, "SUPERVISION": ent.head, "INSPECTION": ent.principal}[source]
        found_on = first + timedelta(days=rng.randrange(span))
        trail: list[tuple[str, str | None, str, int, date, dict[str, Any] | None]] = [
            ("REPORTED", None, "REPORTED", finder, found_on, None)
        ]
        deadline = responsible = rectified_by = closed_on = None
        if state == HazardState.REJECTED:
            trail.append(("REJECTED", "REPORTED", "REJECTED", ent.head, later(found_on, 0, 5), None))
        elif state in PAST_CONFIRMED:
            confirmed = later(found_on, 0, 3)
            deadline = later(confirmed, 30, 120) if is_major else later(confirmed, 7, 45)
            responsible = ent.principal
            trail.append(("CONFIRMED", "REPORTED", "CONFIRMED", ent.head, confirmed, None))
            if is_major:
                plans.append({"id": next_plan, "hazard_id": hid, "measures": "停产整改，落实管控措施（演示）",
                              "responsible_person_id": ent.principal,
                              "funds": Decimal(rng.randrange(10_000, 2_000_000)), "deadline": deadline,
                              "contingency_plan": "专项应急预案（演示）", "created_at": _at(confirmed, 5),
                              "created_by": f"person:{ent.principal}"})  # fmt: skip
                data = {"planId": next_plan, "deadline": deadline.isoformat(),
                        "responsiblePersonId": ent.principal, "funds": str(plans[-1]["funds"])}  # fmt: skip
                trail.append(("PLAN_SET", "CONFIRMED", "CONFIRMED", ent.principal, confirmed, data))
                next_plan += 1
            if state != HazardState.CONFIRMED:
                started = later(confirmed, 0, 2)
                trail.append(
                    ("RECTIFICATION_STARTED", "CONFIRMED", "RECTIFYING", ent.principal, started, None)
                )
                if state in (HazardState.RECTIFIED, HazardState.CLOSED):
                    # Mostly in time; some after the deadline.
                    submitted = later(
                        started, 1, max(1, (deadline - started).days + (20 if rng.random() < 0.1 else 0))
                    )
                    rectified_by = f"person:{ent.safety}"
                    trail.append(
                        ("RECTIFICATION_SUBMITTED", "RECTIFYING", "RECTIFIED", ent.safety, submitted, None)
                    )
                    if state == HazardState.CLOSED:
                        closed_on = later(submitted, 1, 5)
                        trail.append(("CLOSED", "RECTIFIED", "CLOSED", ent.head, closed_on, None))
        if deadline is not None and state != HazardState.CLOSED and deadline < last:
            summary.overdue += 1  # open past its deadline at the end of the year
        hazards.append({
            "id": hid, "unit_id": ent.unit_id, "category_id": category, "grade": "MAJOR" if is_major else "GENERAL",
            "title": f"{'重大事故隐患' if is_major else '一般隐患'}{hid:06d}（演示）", "description": "演示隐患描述",
            "evidence": [], "source": source, "record_id": None, "found_on": found_on,
            "found_by": f"person:{finder}", "found_by_person_id": finder, "agency_id": None, "state": state.value,
            "deadline": deadline, "responsible_person_id": responsible, "rectified_by": rectified_by,
            "closed_on": closed_on, "created_at": _at(found_on, 1), "version": len(trail),
        })  # fmt: skip
        for hour, (kind, before, after, actor, day, data) in enumerate(trail, start=1):
            events.append({"id": next_event, "hazard_id": hid, "kind": kind, "from_state": before,
                           "to_state": after, "actor": f"person:{actor}", "actor_person_id": actor, "note": None,
                           "data": data, "created_at": _at(day, hour)})  # fmt: skip
            next_event += 1
        summary.hazards[state.value] += 1
        summary.major += is_major
        if len(hazards) >= CHUNK:
            await flush()
    await flush()
    summary.events, summary.plans = next_event - 1, next_plan - 1


def report(summary: Summary, opts: Options, out: Callable[[str], None] = print) -> None:
    u, p = summary.units, summary.posts
    out(f"units               {u['DISTRICT']:,} districts, {u['PARK']:,} parks, {u['DEPARTMENT']:,} departments, "
        f"{u['ENTERPRISE']:,} enterprises ({summary.placarded:,} placarded, {summary.profiles:,} profiles)")  # fmt: skip
    out(f"posts               {sum(p.values()):,} held by {summary.persons:,} persons ({summary.assignments:,} "
        f"assignments), {summary.charges:,} charges")  # fmt: skip
    out("                    " + ", ".join(f"{n:,} {k}" for k, n in sorted(p.items())))
    out(f"duty lists          {summary.lists:,} adopted ({summary.lists // max(u['PARK'], 1)} per park), "
        f"{summary.periods:,} critical periods")  # fmt: skip
    out(f"records             {summary.records:,} rows in {opts.year} ({summary.corrections:,} corrections)")
    out(f"hazards             {sum(summary.hazards.values()):,} ({summary.major:,} major, {summary.overdue:,} "
        f"open past their deadline at year end), {summary.events:,} events, {summary.plans:,} plans, "
        f"{summary.categories} categories")  # fmt: skip
    out("                    " + ", ".join(f"{n:,} {s}" for s, n in sorted(summary.hazards.items())))


async def run(url: str, opts: Options) -> None:
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        await upgrade(engine)  # a no-op on a database at head
        print(
            f"database            {make_url(url).get_backend_name()} (migrated in {time.perf_counter() - started:.1f} s)"
        )
        async with create_session_factory(engine)() as session:
            summary = await build(session, opts, analyze=False)
            started = time.perf_counter()
            await session.commit()
            print(f"  {'commit':<28} {time.perf_counter() - started:8.1f} s")
        started = time.perf_counter()
        async with engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
        took = time.perf_counter() - started
        summary.times["analyze"] = took
        print(f"  {'analyze':<28} {took:8.1f} s")
        report(summary, opts)
        print(f"built in            {sum(summary.times.values()):.1f} s")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    defaults = Options()
    for name in ("districts", "parks", "enterprises", "posts", "records", "hazards", "year", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    args = parser.parse_args()
    opts = Options(**{k: v for k, v in vars(args).items() if k != "database_url"})
    if (
        min(opts.districts, opts.parks, opts.enterprises) < 1
        or min(opts.records, opts.hazards, opts.posts) < 0
    ):
        parser.error("counts must be positive")
    try:
        asyncio.run(run(normalize_database_url(args.database_url), opts))
    except (NotEmpty, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
