"""Read statements over the tree. They build SQL; the API layer pages and batches them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.pagination import Ordering
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, RiskClass, Trade, UnitKind, with_descendants
from domain.tree.models import EnterpriseProfile, OrgUnit, subtree_upper_bound

UNIT_ORDER: Ordering[OrgUnit] = Ordering((OrgUnit.code, OrgUnit.id), key=lambda u: (u.code, u.id))


@dataclass(frozen=True)
class UnitFilter:
    kinds: tuple[UnitKind, ...] | None = None
    search: str | None = None
    trades: tuple[Trade, ...] | None = None
    risk_classes: tuple[RiskClass, ...] | None = None
    placarded: bool | None = None
    high_risk: bool | None = None
    small_micro: bool | None = None
    include_archived: bool = False
    # The day whose A/B/C/D class `risk_classes` matches (None: the class decided last).
    on: date | None = None


def apply_unit_filter(stmt: Select[Any], f: UnitFilter) -> Select[Any]:
    if not f.include_archived:
        stmt = stmt.where(OrgUnit.archived_at.is_(None))
    if f.kinds:
        stmt = stmt.where(OrgUnit.kind.in_([k.value for k in f.kinds]))
    if f.search and f.search.strip():
        term = f.search.strip()
        stmt = stmt.where(
            or_(
                OrgUnit.name.contains(term, autoescape=True),
                func.lower(OrgUnit.code).contains(term.lower(), autoescape=True),
                OrgUnit.credit_code == term.upper(),
            )
        )
    if f.trades:
        stmt = stmt.where(OrgUnit.trade.in_([t.value for t in with_descendants(f.trades)]))
    if f.risk_classes:
        current = class_in_force_on(f.on) if f.on is not None else OrgUnit.risk_class
        stmt = stmt.where(current.in_([c.value for c in f.risk_classes]))
    if f.placarded is not None:
        stmt = stmt.where(OrgUnit.placarded.is_(f.placarded))
    if f.high_risk is not None:
        stmt = stmt.where(OrgUnit.high_risk.is_(f.high_risk))
    if f.small_micro is True:
        stmt = stmt.where(OrgUnit.staff_count < SMALL_MICRO_STAFF_LIMIT)
    elif f.small_micro is False:
        stmt = stmt.where(OrgUnit.staff_count >= SMALL_MICRO_STAFF_LIMIT)
    return stmt


def units_stmt(f: UnitFilter, *, under_path: str | None = None) -> Select[Any]:
    stmt = select(OrgUnit)
    if under_path is not None:
        stmt = stmt.where(OrgUnit.path > under_path, OrgUnit.path < subtree_upper_bound(under_path))
    return apply_unit_filter(stmt, f)


def children_stmt(f: UnitFilter) -> Select[Any]:
    """Partition by OrgUnit.parent_id."""
    return apply_unit_filter(select(OrgUnit), f)


def descendants_stmt(f: UnitFilter) -> tuple[Select[Any], object]:
    """Descendants of many roots at once; returns the statement and the root-id partition."""
    root = aliased(OrgUnit)
    upper = func.substr(root.path, 1, func.length(root.path) - 1) + "0"
    stmt = select(OrgUnit).join(root, and_(OrgUnit.path > root.path, OrgUnit.path < upper))
    return apply_unit_filter(stmt, f), root.id


@dataclass(frozen=True)
class ClassInForce:
    """An enterprise's A/B/C/D class on a day, and the next one if a later one is decided."""

    risk_class: RiskClass | None
    since: date | None
    next_class: RiskClass | None
    next_from: date | None


async def classes_in_force(session: AsyncSession, unit_ids: list[int], day: date) -> dict[int, ClassInForce]:
    """Each enterprise's class in force on `day`, from its profile history: a classification
    takes effect the day after its period (or after the day it ran), while the unit row
    already holds the class decided last. Before the first profile row: the first row's."""
    history: dict[int, list[EnterpriseProfile]] = {}
    rows = await session.scalars(
        select(EnterpriseProfile)
        .where(EnterpriseProfile.unit_id.in_(unit_ids))
        .order_by(EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.id)
    )
    for row in rows:
        history.setdefault(row.unit_id, []).append(row)
    found: dict[int, ClassInForce] = {}
    for unit_id, profiles in history.items():
        current = [p for p in profiles if p.effective_from <= day] or profiles[:1]
        now = current[-1]
        # `since`: the first day of the run of rows that gave the class now in force.
        since = now.effective_from
        for p in reversed(current):
            if p.risk_class != now.risk_class:
                break
            since = p.effective_from
        later = [p for p in profiles if p.effective_from > day and p.risk_class != now.risk_class]
        found[unit_id] = ClassInForce(
            risk_class=RiskClass(now.risk_class) if now.risk_class else None,
            since=since,
            next_class=RiskClass(later[0].risk_class) if later and later[0].risk_class else None,
            next_from=later[0].effective_from if later else None,
        )
    return found


def class_in_force_on(day: date) -> ColumnElement[Any]:
    """SQL for an enterprise's class in force on `day` (as `classes_in_force`), correlated to
    OrgUnit: the newest profile row from before or on the day, else its first row."""
    in_force = (
        select(EnterpriseProfile.risk_class)
        .where(EnterpriseProfile.unit_id == OrgUnit.id, EnterpriseProfile.effective_from <= day)
        .order_by(EnterpriseProfile.effective_from.desc(), EnterpriseProfile.id.desc())
        .limit(1)
        .correlate(OrgUnit)
        .scalar_subquery()
    )
    first = (
        select(EnterpriseProfile.risk_class)
        .where(EnterpriseProfile.unit_id == OrgUnit.id)
        .order_by(EnterpriseProfile.effective_from, EnterpriseProfile.id)
        .limit(1)
        .correlate(OrgUnit)
        .scalar_subquery()
    )
    return func.coalesce(in_force, first, OrgUnit.risk_class)
