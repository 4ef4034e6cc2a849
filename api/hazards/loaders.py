"""This area's per-request loaders and list orders. Who may see what is
`authz.visibility.hazards`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func

from api.loaders import ByIdLoader, RowsByKeyLoader
from authz.reach import Reach
from authz.visibility.hazards import categories_visible, hazards_visible, tip_offs_visible
from domain.hazards import relations
from domain.hazards.models import Hazard, HazardCategory, HazardNotice, TipOff
from domain.pagination import Ordering
from domain.rows import Relation

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
    def statement(self) -> Relation:
        return relations.events_by_hazard()


class PlansByHazardLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.plans_by_hazard()


class NoticesByHazardLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.notices_by_hazard()


class HazardLoaders:
    def __init__(self, ctx: Context) -> None:
        self.hazard_by_id = HazardByIdLoader(ctx)
        self.category_by_id = CategoryByIdLoader(ctx)
        self.tip_off_by_id = TipOffByIdLoader(ctx)
        self.events_by_hazard = EventsByHazardLoader(ctx)
        self.plans_by_hazard = PlansByHazardLoader(ctx)
        self.notices_by_hazard = NoticesByHazardLoader(ctx)


def hazard_loaders(ctx: Context) -> HazardLoaders:
    """This request's loaders of the area; created with (and dropped with) `ctx.loaders`."""
    holder = ctx.loaders
    found = getattr(holder, "hazards", None)
    if not isinstance(found, HazardLoaders):
        found = HazardLoaders(ctx)
        holder.hazards = found  # type: ignore[attr-defined]
    return found
