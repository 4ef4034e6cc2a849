"""Building the province into an empty database, and reporting what was built."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks.generate_province.activity import generate_hazards, generate_records
from benchmarks.generate_province.shape import (
    CHUNK,
    DEPARTMENTS,
    EXPLICIT_ID_TABLES,
    NotEmpty,
    Options,
    Step,
    Summary,
)
from benchmarks.generate_province.tree import generate_tree
from benchmarks.synthetic import (
    Row,
    Rows,
    adopt_lists,
    critical_periods,
    insert_rows,
    period_rows,
    reset_sequences,
    table_of,
)
from domain.db import create_engine, create_session_factory, utcnow
from domain.duties.models import CriticalPeriod
from domain.hazards.models import HazardCategory
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import EnterpriseProfile, OrgUnit
from migrations.runner import upgrade
from seeds.hazard_categories import load_hazard_categories


async def build(
    session: AsyncSession, opts: Options, *, analyze: bool = True, out: Callable[[str], None] = print
) -> Summary:
    """Fill the (migrated, empty) database of `session`; the caller commits."""
    conn = await session.connection()
    existing = await conn.scalar(select(func.count()).select_from(table_of(OrgUnit)))
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
        tree = generate_tree(rng, rows, opts, summary)
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
        await generate_records(conn, rng, rows, tree, opts, summary, now)

    with step("hazard categories (services)"):
        await load_hazard_categories(session)
        await session.flush()
        categories = (await session.execute(select(HazardCategory.id, HazardCategory.major))).all()
        summary.categories = len(categories)
    with step("hazards"):
        major = sorted(cid for cid, is_major in categories if is_major)
        general = sorted(cid for cid, is_major in categories if not is_major)
        await generate_hazards(conn, rng, tree.enterprises, major, general, opts, summary)

    with step("sequences"):
        await reset_sequences(conn, EXPLICIT_ID_TABLES)
    if analyze:
        with step("analyze"):
            await conn.execute(text("ANALYZE"))
    return summary


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
