"""This area's per-request loaders (kept beside `ctx.loaders`, so a mutation's reset drops
them too). Who may see what is `authz.visibility.duties`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement

from api.dataloader import DataLoader
from api.duties.delegation_loaders import DelegationLoaders
from api.loaders import ByIdLoader, RowsByKeyLoader
from authz.reach import Reach
from authz.visibility.duties import (
    items_visible,
    lists_visible,
    periods_visible,
    records_visible,
    versions_visible,
)
from domain.duties import relations
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutySource,
)
from domain.pagination import Ordering
from domain.rows import Relation, rows_by_ids

if TYPE_CHECKING:
    from api.context import Context

LIST_ORDER: Ordering[DutyList] = Ordering((DutyList.id,), key=lambda r: (r.id,))
SOURCE_ORDER: Ordering[DutySource] = Ordering((DutySource.id,), key=lambda r: (r.id,))
RECORD_ORDER: Ordering[DutyRecord] = Ordering(
    (DutyRecord.performed_on, DutyRecord.id), key=lambda r: (r.performed_on, r.id)
)
PERIOD_ORDER: Ordering[CriticalPeriod] = Ordering(
    (CriticalPeriod.start_date, CriticalPeriod.id), key=lambda r: (r.start_date, r.id)
)


class DutyListByIdLoader(ByIdLoader[DutyList]):
    model = DutyList

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return lists_visible(reach)


class DutyListVersionByIdLoader(ByIdLoader[DutyListVersion]):
    model = DutyListVersion

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return versions_visible(reach)


class DutyItemByIdLoader(ByIdLoader[DutyItem]):
    model = DutyItem

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return items_visible(reach)


class DutyRecordByIdLoader(ByIdLoader[DutyRecord]):
    model = DutyRecord

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return records_visible(reach)


class CriticalPeriodByIdLoader(ByIdLoader[CriticalPeriod]):
    model = CriticalPeriod

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return periods_visible(reach)


class _AnyByIdLoader(DataLoader[int, Any]):
    """Rows by id without a visibility check: for rows reached through a parent the caller
    may read (the duty items of a readable post, the source of a readable item)."""

    model: Any

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, ids: Sequence[int]) -> list[Any]:
        async with self.ctx.db() as session:
            found = await rows_by_ids(session, self.model, ids)
        return [found.get(i) for i in ids]


class SourceByIdLoader(_AnyByIdLoader):
    model = DutySource


class ItemByIdThroughPostLoader(_AnyByIdLoader):
    model = DutyItem


class ListByIdThroughPostLoader(_AnyByIdLoader):
    model = DutyList


class ItemsByVersionLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.items_by_version()


class VersionsByListLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.versions_by_list()


class UnitsByRecordLoader(RowsByKeyLoader):
    """The units a record covers that the caller may read."""

    def statement(self) -> Relation:
        return relations.units_by_record(self.ctx.reach.units())


class ItemsByRecordLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.items_by_record()


class CorrectionByRecordLoader(RowsByKeyLoader):
    """The row that corrects or withdraws a record, if the caller may see it."""

    def statement(self) -> Relation:
        return relations.corrections_by_record(records_visible(self.ctx.reach))


class DecisionByRecordLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.decision_by_record()


class DutyLoaders:
    def __init__(self, ctx: Context) -> None:
        self.list_by_id = DutyListByIdLoader(ctx)
        self.version_by_id = DutyListVersionByIdLoader(ctx)
        self.item_by_id = DutyItemByIdLoader(ctx)
        self.record_by_id = DutyRecordByIdLoader(ctx)
        self.period_by_id = CriticalPeriodByIdLoader(ctx)
        self.source_by_id = SourceByIdLoader(ctx)
        self.item_through_post = ItemByIdThroughPostLoader(ctx)
        self.list_through_post = ListByIdThroughPostLoader(ctx)
        self.items_by_version = ItemsByVersionLoader(ctx)
        self.versions_by_list = VersionsByListLoader(ctx)
        self.units_by_record = UnitsByRecordLoader(ctx)
        self.items_by_record = ItemsByRecordLoader(ctx)
        self.correction_by_record = CorrectionByRecordLoader(ctx)
        self.decision_by_record = DecisionByRecordLoader(ctx)
        self.delegations = DelegationLoaders(ctx)
