"""District frequency defaults (区默认频次) as the API shows and changes them: a district's
admins give a duty whose frequency is a default (园区自定) their district's own rule,
effective from a date; corrections and withdrawals are new rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from api.actors import actor
from api.connection import Connection, root_connection
from api.context import Context, Info
from api.duties.types import FrequencyRule
from api.errors import UserError, mutate, present
from api.guard import unit_domain_of
from api.ids import decode_id, try_decode_id
from api.nodes import LoadedNode
from api.refs import Actor, actor_of
from api.tree.types import OrgUnit
from authz.catalogue import Action, Resource
from authz.visibility.district_defaults import defaults_visible
from authz.visibility.duties import lists_visible
from domain.duties.defaults import reads, service
from domain.duties.defaults.models import DistrictFrequencyDefault as DefaultRow
from domain.duties.models import DutyList
from domain.duties.rules import parse_rule
from domain.errors import not_found
from domain.rows import has_row, row_by_id

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

TYPE_NAME = "DistrictFrequencyDefault"


@strawberry.type(
    name="DistrictFrequencyDefault",
    description="区默认频次 — A district's own frequency for a duty whose frequency is a default (园区自定), "
    "from a date; corrections and withdrawals are new rows pointing at what they replace",
)
class DistrictFrequencyDefault(LoadedNode[DefaultRow]):
    id: relay.NodeID[int]
    item_key: str = strawberry.field(description="职责编号 — The duty's key (in every list of the district)")
    effective_from: date = strawberry.field(
        description="生效日期 — Periods starting on or after this day use it"
    )
    note: str | None = strawberry.field(description="说明 — Why it was set, corrected or withdrawn")
    withdrawn: bool = strawberry.field(description="撤回 — This row withdraws the default it corrects")
    created_at: datetime = strawberry.field(description="设定时间 — When it was written")
    row: strawberry.Private[DefaultRow]

    @classmethod
    def from_row(cls, row: DefaultRow) -> DistrictFrequencyDefault:
        return cls(
            id=row.id,
            item_key=row.item_key,
            effective_from=row.effective_from,
            note=row.note,
            withdrawn=row.withdrawn,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, DefaultRow | None]:
        return loaders.duties.delegations.district_default_by_id

    @strawberry.field(description="频次规则 — The district's rule (basis 园区自定)")
    def rule(self) -> FrequencyRule:
        return FrequencyRule.of(parse_rule(self.row.rule))

    @strawberry.field(description="更正对象 — Global ID of the default this row corrects or withdraws")
    def corrects_id(self) -> relay.GlobalID | None:
        return relay.GlobalID(TYPE_NAME, str(self.row.corrects_id)) if self.row.corrects_id else None

    @strawberry.field(description="区 — The district")
    async def district(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.district_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="设定人 — The person or client that wrote it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)


@strawberry.input(
    description="设定区默认频次 — Set a district's frequency for a duty whose frequency is a default"
)
class SetDistrictFrequencyDefaultInput:
    district_id: relay.GlobalID = strawberry.field(description="区 — A district you administer")
    duty_item_id: relay.GlobalID = strawberry.field(
        description="职责 — A duty (of a catalogue template or a list) whose frequency is 园区自定; "
        "the default applies to the duties of its key in every list of the district"
    )
    rule: JSON = strawberry.field(
        description="频次规则 — The district's rule (as createDutyList takes it), with the duty's "
        "record kinds"
    )
    effective_from: date = strawberry.field(description="生效日期 — Today or later")
    note: str | None = strawberry.field(default=None, description="说明 — Why")
    corrects_id: relay.GlobalID | None = strawberry.field(
        default=None, description="更正 — A default not yet in effect that this one replaces"
    )


@strawberry.input(description="撤回区默认频次 — Withdraw a district default not yet in effect")
class WithdrawDistrictFrequencyDefaultInput:
    default_id: relay.GlobalID = strawberry.field(description="区默认频次 — The default")
    note: str | None = strawberry.field(default=None, description="原因 — Why")


@strawberry.type(description="区默认频次变更结果 — Result of a change to district defaults")
class DistrictFrequencyDefaultPayload:
    default: DistrictFrequencyDefault | None = strawberry.field(
        description="区默认频次 — The row written; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: DefaultRow | None, errors: list[UserError]) -> DistrictFrequencyDefaultPayload:
        return cls(default=present(DistrictFrequencyDefault.from_row, row), user_errors=errors)


async def _administered(ctx: Context, session: AsyncSession, district_id: int, field: str) -> str:
    """Duty-write on the district; any other district is one that does not exist."""
    domain = await unit_domain_of(session, district_id)
    if domain is None or not ctx.can(Resource.DUTY, Action.WRITE, domain):
        raise not_found(field, "区", "District")
    return domain


@strawberry.type
class DistrictDefaultsMutation:
    @strawberry.mutation(
        description="设定区默认频次 — Give a duty whose frequency is 园区自定 your district's own rule "
        "from a date (periods begun before it keep the old); with correctsId, replace a default not "
        "yet in effect"
    )
    async def set_district_frequency_default(
        self, info: Info, input: SetDistrictFrequencyDefaultInput
    ) -> DistrictFrequencyDefaultPayload:
        async def work(session: AsyncSession) -> DefaultRow:
            district_id = decode_id(input.district_id, "OrgUnit", "districtId")
            item_id = decode_id(input.duty_item_id, "DutyItem", "dutyItemId")
            corrects = decode_id(input.corrects_id, TYPE_NAME, "correctsId") if input.corrects_id else None
            domain = await _administered(info.context, session, district_id, "districtId")
            list_id = await reads.list_of_item(session, item_id)
            if list_id is None or not await has_row(
                session, DutyList, list_id, lists_visible(info.context.reach)
            ):
                raise not_found("dutyItemId", "职责", "Duty")
            return await service.set_district_default(
                session,
                district_id=district_id,
                item_id=item_id,
                rule=input.rule,
                effective_from=input.effective_from,
                note=input.note,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
                corrects_id=corrects,
            )

        return await mutate(info, work, DistrictFrequencyDefaultPayload.of)

    @strawberry.mutation(
        description="撤回区默认频次 — Withdraw a district default not yet in effect, by a new row "
        "pointing at it"
    )
    async def withdraw_district_frequency_default(
        self, info: Info, input: WithdrawDistrictFrequencyDefaultInput
    ) -> DistrictFrequencyDefaultPayload:
        async def work(session: AsyncSession) -> DefaultRow:
            default_id = decode_id(input.default_id, TYPE_NAME, "defaultId")
            row = await row_by_id(session, DefaultRow, default_id, defaults_visible(info.context.reach))
            if row is None:
                raise not_found("defaultId", "区默认频次", "District default")
            domain = await _administered(info.context, session, row.district_id, "defaultId")
            return await service.withdraw_district_default(
                session,
                default_id=default_id,
                note=input.note,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, DistrictFrequencyDefaultPayload.of)


@strawberry.type
class DistrictDefaultsQuery:
    @strawberry.field(
        description="区默认频次列表 — District frequency defaults you may read (of your district and those "
        "above your units), in force only unless includeHistory"
    )
    async def district_frequency_defaults(
        self,
        info: Info,
        district_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="区 — Only this district")
        ] = None,
        item_key: Annotated[
            str | None, strawberry.argument(description="职责编号 — Only this duty key")
        ] = None,
        include_history: Annotated[
            bool, strawberry.argument(description="含历史 — Also corrected and withdrawn rows")
        ] = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DistrictFrequencyDefault]:
        district = try_decode_id(district_id, "OrgUnit") if district_id is not None else None
        stmt = reads.district_defaults(
            defaults_visible(info.context.reach),
            district_id=district if district_id is None or district is not None else -1,
            item_key=item_key,
            include_history=include_history,
        )
        return await root_connection(
            info, stmt, reads.DEFAULT_ORDER, DistrictFrequencyDefault.from_row, first, after
        )
