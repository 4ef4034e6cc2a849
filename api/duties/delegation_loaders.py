"""Loaders of delegations, district frequency defaults and of what records counted for, one
statement (or one engine run) per batch. Who may see a delegation is
`authz.visibility.delegations`; a district default, `authz.visibility.district_defaults`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement

from api.dataloader import DataLoader
from api.loaders import ByIdLoader
from authz.catalogue import Resource
from authz.reach import Reach
from authz.visibility.delegations import delegations_visible
from authz.visibility.district_defaults import defaults_visible
from domain.duties.defaults.models import DistrictFrequencyDefault
from domain.duties.delegations.models import DutyDelegation
from domain.duties.delegations.reading import delegations_of_records
from domain.duties.obligations import Obligation
from domain.duties.records.counting import counted_for

if TYPE_CHECKING:
    from api.context import Context


class DelegationByIdLoader(ByIdLoader[DutyDelegation]):
    model = DutyDelegation

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return delegations_visible(reach)


class DistrictDefaultByIdLoader(ByIdLoader[DistrictFrequencyDefault]):
    model = DistrictFrequencyDefault

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return defaults_visible(reach)


class DelegationsByRecordLoader(DataLoader[int, list[DutyDelegation]]):
    """The delegations (you may see) to a record's recorder in force on its act's date."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, keys: Sequence[int]) -> list[list[DutyDelegation]]:
        async with self.ctx.db() as session:
            found = await delegations_of_records(session, keys, delegations_visible(self.ctx.reach))
        return [found.get(k, []) for k in keys]


class CountedForByRecordLoader(DataLoader[int, list[Obligation]]):
    """The obligations each record counted for, among those of posts whose duties you may
    read: one engine run for the batch."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, keys: Sequence[int]) -> list[list[Obligation]]:
        visible: Any = self.ctx.reach.scopes(Resource.DUTY).post_clause()
        async with self.ctx.db() as session:
            found = await counted_for(session, keys, visible, self.ctx.today)
        return [found.get(k, []) for k in keys]


class DelegationLoaders:
    def __init__(self, ctx: Context) -> None:
        self.by_id = DelegationByIdLoader(ctx)
        self.district_default_by_id = DistrictDefaultByIdLoader(ctx)
        self.by_record = DelegationsByRecordLoader(ctx)
        self.counted_for = CountedForByRecordLoader(ctx)
