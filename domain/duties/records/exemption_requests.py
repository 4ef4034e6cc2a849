"""Exemptions: a request is a record of kind EXEMPTION naming the duty and the dates it
asks to be excused from; a holder of a post in charge decides it, never its recorder."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.corrections import is_corrected
from domain.duties.models import (
    EXEMPTION,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordUnit,
    ExemptionDecision,
)
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.posts.models import Post
from domain.scoring.maintain import track


async def list_item_keys(session: AsyncSession, list_id: int) -> set[str]:
    return set(
        (
            await session.scalars(
                select(DutyItem.key)
                .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
                .where(DutyListVersion.list_id == list_id)
            )
        ).all()
    )


async def request_exemption(
    session: AsyncSession,
    *,
    post: Post | None,
    person_id: int | None,
    list_id: int,
    item_key: str,
    start: date,
    end: date,
    reason: str | None,
    recorder: Actor,
    unit_id: int,
    domain: str,
    today: date,
) -> DutyRecord:
    """Ask that an obligation (of a post, or of a person for per-holder duties) be not
    applicable from `start` to `end`, for a reason (a closed enterprise, a vacant post)."""
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="豁免理由", label_en="Reason", max_length=2000
    )
    if end < start:
        errors.add(ErrorCode.INVALID_DATE_RANGE, "to", "结束日期不能早于开始日期", "must not be before from")
    lst = await session.get(DutyList, list_id)
    if lst is None:
        errors.add(ErrorCode.NOT_FOUND, "itemId", "职责不存在", "Duty item does not exist")
    elif post is not None and post.kind not in lst.post_kinds:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "postId",
            "该岗位不承担这份清单",
            "The post does not carry this duty list",
        )
    elif item_key not in await list_item_keys(session, list_id):
        errors.add(ErrorCode.NOT_FOUND, "itemId", "职责不存在", "Duty item does not exist")
    errors.raise_if_any()
    record = DutyRecord(
        kind=EXEMPTION,
        performed_on=today,
        title="豁免申请",
        recorder=recorder.subject,
        recorder_person_id=recorder.person_id,
        agency_id=recorder.agency_id,
        participants=[],
        attachments=[],
        exempt_post_id=post.id if post else None,
        exempt_person_id=person_id,
        exempt_list_id=list_id,
        exempt_item_key=item_key,
        exempt_from=start,
        exempt_to=end,
        reason=clean_reason,
    )
    await insert_audited(session, record, "exemption.request", domain, actor=recorder)
    session.add(DutyRecordUnit(record_id=record.id, unit_id=unit_id))
    await session.flush()
    return record


async def decide_exemption(
    session: AsyncSession,
    *,
    record: DutyRecord,
    approved: bool,
    note: str | None,
    decider: Actor,
    holder_ids: set[int],
    domain: str,
    today: date | None = None,
) -> ExemptionDecision:
    errors = ErrorCollector()
    clean_note = clean_text(
        errors, "note", note, label_zh="审批意见", label_en="Note", max_length=2000, required=not approved
    )
    if record.kind != EXEMPTION:
        raise not_found("exemptionId", "豁免申请", "Exemption request")
    if record.withdrawn or await is_corrected(session, DutyRecord, record.id):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "exemptionId", "该申请已撤回", "The request was withdrawn"
        )
    if await session.scalar(select(ExemptionDecision.id).where(ExemptionDecision.record_id == record.id)):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "exemptionId", "该申请已审批", "The request was already decided"
        )
    if decider.subject == record.recorder or (
        decider.person_id is not None and decider.person_id in holder_ids
    ):
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            "exemptionId",
            "申请人或岗位责任人本人不能审批，须由上级审批",
            "The requester or the holder cannot approve; someone above them must",
        )
    errors.raise_if_any()
    async with track(
        session,
        today,
        persons=[record.exempt_person_id],
        posts=[record.exempt_post_id],
        days=[record.exempt_from, record.exempt_to],
    ):
        return await _decide(session, record, approved, clean_note, decider, domain)


async def _decide(
    session: AsyncSession,
    record: DutyRecord,
    approved: bool,
    clean_note: str | None,
    decider: Actor,
    domain: str,
) -> ExemptionDecision:
    return await insert_audited(
        session,
        ExemptionDecision(
            record_id=record.id,
            approved=approved,
            decided_by=decider.subject,
            decided_by_person_id=decider.person_id,
            note=clean_note,
        ),
        "exemption.decide",
        domain,
        actor=decider,
    )
