"""The door of `attachEvidenceFiles`: the subject a global ID names, if the caller may add
evidence to it (api/guard.py's conventions: a subject the caller may not read is NOT_FOUND,
one they may read but not change FORBIDDEN), with the domain its audit entries go to. The
rules of when and by whom are `domain.files.attachments`'."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Context
from api.guard import forbidden
from api.ids import decode_id
from authz import objects
from authz.catalogue import Action, Resource
from authz.domains import parent_domain
from authz.visibility.duties import records_visible
from authz.visibility.hazards import hazards_visible, tip_offs_visible
from domain.actors import Actor
from domain.duties.models import DutyRecord
from domain.errors import DomainError, ErrorCode, not_found
from domain.files import attachments
from domain.files.models import EvidenceStage
from domain.hazards import service
from domain.hazards.models import Hazard, HazardPlan, TipOff
from domain.rows import has_row, row_by_id

FIELD = ("subject",)
STAGE = ("stage",)


async def target_of(
    ctx: Context, session: AsyncSession, subject: relay.GlobalID, stage: EvidenceStage | None, actor: Actor
) -> tuple[attachments.Target, str]:
    """The target of the files and its domain, or the refusal."""
    kind = subject.type_name
    if kind == "DutyRecord":
        return await _record(ctx, session, decode_id(subject, kind, FIELD), stage, actor)
    if kind == "Hazard":
        return await _hazard(ctx, session, decode_id(subject, kind, FIELD), stage, actor)
    if kind == "HazardPlan":
        return await _plan(ctx, session, decode_id(subject, kind, FIELD), stage)
    if kind == "TipOff":
        tip_id = decode_id(subject, kind, FIELD)
        if not await has_row(session, TipOff, tip_id, tip_offs_visible(ctx.reach)):
            raise not_found(FIELD, "举报", "Tip-off")
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            FIELD,
            "举报的材料只能由举报人随举报一并提交",
            "A tip-off's files come only with it, from its reporter",
        )
    raise DomainError.one(
        ErrorCode.NOT_FOUND,
        FIELD,
        "该编号不是可附加证据的对象",
        "This ID names nothing evidence is attached to",
    )


def _no_stage(stage: EvidenceStage | None) -> None:
    if stage is not None:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE, STAGE, "只有隐患的证据分阶段", "Only a hazard's evidence has a stage"
        )


async def _record(
    ctx: Context, session: AsyncSession, record_id: int, stage: EvidenceStage | None, actor: Actor
) -> tuple[attachments.Target, str]:
    record = await row_by_id(session, DutyRecord, record_id, records_visible(ctx.reach))
    if record is None:
        raise not_found(FIELD, "履职记录", "Record")
    _no_stage(stage)
    target = await attachments.check_record(session, record, actor, FIELD)
    if record.exempt_post_id is not None:
        domain = await objects.post_domain_of(session, record.exempt_post_id)
        assert domain is not None
        return target, domain
    return target, await objects.record_domain(session, record_id)


async def _hazard(
    ctx: Context, session: AsyncSession, hazard_id: int, stage: EvidenceStage | None, actor: Actor
) -> tuple[attachments.Target, str]:
    if not await has_row(session, Hazard, hazard_id, hazards_visible(ctx.reach)):
        raise not_found(FIELD, "隐患", "Hazard")
    if stage is None:
        raise DomainError.one(
            ErrorCode.REQUIRED, STAGE, "隐患的证据须指明阶段", "A hazard's evidence names its stage"
        )
    # Locked as the ledger's changes lock it: a stage is judged against the state it is in.
    hazard = await service.load_for_change(session, hazard_id)
    path = await objects.unit_path(session, hazard.unit_id)
    assert path is not None
    target = attachments.check_hazard(
        hazard,
        stage,
        actor,
        at_unit=ctx.can(Resource.HAZARD, Action.WRITE, path),
        above_unit=ctx.can(Resource.HAZARD, Action.WRITE, parent_domain(path)),
        field=FIELD,
        stage_field=STAGE,
    )
    return target, path


async def _plan(
    ctx: Context, session: AsyncSession, plan_id: int, stage: EvidenceStage | None
) -> tuple[attachments.Target, str]:
    plan = await session.get(HazardPlan, plan_id)
    if plan is None or not await has_row(session, Hazard, plan.hazard_id, hazards_visible(ctx.reach)):
        raise not_found(FIELD, "整改方案", "Hazard plan")
    _no_stage(stage)
    hazard = await service.load_for_change(session, plan.hazard_id)
    path = await objects.unit_path(session, hazard.unit_id)
    assert path is not None
    if not ctx.can(Resource.HAZARD, Action.WRITE, path):
        raise forbidden(FIELD, "整改方案", "Hazard plan")
    return await attachments.check_plan(session, plan, hazard, FIELD), path
