"""Read statements over the tree. They build SQL; the API layer pages and batches them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from domain.pagination import Ordering
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, RiskClass, Trade, UnitKind
from domain.tree.models import OrgUnit, subtree_upper_bound

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
        stmt = stmt.where(OrgUnit.trade.in_([t.value for t in f.trades]))
    if f.risk_classes:
        stmt = stmt.where(OrgUnit.risk_class.in_([c.value for c in f.risk_classes]))
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
