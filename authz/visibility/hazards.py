"""Who may see hazards, tip-offs and the category library.

A hazard, its plans, history and notices: callers whose hazard-read scopes hold its unit,
and whoever reported it. The category library: anyone with a hazard-read right anywhere.
A tip-off, reporter's contacts included: the tip-off right at its park only.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from authz.catalogue import Resource
from authz.reach import Reach
from domain.hazards.models import Hazard, TipOff
from domain.tree.models import OrgUnit


def hazards_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.HAZARD)
    if scopes.everything:
        return true()
    conds: list[ColumnElement[bool]] = []
    if reach.subject is not None:
        conds.append(Hazard.found_by == reach.subject)
    if not scopes.empty:
        conds.append(Hazard.unit_id.in_(select(OrgUnit.id).where(scopes.unit_clause())))
    return or_(*conds) if conds else false()


def tip_offs_visible(reach: Reach) -> ColumnElement[bool]:
    """Tip-offs, reporters' contacts included: the tip-off right at their park only."""
    scopes = reach.scopes(Resource.TIPOFF)
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    return TipOff.park_id.in_(select(OrgUnit.id).where(scopes.unit_clause()))


def categories_visible(reach: Reach) -> ColumnElement[bool]:
    return false() if reach.scopes(Resource.HAZARD).empty else true()
