"""Recording a delegation and withdrawing it. Who may record one is the API's business (the
post's holder on every day of it, or someone with duty-write at the post's unit); these
services check the delegation itself."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.corrections import is_corrected
from domain.duties.delegations.models import DutyDelegation, effective_delegation
from domain.duties.delegations.reading import covers, park_path, posts_under, tenures
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.duties.rules import parse_rule
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.people.models import Person
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment
from domain.scoring.maintain import track
from domain.tree.models import OrgUnit

# The longest delegation: a year (a quarterly duty's four quarters).
MAX_DELEGATION_DAYS = 366


async def delegate_duty(
    session: AsyncSession,
    *,
    post: Post,
    item_id: int,
    delegate_person_id: int,
    start: date,
    end: date,
    note: str | None,
    actor: Actor,
    domain: str,
    today: date,
) -> DutyDelegation:
    """Entrust the duty `item_id` (its list and key) of `post` to a person for [start, end].

    The duty must be delegable (its rule says so) and on a list the post carries; the
    delegate must not hold the post then, and must hold a post in the same park (the
    document's 分管负责人 is a leader of the park) on every day of the delegation; a duty
    is entrusted to one person at a time."""
    errors = ErrorCollector()
    clean_note = clean_text(
        errors, "note", note, label_zh="说明", label_en="Note", max_length=2000, required=False
    )
    if end < start:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            "结束日期不能早于开始日期",
            "must not be before the start",
        )
    elif (end - start).days >= MAX_DELEGATION_DAYS:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            f"一次委托最长{MAX_DELEGATION_DAYS}天",
            f"a delegation lasts at most {MAX_DELEGATION_DAYS} days",
        )
    found = (
        await session.execute(
            select(DutyItem.rule, DutyItem.key, DutyList.id, DutyList.post_kinds, OrgUnit.path)
            .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
            .join(DutyList, DutyList.id == DutyListVersion.list_id)
            .outerjoin(OrgUnit, OrgUnit.id == DutyList.unit_id)
            .where(DutyItem.id == item_id)
        )
    ).first()
    unit_path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == post.unit_id))
    assert unit_path is not None
    list_id, item_key = 0, ""
    if found is None:
        errors.add(ErrorCode.NOT_FOUND, "dutyItemId", "职责不存在", "Duty item does not exist")
    else:
        rule, item_key, list_id, post_kinds, list_path = found
        if list_path is None or post.kind not in post_kinds or not unit_path.startswith(list_path):
            errors.add(
                ErrorCode.INVALID_VALUE,
                "dutyItemId",
                "该岗位不承担这项职责",
                "The post does not carry this duty",
            )
        elif rule is None or not parse_rule(rule).delegable:
            errors.add(
                ErrorCode.NOT_DELEGABLE,
                "dutyItemId",
                "该职责须由岗位人员本人履行，文件未规定可以委托",
                "The documents do not let the holder entrust this duty to someone else",
            )
    if await session.get(Person, delegate_person_id) is None:
        errors.add(ErrorCode.NOT_FOUND, "delegateId", "人员不存在", "Person does not exist")
    errors.raise_if_any()
    await _check_delegate(session, post, unit_path, delegate_person_id, start, end)
    overlapping = await session.scalar(
        select(DutyDelegation.id).where(
            effective_delegation(),
            DutyDelegation.post_id == post.id,
            DutyDelegation.list_id == list_id,
            DutyDelegation.item_key == item_key,
            DutyDelegation.end_date >= start,
            DutyDelegation.start_date <= end,
        )
    )
    if overlapping is not None:
        raise DomainError.one(
            ErrorCode.OVERLAPPING_DELEGATION,
            "startDate",
            "这些日期内该职责已委托他人，请先撤回原委托",
            "The duty is already delegated on some of these days; withdraw that delegation first",
        )
    row = DutyDelegation(
        post_id=post.id,
        list_id=list_id,
        item_key=item_key,
        delegate_person_id=delegate_person_id,
        start_date=start,
        end_date=end,
        note=clean_note,
        withdrawn=False,
        created_by=actor.subject,
        created_by_person_id=actor.person_id,
    )
    async with track(session, today, posts=[post.id], persons=[delegate_person_id], days=[start, end]):
        return await insert_audited(session, row, "delegation.create", domain, actor=actor)


async def _check_delegate(
    session: AsyncSession, post: Post, unit_path: str, person_id: int, start: date, end: date
) -> None:
    if await session.scalar(
        select(Assignment.id).where(
            Assignment.post_id == post.id,
            Assignment.person_id == person_id,
            effective_assignment(),
            assignment_overlaps(start, end),
        )
    ):
        raise DomainError.one(
            ErrorCode.DELEGATE_NOT_ELIGIBLE,
            "delegateId",
            "受托人在这些日期内本身在该岗位，无需委托",
            "The delegate holds the post on some of these days",
        )
    park = await park_path(session, unit_path)
    if not covers(await tenures(session, person_id, posts_under(park), start, end), start, end):
        raise DomainError.one(
            ErrorCode.DELEGATE_NOT_ELIGIBLE,
            "delegateId",
            "受托人须在委托期间每一天都在同一园区担任岗位（文件规定委托分管负责人）",
            "The delegate must hold a post in the same park on every day of the delegation "
            "(the documents name a leader in charge)",
        )


async def withdraw_delegation(
    session: AsyncSession,
    *,
    delegation: DutyDelegation,
    reason: str | None,
    actor: Actor,
    domain: str,
    today: date,
) -> DutyDelegation:
    """A new row that withdraws the delegation: the delegate's records count no more."""
    if delegation.withdrawn or await is_corrected(session, DutyDelegation, delegation.id):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "delegationId", "该委托已撤回", "The delegation was already withdrawn"
        )
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="撤回原因", label_en="Reason", max_length=2000
    )
    errors.raise_if_any()
    row = DutyDelegation(
        post_id=delegation.post_id,
        list_id=delegation.list_id,
        item_key=delegation.item_key,
        delegate_person_id=delegation.delegate_person_id,
        start_date=delegation.start_date,
        end_date=delegation.end_date,
        note=delegation.note,
        corrects_id=delegation.id,
        withdrawn=True,
        reason=clean_reason,
        created_by=actor.subject,
        created_by_person_id=actor.person_id,
    )
    days = [delegation.start_date, delegation.end_date]
    async with track(
        session, today, posts=[delegation.post_id], persons=[delegation.delegate_person_id], days=days
    ):
        return await insert_audited(session, row, "delegation.withdraw", domain, actor=actor)


async def delegation_by_id(session: AsyncSession, delegation_id: int) -> DutyDelegation:
    row = await session.get(DutyDelegation, delegation_id)
    if row is None:
        raise not_found("delegationId", "委托", "Delegation")
    return row
