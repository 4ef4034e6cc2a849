"""The ledger as lists: hazards of a unit's subtree by grade, state, category, source,
overdue and period, with counts for dashboards; tip-offs; the category library; notices to
a unit. Each builder takes the caller's visibility predicate (from authz) and adds it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards import states as st
from domain.hazards.models import Hazard, HazardCategory, HazardNotice, TipOff
from domain.pagination import Ordering
from domain.tree.models import OrgUnit, subtree_upper_bound

OPEN = [s.value for s in st.OPEN_STATES]

HAZARD_ORDER: Ordering[Hazard] = Ordering((Hazard.found_on, Hazard.id), key=lambda h: (h.found_on, h.id))
# Open major hazards by deadline, those still without one (no 五落实 yet) first.
NO_DEADLINE = date(1900, 1, 1)
BOARD_ORDER: Ordering[Hazard] = Ordering(
    (func.coalesce(Hazard.deadline, NO_DEADLINE), Hazard.id), key=lambda h: (h.deadline or NO_DEADLINE, h.id)
)
CATEGORY_ORDER: Ordering[HazardCategory] = Ordering((HazardCategory.id,), key=lambda c: (c.id,))
TIP_OFF_ORDER: Ordering[TipOff] = Ordering((TipOff.id,), key=lambda t: (t.id,))
NOTICE_ORDER: Ordering[HazardNotice] = Ordering((HazardNotice.id,), key=lambda n: (n.id,))


@dataclass(frozen=True)
class LedgerFilter:
    """Filters of the ledger, all given must hold (None: not filtered). Values as stored."""

    grades: Sequence[str] | None = None
    states: Sequence[str] | None = None
    category_ids: Sequence[int] | None = None
    sources: Sequence[str] | None = None
    overdue: bool | None = None
    found_from: date | None = None
    found_to: date | None = None


def ledger(
    visible: ColumnElement[bool],
    today: date,
    *,
    unit_given: bool = False,
    unit_path: str | None = None,
    flt: LedgerFilter | None = None,
) -> Select[Hazard]:
    """The hazards `visible` admits: of the subtree at `unit_path` if a unit was given (a
    unit given but not found, `unit_path` None: none), matching `flt`."""
    stmt = select(Hazard).where(visible)
    if unit_given:
        if unit_path is None:
            return stmt.where(false())
        units = select(OrgUnit.id).where(
            OrgUnit.path >= unit_path, OrgUnit.path < subtree_upper_bound(unit_path)
        )
        stmt = stmt.where(Hazard.unit_id.in_(units))
    return stmt if flt is None else filtered(stmt, flt, today)


def filtered(stmt: Select[Hazard], flt: LedgerFilter, today: date) -> Select[Hazard]:
    """The hazards `stmt` selects that match `flt` (overdue: open and past the deadline
    on `today`)."""
    if flt.grades:
        stmt = stmt.where(Hazard.grade.in_(list(flt.grades)))
    if flt.states:
        stmt = stmt.where(Hazard.state.in_(list(flt.states)))
    if flt.category_ids:
        stmt = stmt.where(Hazard.category_id.in_(list(flt.category_ids)))
    if flt.sources:
        stmt = stmt.where(Hazard.source.in_(list(flt.sources)))
    overdue = and_(Hazard.state.in_(OPEN), Hazard.deadline < today)
    if flt.overdue is True:
        stmt = stmt.where(overdue)
    elif flt.overdue is False:
        stmt = stmt.where(~overdue | Hazard.deadline.is_(None))
    if flt.found_from:
        stmt = stmt.where(Hazard.found_on >= flt.found_from)
    if flt.found_to:
        stmt = stmt.where(Hazard.found_on <= flt.found_to)
    return stmt


class StateCounts(NamedTuple):
    """Hazards of the ledger in one state: how many, how many open and overdue, how many
    open and major."""

    state: st.HazardState
    hazards: int
    overdue: int
    major_open: int


async def ledger_counts(session: AsyncSession, hazards: Select[Any], today: date) -> list[StateCounts]:
    """Counts of a ledger (as `ledger` builds it) by state, in one query; states with no
    hazard are left out."""
    rows = hazards.subquery()
    is_open = rows.c.state.in_(OPEN)
    stmt = select(
        rows.c.state,
        func.count(),
        func.sum(case((and_(is_open, rows.c.deadline < today), 1), else_=0)),
        func.sum(case((and_(is_open, rows.c.grade == st.Grade.MAJOR.value), 1), else_=0)),
    ).group_by(rows.c.state)
    return [
        StateCounts(st.HazardState(state), int(n), int(overdue or 0), int(major or 0))
        for state, n, overdue, major in (await session.execute(stmt)).all()
    ]


def tip_offs(
    visible: ColumnElement[bool], *, park_id: int | None = None, statuses: Sequence[Sequence[str]] = ()
) -> Select[TipOff]:
    """Tip-offs `visible` admits, of the park if given, in every one of the `statuses` sets."""
    stmt = select(TipOff).where(visible)
    if park_id is not None:
        stmt = stmt.where(TipOff.park_id == park_id)
    for allowed in statuses:
        stmt = stmt.where(TipOff.status.in_(list(allowed)))
    return stmt


def categories(
    visible: ColumnElement[bool], *, domain: str | None = None, major: bool | None = None
) -> Select[HazardCategory]:
    """The category library (what `visible` admits), by domain and majority if given."""
    stmt = select(HazardCategory).where(visible)
    if domain is not None:
        stmt = stmt.where(HazardCategory.domain == domain)
    if major is not None:
        stmt = stmt.where(HazardCategory.major.is_(major))
    return stmt


def notices(unit_id: int | None) -> Select[HazardNotice]:
    """Notices to the unit; None (a unit the caller may not read): none."""
    stmt = select(HazardNotice)
    return stmt.where(false()) if unit_id is None else stmt.where(HazardNotice.unit_id == unit_id)
