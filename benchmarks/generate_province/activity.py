"""A year's activity: records of performance and hazards with their history and plans."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from benchmarks.generate_province.shape import (
    CHUNK,
    MAJOR_SHARE,
    PAST_CONFIRMED,
    SOURCES,
    STATES,
    Enterprise,
    Options,
    Summary,
)
from benchmarks.generate_province.tree import Tree
from benchmarks.synthetic import (
    CORRECTED_SHARE,
    TITLES,
    Calendar,
    Row,
    Rows,
    choose_record,
    critical_periods,
    pick_recorders,
    record_row,
    table_of,
)
from domain.duties.models import DutyRecord, DutyRecordUnit
from domain.hazards.models import Hazard, HazardEvent, HazardPlan
from domain.hazards.states import HazardState


async def generate_records(
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
        await conn.execute(insert(table_of(DutyRecord)), records)
        await conn.execute(insert(table_of(DutyRecordUnit)), units)
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


async def generate_hazards(
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
                await conn.execute(insert(table_of(model)), batch)
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
        for hour, (kind, before, after, actor, day, event_data) in enumerate(trail, start=1):
            events.append({"id": next_event, "hazard_id": hid, "kind": kind, "from_state": before,
                           "to_state": after, "actor": f"person:{actor}", "actor_person_id": actor, "note": None,
                           "data": event_data, "created_at": _at(day, hour)})  # fmt: skip
            next_event += 1
        summary.hazards[state.value] += 1
        summary.major += is_major
        if len(hazards) >= CHUNK:
            await flush()
    await flush()
    summary.events, summary.plans = next_event - 1, next_plan - 1
