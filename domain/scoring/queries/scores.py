"""Reading scores: a unit's score, series, ranks, the district view, holders' scores, and
the parks' scores for district systems."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, bindparam, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Bundle

from domain.errors import DomainError, ErrorCode
from domain.scoring.formula import (
    PeriodKind,
    ScoreScope,
    Sums,
    period_end,
    period_start,
)
from domain.scoring.models import ScoreSchemeVersion, ScoreTally, UnitScore
from domain.scoring.scheme import WeightClass
from domain.scoring.store import SchemeBook
from domain.tree.models import OrgUnit, subtree_upper_bound


def check_period(kind: PeriodKind, start: date, field_name: str = "periodStart") -> None:
    if period_start(kind, start) != start:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            field_name,
            "期间开始日期须为该月、季度或年度的第一天",
            "must be the first day of the month, quarter or year",
        )


def sums_of(row: UnitScore | None) -> Sums:
    if row is None:
        return Sums()
    return Sums(*(getattr(row, f) for f in Sums.FIELDS))


async def score_rows(
    session: AsyncSession, unit_ids: list[int], scope: ScoreScope, kind: PeriodKind, start: date
) -> dict[int, UnitScore]:
    rows = await session.scalars(
        select(UnitScore).where(
            UnitScore.unit_id.in_(unit_ids),
            UnitScore.scope == scope.value,
            UnitScore.period_kind == kind.value,
            UnitScore.period_start == start,
        )
    )
    return {r.unit_id: r for r in rows.all()}


async def series(
    session: AsyncSession, unit_id: int, scope: ScoreScope, lo: date, hi: date
) -> dict[date, UnitScore]:
    """A unit's monthly score rows from month `lo` to month `hi`, by month."""
    rows = await session.scalars(
        select(UnitScore).where(
            UnitScore.unit_id == unit_id,
            UnitScore.scope == scope.value,
            UnitScore.period_kind == PeriodKind.MONTH.value,
            UnitScore.period_start >= lo,
            UnitScore.period_start <= hi,
        )
    )
    return {r.period_start: r for r in rows.all()}


async def scheme_version(session: AsyncSession, district_id: int, start: date) -> ScoreSchemeVersion:
    """The version that scores a period of the district: in force on the period's first day."""
    row = await session.scalar(
        select(ScoreSchemeVersion)
        .where(
            or_(ScoreSchemeVersion.district_id == district_id, ScoreSchemeVersion.district_id.is_(None)),
            ScoreSchemeVersion.effective_from <= start,
        )
        # A district's own versions first, then the latest in force.
        .order_by(
            ScoreSchemeVersion.district_id.is_(None),
            ScoreSchemeVersion.effective_from.desc(),
            ScoreSchemeVersion.number.desc(),
        )
        .limit(1)
    )
    assert row is not None, "migration 20261126_0008 inserts the platform default"
    return row


def ranking_statement(
    within: OrgUnit, unit_kind: str, kind: PeriodKind, start: date, *, lowest_first: bool = False
) -> Select[Any]:
    """Scores (with subtree) of the units of a kind under `within` (parks of a district,
    enterprises of a park or district), best first (or lowest first), then by unit id."""
    stmt = select(UnitScore).where(
        UnitScore.scope == ScoreScope.TREE.value,
        UnitScore.period_kind == kind.value,
        UnitScore.period_start == start,
        UnitScore.unit_kind == unit_kind,
        UnitScore.score.is_not(None),
    )
    if within.depth == 0:
        stmt = stmt.where(UnitScore.district_id == within.id)
    else:
        stmt = stmt.where(UnitScore.park_id == within.id)
        if within.depth > 1:
            under = select(OrgUnit.id).where(
                OrgUnit.path >= within.path, OrgUnit.path < subtree_upper_bound(within.path)
            )
            stmt = stmt.where(UnitScore.unit_id.in_(under))
    return stmt


async def rank_of(session: AsyncSession, row: UnitScore, within: OrgUnit) -> tuple[int, int]:
    """(rank, of how many): 1 is the best score; equal scores share a rank."""
    base = ranking_statement(within, row.unit_kind, PeriodKind(row.period_kind), row.period_start).subquery()
    total = await session.scalar(select(func.count()).select_from(base)) or 0
    if row.score is None:
        return 0, total
    better = await session.scalar(select(func.count()).select_from(base).where(base.c.score > row.score)) or 0
    return better + 1, total


# Score rows as plain rows (a Bundle of the table's columns), not entities: the dashboard
# only reads them, and two hundred entities cost more to build than the statements to run.
SCORE_COLUMNS: Bundle[Any] = Bundle("score", *UnitScore.__table__.c)

_PARK_SCORES = (
    select(SCORE_COLUMNS, OrgUnit)
    .join(OrgUnit, OrgUnit.id == UnitScore.unit_id)
    .where(
        UnitScore.district_id == bindparam("district_id"),
        UnitScore.period_kind == bindparam("kind"),
        UnitScore.period_start == bindparam("start", type_=Date),
        UnitScore.scope == ScoreScope.TREE.value,
        UnitScore.unit_kind == "PARK",
    )
    .order_by(UnitScore.unit_id)
)


def _enterprise_scores() -> Any:
    """The enterprise scores of the parks `park_ids` for the period (a statement to narrow)."""
    return (
        select(UnitScore.id)
        .where(
            UnitScore.period_kind == bindparam("kind"),
            UnitScore.period_start == bindparam("start", type_=Date),
            UnitScore.scope == ScoreScope.TREE.value,
            UnitScore.unit_kind == "ENTERPRISE",
            UnitScore.score.is_not(None),
        )
        .order_by(UnitScore.score, UnitScore.unit_id)
    )


@cache
def _lowest_statement(dialect: str) -> Select[Any]:
    """Each park's `lowest` enterprises (scored) for the period, with their units, by park,
    lowest first: built once per dialect, with bind parameters (building it per call, a
    subquery per park, cost more than running it). PostgreSQL reads one index range per park
    (park, period, scope, kind, score) through LATERAL, up to `lowest` rows each; SQLite,
    which has no LATERAL, ranks the parks' enterprises with a window."""
    parks: Any = bindparam("park_ids", expanding=True)
    if dialect == "postgresql":
        park = select(OrgUnit.id.label("park_id")).where(OrgUnit.id.in_(parks)).subquery()
        ids = (
            _enterprise_scores()
            .where(UnitScore.park_id == park.c.park_id)
            .limit(bindparam("lowest", type_=Integer))
            .lateral()
        )
        chosen: Any = select(ids.c.id).select_from(park).join(ids, true())
    else:
        ranked = (
            _enterprise_scores()
            .add_columns(
                func.row_number()
                .over(partition_by=UnitScore.park_id, order_by=(UnitScore.score, UnitScore.unit_id))
                .label("n")
            )
            .where(UnitScore.park_id.in_(parks))
            .subquery()
        )
        chosen = select(ranked.c.id).where(ranked.c.n <= bindparam("lowest", type_=Integer))
    return (
        select(SCORE_COLUMNS, OrgUnit)
        .join(OrgUnit, OrgUnit.id == UnitScore.unit_id)
        .where(UnitScore.id.in_(chosen))
        .order_by(UnitScore.park_id, UnitScore.score, UnitScore.unit_id)
    )


async def dashboard(
    session: AsyncSession, district_id: int, kind: PeriodKind, start: date, lowest: int = 10
) -> tuple[list[Any], dict[int, list[Any]], dict[int, OrgUnit]]:
    """Every park's score with its subtree, each park's `lowest` enterprises (rows with the
    columns of `UnitScore`), and the units of both: two statements, whatever the number of
    parks."""
    values: dict[str, Any] = {"district_id": district_id, "kind": kind.value, "start": start}
    rows = (await session.execute(_PARK_SCORES, values)).all()
    parks = [r[0] for r in rows]
    units = {u.id: u for _, u in rows}
    by_park: dict[int, list[Any]] = defaultdict(list)
    if not parks or lowest <= 0:
        return parks, dict(by_park), units
    low = (
        await session.execute(
            _lowest_statement(session.get_bind().dialect.name),
            {**values, "park_ids": [p.unit_id for p in parks], "lowest": lowest},
        )
    ).all()
    for r, u in low:
        units[u.id] = u
        if r.park_id is not None:
            by_park[r.park_id].append(r)
    return parks, dict(by_park), units


# --- holders ----------------------------------------------------------------------------


@dataclass
class PersonScore:
    person_id: int
    kind: PeriodKind
    start: date
    on_time: int
    late: int
    missed: int
    weight: int
    lost: int
    score: float | None
    scheme_version_id: int | None


async def person_score(session: AsyncSession, person_id: int, kind: PeriodKind, start: date) -> PersonScore:
    """A holder's score: their counted obligations only, out of 100 (hazards belong to units),
    weighted by the scheme of the district where each counted."""
    end = period_end(kind, start)
    rows = (
        await session.execute(
            select(ScoreTally, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == ScoreTally.unit_id)
            .where(ScoreTally.person_id == person_id, ScoreTally.month >= start, ScoreTally.month <= end)
        )
    ).all()
    book = await SchemeBook.load(session)
    s = Sums()
    version: int | None = None
    for tally, path in rows:
        district = int(path.strip("/").split("/")[0])
        vid, scheme = book.version(district, start)
        version = vid
        s.add_obligations(WeightClass(tally.weight_class), tally.on_time, tally.late, tally.missed, scheme)
    score = None if not s.ob_weight else round(100.0 * (1 - s.ob_lost / (100 * s.ob_weight)), 4)
    return PersonScore(
        person_id, kind, start, s.on_time, s.late, s.missed, s.ob_weight, s.ob_lost, score, version
    )


def sync_statement(
    district_id: int | None, kind: PeriodKind, start: date, changed_since: Any | None
) -> Select[Any]:
    """Every park's score with its subtree for a period, for district systems; ordered by the
    park's id so pages and cursors stay the same between calls. No district: nothing."""
    stmt = select(UnitScore).where(
        UnitScore.district_id == (district_id if district_id is not None else -1),
        UnitScore.unit_kind == "PARK",
        UnitScore.scope == ScoreScope.TREE.value,
        UnitScore.period_kind == kind.value,
        UnitScore.period_start == start,
    )
    if changed_since is not None:
        stmt = stmt.where(UnitScore.changed_at > changed_since)
    return stmt
