"""Who may see duty lists, records and critical periods (as SQL), and this area's
per-request loaders (kept beside `ctx.loaders`, so a mutation's reset drops them too).

- A catalogue template (a list bound to no unit): anyone with a duty-read right anywhere.
- A list bound to a unit, and a critical period declared on one: callers whose duty-read
  scopes hold the unit, lie below it (the list applies to their posts) or above it.
- A record: callers whose record-read scopes hold one of its units, and its recorder.
- Items and versions: as their list. Items reached through a post the caller may read
  (its duty list, its obligations) are shown through that post.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import QueryableAttribute

from api.dataloader import DataLoader
from api.loaders import AnySelect, ByIdLoader, RowsByKeyLoader
from authz.catalogue import Resource
from authz.domains import is_post_domain
from authz.reach import Reach, Scopes
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    DutySource,
    ExemptionDecision,
)
from domain.pagination import Ordering
from domain.tree.models import OrgUnit

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


def _unit_paths_around(scopes: Scopes) -> list[str]:
    """Unit paths at or above every domain in scope."""
    found: set[str] = set()
    for domain in (*scopes.prefixes, *scopes.exact):
        parts = domain.strip("/").split("/")
        if parts and is_post_domain(domain):
            parts = parts[:-1]
        for i in range(1, len(parts) + 1):
            found.add("/" + "/".join(parts[:i]) + "/")
    return sorted(found)


def _unit_related(unit_id: QueryableAttribute[Any], scopes: Scopes) -> ColumnElement[bool]:
    """The unit is in scope, or at or above something in scope."""
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    around = _unit_paths_around(scopes)
    units = select(OrgUnit.id).where(or_(scopes.unit_clause(), OrgUnit.path.in_(around)))
    return unit_id.in_(units)


def lists_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.DUTY)
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    return or_(DutyList.unit_id.is_(None), _unit_related(DutyList.unit_id, scopes))


def periods_visible(reach: Reach) -> ColumnElement[bool]:
    return _unit_related(CriticalPeriod.unit_id, reach.scopes(Resource.DUTY))


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


class DutyListByIdLoader(ByIdLoader[DutyList]):
    model = DutyList

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return lists_visible(reach)


class DutyListVersionByIdLoader(ByIdLoader[DutyListVersion]):
    model = DutyListVersion

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return DutyListVersion.list_id.in_(select(DutyList.id).where(lists_visible(reach)))


class DutyItemByIdLoader(ByIdLoader[DutyItem]):
    model = DutyItem

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        lists = select(DutyList.id).where(lists_visible(reach))
        return DutyItem.version_id.in_(select(DutyListVersion.id).where(DutyListVersion.list_id.in_(lists)))


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
            rows = (await session.scalars(select(self.model).where(self.model.id.in_(list(ids))))).all()
        found = {r.id: r for r in rows}
        return [found.get(i) for i in ids]


class SourceByIdLoader(_AnyByIdLoader):
    model = DutySource


class ItemByIdThroughPostLoader(_AnyByIdLoader):
    model = DutyItem


class ListByIdThroughPostLoader(_AnyByIdLoader):
    model = DutyList


class ItemsByVersionLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        return select(DutyItem.version_id, DutyItem).order_by(DutyItem.position), DutyItem.version_id


class VersionsByListLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        stmt = select(DutyListVersion.list_id, DutyListVersion).order_by(DutyListVersion.number)
        return stmt, DutyListVersion.list_id


class UnitsByRecordLoader(RowsByKeyLoader):
    """The units a record covers that the caller may read."""

    def statement(self) -> tuple[AnySelect, Any]:
        stmt = (
            select(DutyRecordUnit.record_id, OrgUnit)
            .join(OrgUnit, OrgUnit.id == DutyRecordUnit.unit_id)
            .where(self.ctx.reach.units())
            .order_by(OrgUnit.path)
        )
        return stmt, DutyRecordUnit.record_id


class ItemsByRecordLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        stmt = (
            select(DutyRecordItem.record_id, DutyItem)
            .join(DutyItem, DutyItem.id == DutyRecordItem.item_id)
            .order_by(DutyItem.id)
        )
        return stmt, DutyRecordItem.record_id


class CorrectionByRecordLoader(RowsByKeyLoader):
    """The row that corrects or withdraws a record, if the caller may see it."""

    def statement(self) -> tuple[AnySelect, Any]:
        stmt = select(DutyRecord.corrects_id, DutyRecord).where(records_visible(self.ctx.reach))
        return stmt, DutyRecord.corrects_id


class DecisionByRecordLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        return select(ExemptionDecision.record_id, ExemptionDecision), ExemptionDecision.record_id


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
