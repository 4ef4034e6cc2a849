"""Critical periods (holidays, accidents, inspections from above) declared for a unit and its
subtree: declared once, corrected or withdrawn by new rows that point at what they
replace."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.corrections import is_corrected
from domain.duties.models import (
    CriticalPeriod,
)
from domain.duties.rules import EventKind
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.scoring.maintain import posts_near, track


async def declare_critical_period(
    session: AsyncSession,
    *,
    unit_id: int,
    kind: str,
    title: str,
    start: date,
    end: date,
    actor: Actor,
    domain: str,
    corrects: CriticalPeriod | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> CriticalPeriod:
    errors = ErrorCollector()
    try:
        EventKind(kind)
    except ValueError:
        errors.add(
            ErrorCode.INVALID_VALUE, "kind", "未知的特殊时期类型", f"Unknown critical period kind {kind}"
        )
    clean_title = clean_text(errors, "title", title, label_zh="名称", label_en="Title", max_length=200)
    if end < start:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            "结束日期不能早于开始日期",
            "must not be before the start",
        )
    elif (end - start).days > 366:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            "特殊时期不能超过一年",
            "a critical period lasts at most a year",
        )
    errors.raise_if_any()
    units = [unit_id, corrects.unit_id if corrects else unit_id]
    days = [start, end, *((corrects.start_date, corrects.end_date) if corrects else ())]
    async with track(session, today, posts=await posts_near(session, units), days=days):
        return await _declare(
            session, unit_id, kind, clean_title, start, end, actor, domain, corrects, reason
        )


async def _declare(
    session: AsyncSession,
    unit_id: int,
    kind: str,
    clean_title: str | None,
    start: date,
    end: date,
    actor: Actor,
    domain: str,
    corrects: CriticalPeriod | None,
    reason: str | None,
) -> CriticalPeriod:
    return await insert_audited(
        session,
        CriticalPeriod(
            unit_id=unit_id,
            kind=kind,
            title=clean_title or "",
            start_date=start,
            end_date=end,
            created_by=actor.subject,
            corrects_id=corrects.id if corrects else None,
            reason=reason,
        ),
        "critical_period.declare",
        domain,
        actor=actor,
    )


async def withdraw_critical_period(
    session: AsyncSession,
    *,
    period_id: int,
    reason: str | None,
    actor: Actor,
    domain: str,
    today: date | None = None,
) -> CriticalPeriod:
    original = await session.get(CriticalPeriod, period_id)
    if original is None:
        raise not_found("periodId", "特殊时期", "Critical period")
    if original.withdrawn or await is_corrected(session, CriticalPeriod, period_id):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "periodId", "该特殊时期已撤回或更正", "Already withdrawn or corrected"
        )
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="撤回原因", label_en="Reason", max_length=2000
    )
    errors.raise_if_any()
    posts = await posts_near(session, [original.unit_id])
    async with track(session, today, posts=posts, days=[original.start_date, original.end_date]):
        return await _withdraw_period(session, original, actor, domain, clean_reason)


async def _withdraw_period(
    session: AsyncSession, original: CriticalPeriod, actor: Actor, domain: str, clean_reason: str | None
) -> CriticalPeriod:
    return await insert_audited(
        session,
        CriticalPeriod(
            unit_id=original.unit_id,
            kind=original.kind,
            title=original.title,
            start_date=original.start_date,
            end_date=original.end_date,
            created_by=actor.subject,
            corrects_id=original.id,
            withdrawn=True,
            reason=clean_reason,
        ),
        "critical_period.withdraw",
        domain,
        actor=actor,
    )
