"""The numbers a district dashboard shows, from the API's answer, from the floor's one SQL
statement and from the domain, and the check that they agree.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from strawberry.relay import from_base64

from benchmarks.scores.statements import FLOOR_LATERAL, FLOOR_WINDOW, LOWEST
from domain.scoring.formula import PeriodKind
from domain.scoring.queries import dashboard
from domain.tree.models import OrgUnit

Listed = tuple[int, str, float | None]  # an enterprise: id, name, score


@dataclass(frozen=True)
class ParkNumbers:
    park_id: int
    name: str
    score: float | None
    on_time: int
    late: int
    missed: int
    overdue: int
    open_major: int
    lowest: tuple[Listed, ...]


def _pk(global_id: str) -> int:
    return int(from_base64(global_id)[1])


def numbers_from_api(data: dict[str, Any]) -> list[ParkNumbers]:
    out = []
    for p in data["parks"]:
        s = p["score"]
        out.append(
            ParkNumbers(
                _pk(p["park"]["id"]), p["park"]["name"], s["score"], s["obligations"]["onTime"],
                s["obligations"]["late"], s["obligations"]["missed"], s["hazards"]["overdue"],
                s["hazards"]["openMajor"],
                tuple((_pk(e["unit"]["id"]), e["unit"]["name"], e["score"]) for e in p["lowestEnterprises"]),
            )
        )  # fmt: skip
    return out


def numbers_from_rows(rows: Sequence[Any]) -> list[ParkNumbers]:
    """The floor's rows (one per park and listed enterprise, in order) grouped by park."""
    parks: dict[int, tuple[Any, list[Listed]]] = {}
    for r in rows:
        listed = parks.setdefault(r[0], (r, []))[1]
        if r[8] is not None:
            listed.append((r[8], r[9], r[10]))
    return [
        ParkNumbers(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], tuple(listed))
        for h, listed in parks.values()
    ]


def floor_statement(dialect: str) -> Any:
    sql = FLOOR_LATERAL if dialect == "postgresql" else FLOOR_WINDOW
    return text(sql).bindparams(bindparam("start", type_=Date()))


async def floor_numbers(
    conn: AsyncConnection, stmt: Any, district_id: int, kind: PeriodKind, start: date, lowest: int = LOWEST
) -> list[ParkNumbers]:
    params = {"district": district_id, "kind": kind.value, "start": start, "lowest": lowest}
    return numbers_from_rows((await conn.execute(stmt, params)).all())


async def domain_numbers(
    session: AsyncSession, district_id: int, kind: PeriodKind, start: date, lowest: int = LOWEST
) -> list[ParkNumbers]:
    """What `domain.scoring.queries.dashboard` (the API's source) answers, as numbers."""
    parks, low, _units = await dashboard(session, district_id, kind, start, lowest)
    ids = [p.unit_id for p in parks] + [e.unit_id for rows in low.values() for e in rows]
    names = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids)))).all())
    return [
        ParkNumbers(
            p.unit_id, names[p.unit_id], p.score, p.on_time, p.late, p.missed, p.hz_overdue, p.hz_open_major,
            tuple((e.unit_id, names[e.unit_id], e.score) for e in low.get(p.unit_id, [])),
        )
        for p in parks
    ]  # fmt: skip


def check_same(api: list[ParkNumbers], floor: list[ParkNumbers]) -> None:
    """The floor must show exactly what the API shows (scores compared exactly: both are the
    stored double)."""
    assert [p.park_id for p in api] == [p.park_id for p in floor], "parks differ"
    for a, f in zip(api, floor, strict=True):
        assert a == f, f"park {a.park_id}: API {a} != floor {f}"


async def time_floor(
    engine: AsyncEngine, stmt: Any, district_id: int, kind: PeriodKind, start: date, runs: int, warmups: int
) -> tuple[list[float], list[ParkNumbers]]:
    """The floor statement on one open connection: the time of execute and fetching all rows."""
    times: list[float] = []
    found: list[ParkNumbers] = []
    params = {"district": district_id, "kind": kind.value, "start": start, "lowest": LOWEST}
    async with engine.connect() as conn:
        for i in range(warmups + runs):
            started = time.perf_counter()
            rows = (await conn.execute(stmt, params)).all()
            elapsed = time.perf_counter() - started
            if i >= warmups:
                times.append(elapsed)
            found = numbers_from_rows(rows)
    return times, found
