"""Deadlines: extensions asked for and decided, and the escalation of overdue major hazards
to the park, then the district."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM, Actor
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.hazards.models import Hazard, HazardEvent, HazardNotice
from domain.hazards.service.history import DISTRICT_AFTER_DAYS, ESCALATION, record_event
from domain.hazards.states import (
    OPEN_STATES,
    EventKind,
    Grade,
    HazardState,
)
from domain.inputs import clean_text
from domain.scoring.maintain import refresh_hazard_units
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit


async def pending_extension(session: AsyncSession, hazard_id: int) -> HazardEvent | None:
    """The latest extension request, if no decision followed it."""
    kinds = (EventKind.EXTENSION_REQUESTED, EventKind.EXTENSION_APPROVED, EventKind.EXTENSION_REFUSED)
    last = await session.scalar(
        select(HazardEvent)
        .where(HazardEvent.hazard_id == hazard_id, HazardEvent.kind.in_([k.value for k in kinds]))
        .order_by(HazardEvent.id.desc())
        .limit(1)
    )
    return last if last is not None and last.kind == EventKind.EXTENSION_REQUESTED else None


async def request_extension(
    session: AsyncSession, *, hazard: Hazard, deadline: date, reason: str | None, actor: Actor
) -> Hazard:
    """The rectifying side asks for a later deadline, with a reason; the supervising side
    decides. Both deadlines stay in the history."""
    if hazard.state != HazardState.RECTIFYING or hazard.deadline is None:
        raise DomainError.one(
            ErrorCode.INVALID_TRANSITION,
            "hazardId",
            "只有整改中的隐患可以申请延期",
            "Only a hazard under rectification, with a deadline, may ask for more time",
        )
    if await pending_extension(session, hazard.id) is not None:
        raise DomainError.one(
            ErrorCode.CONFLICT,
            "hazardId",
            "已有待审批的延期申请",
            "An extension request is already waiting for a decision",
        )
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="延期理由", label_en="Reason", max_length=4000
    )
    if deadline <= hazard.deadline:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "deadline",
            "延期后的时限须晚于现有时限",
            "must be after the current deadline",
        )
    errors.raise_if_any()
    await record_event(
        session,
        hazard,
        EventKind.EXTENSION_REQUESTED,
        actor,
        hazard.state,
        note=clean_reason,
        data={"from": hazard.deadline.isoformat(), "to": deadline.isoformat()},
    )
    return hazard


async def decide_extension(
    session: AsyncSession, *, hazard: Hazard, approve: bool, note: str | None, actor: Actor
) -> Hazard:
    request = await pending_extension(session, hazard.id)
    if request is None or hazard.state != HazardState.RECTIFYING:
        raise DomainError.one(
            ErrorCode.INVALID_TRANSITION,
            "hazardId",
            "没有待审批的延期申请",
            "There is no extension request to decide",
        )
    if request.actor == actor.subject:
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            "hazardId",
            "申请人不能审批自己的延期申请",
            "The requester may not decide their own request",
        )
    errors = ErrorCollector()
    clean_note = clean_text(
        errors, "note", note, label_zh="审批意见", label_en="Note", max_length=4000, required=not approve
    )
    errors.raise_if_any()
    assert request.data is not None
    data = {"requestId": request.id, "from": request.data["from"], "to": request.data["to"]}
    if approve:
        hazard.deadline = date.fromisoformat(request.data["to"])
        hazard.version += 1
        await session.flush()
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
    await record_event(session, hazard, kind, actor, hazard.state, note=clean_note, data=data)
    await refresh_hazard_units(session, None, [hazard.unit_id])
    return hazard


async def escalate_overdue(session: AsyncSession, today: date) -> int:
    """Escalate every open major hazard past its deadline: to the park, then (after
    DISTRICT_AFTER_DAYS more days) to the district, each once, with a notice and a history
    entry. Returns the number of escalations written; running it again writes none."""
    overdue = (
        await session.scalars(
            select(Hazard)
            .where(
                Hazard.grade == Grade.MAJOR.value,
                Hazard.state.in_([s.value for s in OPEN_STATES]),
                Hazard.deadline < today,
            )
            .order_by(Hazard.id)
            .with_for_update()
        )
    ).all()
    if not overdue:
        return 0
    done = {
        (h, u)
        for h, u in (
            await session.execute(
                select(HazardNotice.hazard_id, HazardNotice.unit_id).where(
                    HazardNotice.kind == ESCALATION, HazardNotice.hazard_id.in_([h.id for h in overdue])
                )
            )
        ).all()
    }
    units = {
        u.id: u
        for u in (
            await session.scalars(select(OrgUnit).where(OrgUnit.id.in_({h.unit_id for h in overdue})))
        ).all()
    }
    ancestor_ids = {a for u in units.values() for a in u.ancestor_ids}
    ancestors = {
        a.id: a for a in (await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ancestor_ids)))).all()
    }
    written = 0
    system = SYSTEM
    for hazard in overdue:
        assert hazard.deadline is not None
        chain = [ancestors[a] for a in units[hazard.unit_id].ancestor_ids if a in ancestors]
        levels = [(UnitKind.PARK, 0), (UnitKind.DISTRICT, DISTRICT_AFTER_DAYS)]
        for kind, after in levels:
            target = next((a for a in chain if a.kind == kind.value), None)
            if target is None or (hazard.id, target.id) in done or (today - hazard.deadline).days <= after:
                continue
            session.add(HazardNotice(hazard_id=hazard.id, unit_id=target.id, kind=ESCALATION))
            await record_event(
                session,
                hazard,
                EventKind.ESCALATED,
                system,
                hazard.state,
                note=f"重大事故隐患逾期未销号，升级至{target.name}",
                data={"unitId": target.id, "level": kind.value, "deadline": hazard.deadline.isoformat()},
            )
            written += 1
    return written
