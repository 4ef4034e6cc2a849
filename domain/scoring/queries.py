"""Reading scores: a unit's score, series, ranks, the district view, holders' scores, and
the explanation of a score down to the obligations and hazards that lowered it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, bindparam, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Bundle

from domain.duties.obligations import Obligation, Status
from domain.duties.queries import posts_of_unit
from domain.errors import DomainError, ErrorCode
from domain.hazards.models import Hazard
from domain.scoring.formula import (
    COUNTED,
    HazardStanding,
    PeriodKind,
    ScoreScope,
    Sums,
    hazard_credit,
    hazard_share,
    hazard_standing,
    obligation_credit,
    obligation_share,
    period_end,
    period_start,
)
from domain.scoring.models import ScoreSchemeVersion, ScoreState, ScoreTally, UnitScore
from domain.scoring.scheme import Scheme, WeightClass, load_scheme, weight_class
from domain.scoring.state import current_state
from domain.scoring.store import SchemeBook
from domain.scoring.tallies import chunk_obligations, leaf_key, load_hazards
from domain.tree.models import OrgUnit, subtree_upper_bound

# Explaining a subtree computes its obligations for the period; past this many posts the
# caller drills down through `contributions` instead (a park's month is well inside).
MAX_EXPLAINED_POSTS = 5_000


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


# --- explanations -----------------------------------------------------------------------


@dataclass
class ObligationLoss:
    obligation: Obligation
    unit_id: int
    weight_class: WeightClass
    weight: int
    credit: int
    points: float


@dataclass
class HazardLoss:
    hazard_id: int
    unit_id: int
    standing: HazardStanding
    weight: int
    credit: int
    points: float


@dataclass
class Contribution:
    unit_id: int
    own: bool  # the unit's own posts and hazards, not a child's subtree
    points: float
    score: float | None


@dataclass
class ClassBreakdown:
    weight_class: WeightClass
    weight: int
    on_time: int = 0
    late: int = 0
    missed: int = 0
    points: float = 0.0


@dataclass
class Explanation:
    unit_id: int
    scope: ScoreScope
    kind: PeriodKind
    start: date
    end: date
    as_of: date | None
    score: float | None
    sums: Sums
    scheme_version_id: int
    scheme: Scheme
    contributions: list[Contribution] = field(default_factory=list)
    by_class: list[ClassBreakdown] = field(default_factory=list)
    obligations: list[ObligationLoss] = field(default_factory=list)
    hazards: list[HazardLoss] = field(default_factory=list)

    @property
    def lost(self) -> float:
        return 0.0 if self.score is None else round(100.0 - self.score, 4)


async def _explained_units(session: AsyncSession, unit: OrgUnit, scope: ScoreScope) -> list[int]:
    if scope is ScoreScope.OWN:
        return [unit.id]
    return list(
        (
            await session.scalars(
                select(OrgUnit.id).where(
                    OrgUnit.path >= unit.path, OrgUnit.path < subtree_upper_bound(unit.path)
                )
            )
        ).all()
    )


async def explain(
    session: AsyncSession,
    unit: OrgUnit,
    scope: ScoreScope,
    kind: PeriodKind,
    start: date,
    *,
    with_obligations: bool = True,
) -> Explanation:
    """Why a unit's score is what it is. Every share is the points the item took off, so the
    shares of obligations and hazards add up to 100 − score, and so do the contributions."""
    check_period(kind, start)
    end = period_end(kind, start)
    district = int(unit.path.strip("/").split("/")[0])
    version = await scheme_version(session, district, start)
    scheme = load_scheme(version.weights)
    state = await current_state(session)
    row = (await score_rows(session, [unit.id], scope, kind, start)).get(unit.id)
    sums = sums_of(row)
    out = Explanation(
        unit_id=unit.id,
        scope=scope,
        kind=kind,
        start=start,
        end=end,
        as_of=state.as_of if state else None,
        score=row.score if row else None,
        sums=sums,
        scheme_version_id=version.id,
        scheme=scheme,
    )
    if state is None:
        return out
    units = await _explained_units(session, unit, scope)
    unit_set = set(units)
    # Contributions: the unit's own part and each child's subtree.
    own = (await score_rows(session, [unit.id], ScoreScope.OWN, kind, start)).get(unit.id)
    parts: list[tuple[int, bool, UnitScore | None]] = [(unit.id, True, own)]
    if scope is ScoreScope.TREE:
        children = (
            await session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.id))
        ).all()
        child_rows = await score_rows(session, list(children), ScoreScope.TREE, kind, start)
        parts += [(c, False, child_rows.get(c)) for c in children]
    for uid, is_own, r in parts:
        s = sums_of(r)
        points = _points(s, sums, scheme)
        if r is not None and (s.ob_weight or s.hz_weight):
            out.contributions.append(Contribution(uid, is_own, points, r.score))
    out.contributions.sort(key=lambda c: (-c.points, c.unit_id))
    # By weight class, from the leaf counts.
    tallies = (
        await session.execute(
            select(
                ScoreTally.weight_class,
                func.sum(ScoreTally.on_time),
                func.sum(ScoreTally.late),
                func.sum(ScoreTally.missed),
            )
            .where(
                _in_units(ScoreTally.unit_id, units, unit),
                ScoreTally.month >= start,
                ScoreTally.month <= end,
            )
            .group_by(ScoreTally.weight_class)
        )
    ).all()
    for cls, on, late, missed in tallies:
        wc = WeightClass(cls)
        w = scheme.class_weights[wc]
        b = ClassBreakdown(wc, w, int(on or 0), int(late or 0), int(missed or 0))
        b.points = (
            obligation_share(w, 0, sums.ob_weight, scheme) * b.missed
            + obligation_share(w, scheme.late_credit, sums.ob_weight, scheme) * b.late
        )
        out.by_class.append(b)
    out.by_class.sort(key=lambda b: (-b.points, b.weight_class.value))
    # The hazards that lowered it.
    for facts in await load_hazards(session, _in_units(Hazard.unit_id, units, unit), end, start):
        standing = hazard_standing(facts, start, end, state.as_of)
        if standing is None:
            continue
        credit = hazard_credit(standing, scheme)
        if credit >= 100:
            continue
        w = scheme.hazard_weights[facts.grade]
        out.hazards.append(
            HazardLoss(
                facts.id, facts.unit_id, standing, w, credit, hazard_share(w, credit, sums.hz_weight, scheme)
            )
        )
    out.hazards.sort(key=lambda x: (-x.points, x.hazard_id))
    if with_obligations:
        out.obligations = await _obligation_losses(
            session, unit, scope, unit_set, start, end, state, scheme, sums
        )
    return out


async def obligation_losses(session: AsyncSession, unit: OrgUnit, e: Explanation) -> list[ObligationLoss]:
    """The obligations that lowered an explained score, most points first."""
    state = await current_state(session)
    if state is None:
        return []
    units = set(await _explained_units(session, unit, e.scope))
    return await _obligation_losses(session, unit, e.scope, units, e.start, e.end, state, e.scheme, e.sums)


def _in_units(column: Any, units: list[int], unit: OrgUnit) -> Any:
    """`column` among the units; a large subtree as a subquery rather than a list of ids."""
    if len(units) < 1000:
        return column.in_(units)
    return column.in_(
        select(OrgUnit.id).where(OrgUnit.path >= unit.path, OrgUnit.path < subtree_upper_bound(unit.path))
    )


def _points(part: Sums, whole: Sums, scheme: Scheme) -> float:
    p = 0.0
    if whole.ob_weight:
        p += scheme.points_obligations * part.ob_lost / (100 * whole.ob_weight)
    if whole.hz_weight:
        p += scheme.points_hazards * part.hz_lost / (100 * whole.hz_weight)
    return round(p, 6)


async def _obligation_losses(
    session: AsyncSession,
    unit: OrgUnit,
    scope: ScoreScope,
    unit_set: set[int],
    start: date,
    end: date,
    state: ScoreState,
    scheme: Scheme,
    sums: Sums,
) -> list[ObligationLoss]:
    posts = posts_of_unit(unit.path, subtree=scope is ScoreScope.TREE)
    n = await session.scalar(select(func.count()).select_from(posts.subquery())) or 0
    if n > MAX_EXPLAINED_POSTS:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            "unitId",
            f"该范围岗位超过{MAX_EXPLAINED_POSTS}个，请通过各下级单位的得分构成逐级查看",
            f"more than {MAX_EXPLAINED_POSTS} posts: drill down through the contributions of its units",
        )
    # Per-holder duties of the unit's holders may count at a unit of the scope while their
    # posts lie elsewhere: the posts of the scope's holders are included by the facts.
    found, post_units = await chunk_obligations(session, posts, start, end, state.as_of)
    out: list[ObligationLoss] = []
    seen: set[tuple[Any, ...]] = set()
    for o in found:
        if o.status not in COUNTED or o.status is Status.DONE_ON_TIME:
            continue
        if not start <= o.period_end <= end or o.period_end < state.since:
            continue
        key = leaf_key(o, post_units)
        if key[2] not in unit_set:
            continue
        ident = (o.list_id, o.item_key, o.post_id, o.person_id, o.period_start, o.event_id)
        if ident in seen:
            continue
        seen.add(ident)
        wc = weight_class(o.variant.timing)
        w = scheme.class_weights[wc]
        credit = obligation_credit(o.status, scheme)
        out.append(
            ObligationLoss(o, key[2], wc, w, credit, obligation_share(w, credit, sums.ob_weight, scheme))
        )
    out.sort(
        key=lambda x: (-x.points, x.obligation.due_date, x.obligation.post_id or 0, x.obligation.item_id)
    )
    return out


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
