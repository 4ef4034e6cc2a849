"""The explanation of a score down to the obligations and hazards that lowered it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

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
)
from domain.scoring.models import ScoreState, ScoreTally, UnitScore
from domain.scoring.queries.scores import check_period, scheme_version, score_rows, sums_of
from domain.scoring.scheme import Scheme, WeightClass, load_scheme, weight_class
from domain.scoring.state import current_state
from domain.scoring.tallies import chunk_obligations, leaf_key, load_hazards
from domain.tree.models import OrgUnit, subtree_upper_bound

# Explaining a subtree computes its obligations for the period; past this many posts the
# caller drills down through `contributions` instead (a park's month is well inside).
MAX_EXPLAINED_POSTS = 5_000


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
                ScoreTally.answering.is_(False),
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
        if o.status not in COUNTED or o.status is Status.DONE_ON_TIME or o.answering:
            continue  # (an answering share: its period counts for the unit once, by its primary)
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
