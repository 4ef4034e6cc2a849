"""Who may see duty lists, records and critical periods.

- A catalogue template (a list bound to no unit): anyone with a duty-read right anywhere.
- A list bound to a unit, and a critical period declared on one: callers whose duty-read
  scopes hold the unit, lie below it (the list applies to their posts) or above it.
- A record: callers whose record-read scopes hold one of its units, and its recorder.
- Items and versions: as their list. Items reached through a post the caller may read
  (its duty list, its obligations) are shown through that post.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from authz.catalogue import Resource
from authz.domains import is_post_domain
from authz.reach import Reach, Scopes
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordUnit,
)
from domain.tree.models import OrgUnit


def unit_paths_around(scopes: Scopes) -> list[str]:
    """Unit paths at or above every domain in scope."""
    found: set[str] = set()
    for domain in (*scopes.prefixes, *scopes.exact):
        parts = domain.strip("/").split("/")
        if parts and is_post_domain(domain):
            parts = parts[:-1]
        for i in range(1, len(parts) + 1):
            found.add("/" + "/".join(parts[:i]) + "/")
    return sorted(found)


def unit_related(unit_id: Any, scopes: Scopes) -> ColumnElement[bool]:
    """The unit is in scope, or at or above something in scope."""
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    around = unit_paths_around(scopes)
    units = select(OrgUnit.id).where(or_(scopes.unit_clause(), OrgUnit.path.in_(around)))
    related: ColumnElement[bool] = unit_id.in_(units)
    return related


def lists_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.DUTY)
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    return or_(DutyList.unit_id.is_(None), unit_related(DutyList.unit_id, scopes))


def templates_visible(reach: Reach) -> ColumnElement[bool]:
    """Catalogue templates (lists bound to no unit) the caller sees."""
    return and_(DutyList.unit_id.is_(None), lists_visible(reach))


def versions_visible(reach: Reach) -> ColumnElement[bool]:
    """A list's versions: as the list."""
    return DutyListVersion.list_id.in_(select(DutyList.id).where(lists_visible(reach)))


def items_visible(reach: Reach) -> ColumnElement[bool]:
    """A version's items: as its list."""
    lists = select(DutyList.id).where(lists_visible(reach))
    return DutyItem.version_id.in_(select(DutyListVersion.id).where(DutyListVersion.list_id.in_(lists)))


def periods_visible(reach: Reach) -> ColumnElement[bool]:
    return unit_related(CriticalPeriod.unit_id, reach.scopes(Resource.DUTY))


def records_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.RECORD)
    conds: list[ColumnElement[bool]] = []
    if reach.subject is not None:
        conds.append(DutyRecord.recorder == reach.subject)
    if scopes.everything:
        return true()
    if not scopes.empty:
        covered = (
            select(DutyRecordUnit.record_id)
            .join(OrgUnit, OrgUnit.id == DutyRecordUnit.unit_id)
            .where(DutyRecordUnit.record_id == DutyRecord.id, scopes.unit_clause())
        )
        conds.append(exists(covered))
    return or_(*conds) if conds else false()
