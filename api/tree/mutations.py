from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.context import Info
from api.errors import UserError, mutate, present
from api.guard import write_root, write_unit
from api.ids import decode_id
from api.tree.types import OrgUnit
from domain.actors import Actor
from domain.audit.service import record, row_snapshot
from domain.inputs import UNSET
from domain.tree import service
from domain.tree.kinds import RiskClass, Trade, UnitKind
from domain.tree.models import OrgUnit as OrgUnitRow


async def snapshot_of(session: AsyncSession, unit_id: int) -> dict[str, Any] | None:
    row = await session.get(OrgUnitRow, unit_id)
    return row_snapshot(row) if row else None


async def audited(
    session: AsyncSession, who: Actor, action: str, unit: OrgUnitRow, before: dict[str, Any] | None
) -> None:
    await record(
        session,
        action=action,
        target_type="OrgUnit",
        target_id=unit.id,
        domain=unit.path,
        before=before,
        after=row_snapshot(unit),
        actor=who,
    )


def _given(value: Any) -> Any:
    """Strawberry's 'not given' becomes the domain's."""
    return UNSET if value is strawberry.UNSET else value


@strawberry.input(description="企业信息 — Enterprise attributes")
class EnterpriseInput:
    credit_code: str = strawberry.field(
        description="统一社会信用代码 — Unified social credit code (18 characters)"
    )
    trade: Trade = strawberry.field(description="行业 — Trade")
    staff_count: int = strawberry.field(description="从业人数 — Staff count")
    placarded: bool = strawberry.field(default=False, description="挂牌 — Key supervised unit with a placard")
    high_risk: bool | None = strawberry.field(
        default=None, description="高危行业 — High-risk; omitted: decided by the trade"
    )
    risk_class: RiskClass | None = strawberry.field(default=None, description="企业分类 — A/B/C/D class")


@strawberry.input(description="企业信息修改 — Changes to enterprise attributes; omitted fields stay")
class EnterpriseChangesInput:
    credit_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="统一社会信用代码 — Credit code"
    )
    trade: Trade | None = strawberry.field(default=strawberry.UNSET, description="行业 — Trade")
    staff_count: int | None = strawberry.field(default=strawberry.UNSET, description="从业人数 — Staff count")
    placarded: bool | None = strawberry.field(default=strawberry.UNSET, description="挂牌 — Placarded")
    high_risk: bool | None = strawberry.field(default=strawberry.UNSET, description="高危行业 — High-risk")
    risk_class: RiskClass | None = strawberry.field(
        default=strawberry.UNSET, description="企业分类 — A/B/C/D class; null removes it"
    )


@strawberry.input(description="新建单元 — A new organisation unit")
class CreateUnitInput:
    kind: UnitKind = strawberry.field(description="单元类型 — Kind of unit")
    code: str = strawberry.field(description="编码 — Code, unique among siblings")
    name: str = strawberry.field(description="名称 — Name")
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="上级单元 — Parent unit; omitted only for a district"
    )
    enterprise: EnterpriseInput | None = strawberry.field(
        default=None, description="企业信息 — Required for an enterprise, refused for other kinds"
    )


@strawberry.input(description="修改单元 — Changes to a unit; omitted fields stay as they are")
class UpdateUnitInput:
    id: relay.GlobalID = strawberry.field(description="单元 — The unit")
    version: int = strawberry.field(description="版本 — The version the changes were made against")
    code: str | None = strawberry.field(default=strawberry.UNSET, description="编码 — New code")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="名称 — New name")
    enterprise: EnterpriseChangesInput | None = strawberry.field(
        default=None, description="企业信息 — Changes to enterprise attributes"
    )


@strawberry.input(description="移动单元 — Hang a unit (and its subtree) under another parent")
class MoveUnitInput:
    id: relay.GlobalID = strawberry.field(description="单元 — The unit to move")
    version: int = strawberry.field(description="版本 — The version the move was decided against")
    new_parent_id: relay.GlobalID = strawberry.field(description="新上级 — The new parent")


@strawberry.input(description="撤销单元 — Archive a unit; it stays in history and lookups")
class ArchiveUnitInput:
    id: relay.GlobalID = strawberry.field(description="单元 — The unit to archive")
    version: int = strawberry.field(description="版本 — The version the decision was made against")


@strawberry.type(description="单元变更结果 — Result of a change to a unit")
class UnitPayload:
    unit: OrgUnit | None = strawberry.field(description="单元 — The unit as it is now; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: OrgUnitRow | None, errors: list[UserError]) -> UnitPayload:
        return cls(unit=present(OrgUnit.from_row, row), user_errors=errors)


@strawberry.type
class TreeMutation:
    @strawberry.mutation(description="新建单元 — Create a district, park, department or enterprise")
    async def create_unit(self, info: Info, input: CreateUnitInput) -> UnitPayload:
        async def work(session: AsyncSession) -> OrgUnitRow:
            parent_id = decode_id(input.parent_id, "OrgUnit", "parentId") if input.parent_id else None
            ent = None
            if input.enterprise is not None:
                e = input.enterprise
                ent = service.EnterpriseAttrs(
                    credit_code=e.credit_code,
                    trade=e.trade,
                    staff_count=e.staff_count,
                    placarded=e.placarded,
                    high_risk=e.high_risk,
                    risk_class=e.risk_class,
                )
            ctx = info.context
            if parent_id is None:
                write_root(ctx, "parentId")
            else:
                await write_unit(ctx, session, parent_id, "parentId")
            unit = await service.create_unit(
                session,
                kind=input.kind,
                code=input.code,
                name=input.name,
                parent_id=parent_id,
                enterprise=ent,
                today=info.context.today,
            )
            await audited(session, actor(info.context), "tree.create_unit", unit, None)
            return unit

        return await mutate(info, work, UnitPayload.of)

    @strawberry.mutation(description="修改单元 — Rename, recode or change enterprise attributes")
    async def update_unit(self, info: Info, input: UpdateUnitInput) -> UnitPayload:
        async def work(session: AsyncSession) -> OrgUnitRow:
            changes = None
            if input.enterprise is not None:
                e = input.enterprise
                changes = service.EnterpriseChanges(
                    credit_code=_given(e.credit_code),
                    trade=_given(e.trade),
                    staff_count=_given(e.staff_count),
                    placarded=_given(e.placarded),
                    high_risk=_given(e.high_risk),
                    risk_class=_given(e.risk_class),
                )
            unit_id = decode_id(input.id, "OrgUnit", "id")
            await write_unit(info.context, session, unit_id, "id")
            before = await snapshot_of(session, unit_id)
            unit = await service.update_unit(
                session,
                unit_id=unit_id,
                version=input.version,
                code=_given(input.code),
                name=_given(input.name),
                enterprise=changes,
                today=info.context.today,
            )
            await audited(session, actor(info.context), "tree.update_unit", unit, before)
            return unit

        return await mutate(info, work, UnitPayload.of)

    @strawberry.mutation(description="移动单元 — Move a unit and its subtree under a new parent")
    async def move_unit(self, info: Info, input: MoveUnitInput) -> UnitPayload:
        async def work(session: AsyncSession) -> OrgUnitRow:
            unit_id = decode_id(input.id, "OrgUnit", "id")
            new_parent_id = decode_id(input.new_parent_id, "OrgUnit", "newParentId")
            await write_unit(info.context, session, unit_id, "id")
            await write_unit(info.context, session, new_parent_id, "newParentId")
            before = await snapshot_of(session, unit_id)
            unit = await service.move_unit(
                session, unit_id=unit_id, version=input.version, new_parent_id=new_parent_id
            )
            await audited(session, actor(info.context), "tree.move_unit", unit, before)
            return unit

        return await mutate(info, work, UnitPayload.of)

    @strawberry.mutation(description="撤销单元 — Archive a unit that has no active children or holders")
    async def archive_unit(self, info: Info, input: ArchiveUnitInput) -> UnitPayload:
        async def work(session: AsyncSession) -> OrgUnitRow:
            unit_id = decode_id(input.id, "OrgUnit", "id")
            await write_unit(info.context, session, unit_id, "id")
            before = await snapshot_of(session, unit_id)
            unit = await service.archive_unit(
                session, unit_id=unit_id, version=input.version, today=info.context.today
            )
            await audited(session, actor(info.context), "tree.archive_unit", unit, before)
            return unit

        return await mutate(info, work, UnitPayload.of)
