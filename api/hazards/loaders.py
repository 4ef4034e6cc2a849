"""Who may see hazards (as SQL) and this area's per-request loaders.

A hazard, its plans, history and notices: callers whose hazard-read scopes hold its unit,
and whoever reported it. The category library: anyone with a hazard-read right anywhere.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, func, or_, select, true

from api.loaders import AnySelect, ByIdLoader, RowsByKeyLoader
from authz.catalogue import Resource
from authz.reach import Reach
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice, HazardPlan, TipOff
from domain.pagination import Ordering
from domain.tree.models import OrgUnit

if TYPE_CHECKING:
    from api.context import Context

HAZARD_ORDER: Ordering[Hazard] = Ordering((Hazard.found_on, Hazard.id), key=lambda h: (h.found_on, h.id))
# Open major hazards by deadline, those still without one (no 五落实 yet) first.
NO_DEADLINE = date(1900, 1, 1)
BOARD_ORDER: Ordering[Hazard] = Ordering(
    (func.coalesce(Hazard.deadline, NO_DEADLINE), Hazard.id), key=lambda h: (h.deadline or NO_DEADLINE, h.id)
)
CATEGORY_ORDER: Ordering[HazardCategory] = Ordering((HazardCategory.id,), key=lambda c: (c.id,))
TIP_OFF_ORDER: Ordering[TipOff] = Ordering((TipOff.id,), key=lambda t: (t.id,))
NOTICE_ORDER: Ordering[HazardNotice] = Ordering((HazardNotice.id,), key=lambda n: (n.id,))


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


class HazardByIdLoader(ByIdLoader[Hazard]):
    model = Hazard

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return hazards_visible(reach)


class CategoryByIdLoader(ByIdLoader[HazardCategory]):
    model = HazardCategory

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return categories_visible(reach)


class TipOffByIdLoader(ByIdLoader[TipOff]):
    model = TipOff

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return tip_offs_visible(reach)


class EventsByHazardLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        return select(HazardEvent.hazard_id, HazardEvent).order_by(HazardEvent.id), HazardEvent.hazard_id


class PlansByHazardLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        return select(HazardPlan.hazard_id, HazardPlan).order_by(HazardPlan.id), HazardPlan.hazard_id


class NoticesByHazardLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        return select(HazardNotice.hazard_id, HazardNotice).order_by(HazardNotice.id), HazardNotice.hazard_id


class HazardLoaders:
    def __init__(self, ctx: Context) -> None:
        self.hazard_by_id = HazardByIdLoader(ctx)
        self.category_by_id = CategoryByIdLoader(ctx)
        self.tip_off_by_id = TipOffByIdLoader(ctx)
        self.events_by_hazard = EventsByHazardLoader(ctx)
        self.plans_by_hazard = PlansByHazardLoader(ctx)
        self.notices_by_hazard = NoticesByHazardLoader(ctx)
