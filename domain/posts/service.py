"""Posts, 分管 charges and real-name assignments.

Overlap rules: a post that allows one holder has at most one effective assignment on any
day; nobody holds the same post twice on one day. The post row is locked (FOR UPDATE on
PostgreSQL; SQLite serialises writers) before the check, so two concurrent assignments of
one post cannot both pass it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.changes import mark_authz_dirty
from domain.clock import today_shanghai
from domain.corrections import is_corrected
from domain.db import utcnow
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found, stale
from domain.inputs import UNSET, Maybe, check_dates, clean_text
from domain.people.models import Person
from domain.posts.kinds import (
    ALLOWED_UNIT_KINDS,
    MAY_BE_IN_CHARGE,
    MULTI_HOLDER_BY_DEFAULT,
    POST_KIND_LABELS,
    RESPONSIBLE_KINDS,
    PostKind,
)
from domain.posts.models import (
    Assignment,
    Post,
    PostCharge,
    assignment_overlaps,
    effective_assignment,
)
from domain.scoring.maintain import added, track
from domain.tree.kinds import UNIT_KIND_LABELS
from domain.tree.models import OrgUnit


async def create_post(
    session: AsyncSession,
    *,
    unit_id: int,
    kind: PostKind,
    title: str | None = None,
    single_holder: bool | None = None,
    in_charge_of: Sequence[int] = (),
    today: date,
) -> Post:
    errors = ErrorCollector()
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise not_found("unitId", "组织单元", "Organisation unit")
    if unit.is_archived:
        raise DomainError.one(ErrorCode.ARCHIVED, "unitId", "单元已撤销", "The unit is archived")
    if unit.unit_kind not in ALLOWED_UNIT_KINDS[kind]:
        allowed = ALLOWED_UNIT_KINDS[kind]
        errors.add(
            ErrorCode.INVALID_POST_KIND,
            "kind",
            f"{POST_KIND_LABELS[kind]}岗位只能设在{'、'.join(UNIT_KIND_LABELS[k] for k in allowed)}",
            f"A {kind.value} post belongs to a {' or '.join(k.value.lower() for k in allowed)}",
        )
    clean_title = POST_KIND_LABELS[kind]
    if title is not None:
        clean_title = (
            clean_text(errors, "title", title, label_zh="岗位名称", label_en="Title", max_length=200)
            or clean_title
        )
    if kind in RESPONSIBLE_KINDS:
        if single_holder is False:
            errors.add(
                ErrorCode.INVALID_VALUE,
                "singleHolder",
                "三个责任人岗位只能由一人担任",
                "Each of the three responsible persons is one person",
            )
        exists = await session.scalar(
            select(Post.id).where(Post.unit_id == unit_id, Post.kind == kind.value).limit(1)
        )
        if exists is not None:
            errors.add(
                ErrorCode.DUPLICATE_POST,
                "kind",
                f"该企业已有{POST_KIND_LABELS[kind]}岗位",
                f"The enterprise already has a {kind.value} post",
            )
    charged_units = await check_charges(session, errors, unit, kind, in_charge_of)
    errors.raise_if_any()

    post = Post(
        unit_id=unit_id,
        kind=kind.value,
        title=clean_title,
        single_holder=single_holder if single_holder is not None else kind not in MULTI_HOLDER_BY_DEFAULT,
        version=1,
    )
    session.add(post)
    await session.flush()
    for charged in charged_units:
        session.add(PostCharge(post_id=post.id, unit_id=charged.id, start_date=today))
    await session.flush()
    await added(session, today, posts=[post.id], days=[today])
    return post


async def check_charges(
    session: AsyncSession,
    errors: ErrorCollector,
    unit: OrgUnit,
    kind: PostKind,
    in_charge_of: Sequence[int],
    field_of: Callable[[int], tuple[str, ...]] = lambda i: ("inChargeOfUnitIds", str(i)),
) -> list[OrgUnit]:
    """The units a post of `kind` at `unit` may be in charge of: below its unit, active.
    `field_of(i)` names the input field of the i-th unit in errors."""
    if not in_charge_of:
        return []
    if kind not in MAY_BE_IN_CHARGE:
        errors.add(
            ErrorCode.INVALID_CHARGE,
            field_of(0)[:1],
            f"{POST_KIND_LABELS[kind]}岗位不分管其他单元",
            f"A {kind.value} post is not in charge of other units",
        )
        return []
    ids = list(dict.fromkeys(in_charge_of))
    found = {u.id: u for u in (await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))).all()}
    result: list[OrgUnit] = []
    seen: set[int] = set()
    # Errors name the position in the input as given; a repeated unit counts once.
    for index, unit_id in enumerate(in_charge_of):
        if unit_id in seen:
            continue
        seen.add(unit_id)
        charged = found.get(unit_id)
        field = field_of(index)
        if charged is None:
            errors.extend(not_found(field, "分管单元", "Unit in charge"))
        elif charged.id == unit.id or not charged.path.startswith(unit.path):
            errors.add(
                ErrorCode.INVALID_CHARGE,
                field,
                "分管单元必须是岗位所在单元的下级单元",
                "A post can only be in charge of units below its own unit",
            )
        elif charged.is_archived:
            errors.add(ErrorCode.ARCHIVED, field, "分管单元已撤销", "The unit in charge is archived")
        else:
            result.append(charged)
    return result


async def ensure_responsible_posts(
    session: AsyncSession, unit: OrgUnit, today: date | None = None
) -> list[Post]:
    """A placarded enterprise has the three posts of its responsible persons (三个责任人)."""
    existing = set(
        (
            await session.scalars(
                select(Post.kind).where(Post.unit_id == unit.id, Post.kind.in_(RESPONSIBLE_KINDS))
            )
        ).all()
    )
    created = []
    for kind in RESPONSIBLE_KINDS:
        if kind.value not in existing:
            post = Post(
                unit_id=unit.id, kind=kind.value, title=POST_KIND_LABELS[kind], single_holder=True, version=1
            )
            session.add(post)
            created.append(post)
    if created:
        await session.flush()
        await added(session, today, posts=[p.id for p in created], days=[today or today_shanghai()])
    return created


@dataclass(frozen=True)
class _Span:
    start: date
    end: date | None


async def _check_overlaps(
    session: AsyncSession,
    errors: ErrorCollector,
    post: Post,
    person_id: int,
    span: _Span,
    field: str,
    ignore_id: int | None = None,
) -> None:
    clashing = select(Assignment).where(
        Assignment.post_id == post.id, effective_assignment(), assignment_overlaps(span.start, span.end)
    )
    if ignore_id is not None:
        clashing = clashing.where(Assignment.id != ignore_id)
    clashing = clashing.order_by(Assignment.start_date, Assignment.id).limit(1)
    # The person's own clash is looked for on its own: on a post with many holders it may
    # come after any number of other holders' rows.
    same = await session.scalar(clashing.where(Assignment.person_id == person_id))
    if same is not None:
        errors.add(
            ErrorCode.OVERLAPPING_ASSIGNMENT,
            field,
            f"此人在{same.start_date}起已任该岗位，任期重叠",
            f"This person already holds the post from {same.start_date}; the periods overlap",
        )
        return
    other = await session.scalar(clashing) if post.single_holder else None
    if other is not None:
        until = other.end_date.isoformat() if other.end_date else "今"
        until_en = other.end_date.isoformat() if other.end_date else "now"
        errors.add(
            ErrorCode.OVERLAPPING_ASSIGNMENT,
            field,
            f"该岗位只能一人担任，{other.start_date}至{until}已有任职",
            f"The post has one holder at a time and is held from {other.start_date} to {until_en}",
        )


async def _lock_post(session: AsyncSession, post_id: int) -> Post | None:
    return (await session.scalars(select(Post).where(Post.id == post_id).with_for_update())).one_or_none()


async def assign(
    session: AsyncSession,
    *,
    post_id: int,
    person_id: int,
    start_date: date,
    end_date: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Assignment:
    days = [start_date, end_date or date.max]
    first = await _first_days(session, post_id)
    if first is not None and start_date < first[0]:
        # The post now exists from `start_date`: its vacancy after this tenure, up to the
        # day it began before, is owed too.
        days.append(first[0])
    async with track(session, today, persons=[person_id], posts=[post_id], days=days):
        return await _assign(session, post_id, person_id, start_date, end_date, note)


async def _first_days(session: AsyncSession, post_id: int) -> tuple[date, date] | None:
    """The first day a post exists for its duties — its creation or its first holder's first
    day, whichever is earlier (as `domain.duties.facts` has it) — and its creation day."""
    post = await session.get(Post, post_id)
    if post is None:
        return None
    created = today_shanghai(post.created_at)
    first_held = await session.scalar(
        select(func.min(Assignment.start_date)).where(Assignment.post_id == post_id, effective_assignment())
    )
    return (min(created, first_held) if first_held else created), created


async def _assign(
    session: AsyncSession,
    post_id: int,
    person_id: int,
    start_date: date,
    end_date: date | None,
    note: str | None,
) -> Assignment:
    errors = ErrorCollector()
    post = await _lock_post(session, post_id)
    if post is None:
        errors.extend(not_found("postId", "岗位", "Post"))
    elif post.archived_at is not None:
        errors.add(ErrorCode.ARCHIVED, "postId", "岗位已撤销", "The post is archived")
    person = await session.get(Person, person_id)
    if person is None:
        errors.extend(not_found("personId", "人员", "Person"))
    check_dates(errors, start_date, end_date)
    clean_note = clean_text(
        errors, "note", note, label_zh="备注", label_en="Note", max_length=500, required=False
    )
    if post is not None and person is not None and not errors.errors:
        await _check_overlaps(session, errors, post, person_id, _Span(start_date, end_date), "startDate")
    errors.raise_if_any()
    row = Assignment(
        post_id=post_id,
        person_id=person_id,
        start_date=start_date,
        end_date=end_date,
        note=clean_note,
        withdrawn=False,
        version=1,
        ended_at=utcnow() if end_date is not None else None,
    )
    session.add(row)
    await session.flush()
    mark_authz_dirty(session, f"person:{person_id}")
    return row


async def _require_effective(session: AsyncSession, assignment_id: int) -> Assignment:
    row = await session.get(Assignment, assignment_id)
    if row is None:
        raise not_found("assignmentId", "任职记录", "Assignment")
    if row.withdrawn:
        # A withdrawal is not an assignment in force: there is nothing to end or correct.
        raise DomainError.one(
            ErrorCode.NOT_FOUND,
            "assignmentId",
            "这是一条撤回记录，不是在册的任职，不能结束或更正",
            "This record is a withdrawal, not an assignment in force; it cannot be ended or corrected",
        )
    if await is_corrected(session, Assignment, row.id):
        raise DomainError.one(
            ErrorCode.ALREADY_CORRECTED,
            "assignmentId",
            "该任职记录已被更正，请对更正后的记录操作",
            "This assignment was corrected; act on the correcting record",
        )
    return row


async def end_assignment(
    session: AsyncSession,
    *,
    assignment_id: int,
    end_date: date,
    version: int | None = None,
    today: date | None = None,
) -> Assignment:
    row = await session.get(Assignment, assignment_id)
    if row is None:
        raise not_found("assignmentId", "任职记录", "Assignment")
    async with track(session, today, persons=[row.person_id], posts=[row.post_id], days=[end_date, date.max]):
        return await _end_assignment(session, assignment_id, end_date, version)


async def _end_assignment(
    session: AsyncSession, assignment_id: int, end_date: date, version: int | None
) -> Assignment:
    row = await _require_effective(session, assignment_id)
    if version is not None and version != row.version:
        raise stale()
    if row.end_date is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED,
            "assignmentId",
            f"该任职已于{row.end_date}结束；如需改动请提交更正",
            f"The assignment already ended on {row.end_date}; submit a correction to change it",
        )
    errors = ErrorCollector()
    check_dates(errors, row.start_date, end_date)
    errors.raise_if_any()
    row.end_date = end_date
    row.ended_at = utcnow()
    row.version = row.version + 1
    await session.flush()
    mark_authz_dirty(session, f"person:{row.person_id}")
    return row


async def correct_assignment(
    session: AsyncSession,
    *,
    assignment_id: int,
    version: int,
    reason: str,
    person_id: Maybe[int] = UNSET,
    start_date: Maybe[date] = UNSET,
    end_date: Maybe[date | None] = UNSET,
    withdraw: bool = False,
    today: date | None = None,
) -> Assignment:
    """Write a new row that replaces `assignment_id` (or withdraws it); the old row stays."""
    row = await session.get(Assignment, assignment_id)
    if row is None:
        raise not_found("assignmentId", "任职记录", "Assignment")
    persons = [row.person_id, None if person_id is UNSET else person_id]
    # The days the old and the new tenure cover; an end removed (None) opens the new one.
    days = [row.start_date, row.end_date or date.max]
    days += [d for d in (start_date, end_date) if isinstance(d, date)]
    if end_date is None:
        days.append(date.max)
    first = await _first_days(session, row.post_id)
    if first is not None and row.start_date <= first[0]:
        # The row may be what the post's first day comes from: without it, the post begins
        # later, at the latest on its creation day.
        days.append(first[1])
    async with track(session, today, persons=persons, posts=[row.post_id], days=days):
        return await _correct_assignment(
            session, row, version, reason, person_id, start_date, end_date, withdraw
        )


async def _correct_assignment(
    session: AsyncSession,
    row: Assignment,
    version: int,
    reason: str,
    person_id: Maybe[int],
    start_date: Maybe[date],
    end_date: Maybe[date | None],
    withdraw: bool,
) -> Assignment:
    row = await _require_effective(session, row.id)
    if version != row.version:
        raise stale()
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="更正原因", label_en="Reason", max_length=500
    )
    new_person = row.person_id if person_id is UNSET else person_id
    new_start = row.start_date if start_date is UNSET else start_date
    new_end = row.end_date if end_date is UNSET else end_date
    if not withdraw and (new_person, new_start, new_end) == (row.person_id, row.start_date, row.end_date):
        errors.add(ErrorCode.NOTHING_TO_CHANGE, (), "更正内容与原记录相同", "The correction changes nothing")
    if new_person != row.person_id and await session.get(Person, new_person) is None:
        errors.extend(not_found("personId", "人员", "Person"))
    check_dates(errors, new_start, new_end)
    post = await _lock_post(session, row.post_id)
    assert post is not None
    if not withdraw and not errors.errors:
        await _check_overlaps(
            session, errors, post, new_person, _Span(new_start, new_end), "startDate", row.id
        )
    errors.raise_if_any()
    correction = Assignment(
        post_id=row.post_id,
        person_id=new_person,
        start_date=new_start,
        end_date=new_end,
        corrects_id=row.id,
        withdrawn=withdraw,
        note=clean_reason,
        version=1,
        ended_at=utcnow() if new_end is not None else None,
    )
    session.add(correction)
    await session.flush()
    mark_authz_dirty(session, f"person:{row.person_id}", f"person:{new_person}")
    return correction
