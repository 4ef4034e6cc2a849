"""This area's per-request loaders and list orders. Who may see what is
`authz.visibility.hazards`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement

from api.loaders import ByIdLoader, RowsByKeyLoader
from authz.reach import Reach
from authz.visibility.hazards import categories_visible, hazards_visible, tip_offs_visible
from domain.hazards import relations
from domain.hazards.models import Hazard, HazardCategory, TipOff
from domain.rows import Relation

if TYPE_CHECKING:
    from api.context import Context


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
