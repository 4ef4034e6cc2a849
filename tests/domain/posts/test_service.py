from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode
from domain.posts import service
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, assignment_on, effective_assignment
from tests import factories as f


async def _in_force(session: AsyncSession, post_id: int, day: date) -> list[int]:
    rows = await session.scalars(
        select(Assignment.person_id).where(
            Assignment.post_id == post_id, effective_assignment(), assignment_on(day)
        )
    )
    return list(rows.all())


async def test_a_chain_of_corrections_leaves_only_the_last_in_force(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["park"], PostKind.PARTY_SECRETARY)
    a, b, c = [await f.person(session, name=n) for n in ("甲", "乙", "丙")]
    first = await f.assign(session, post, a, start=date(2024, 1, 1))
    second = await service.correct_assignment(
        session, assignment_id=first.id, version=1, reason="人员录错", person_id=b.id
    )
    third = await service.correct_assignment(
        session, assignment_id=second.id, version=1, reason="日期录错", start_date=date(2024, 2, 1)
    )
    assert third.corrects_id == second.id and second.corrects_id == first.id
    assert await _in_force(session, post.id, date(2024, 1, 15)) == []
    assert await _in_force(session, post.id, date(2024, 3, 1)) == [b.id]
    # Every record is still there, unchanged.
    rows = (
        await session.scalars(select(Assignment).where(Assignment.post_id == post.id).order_by(Assignment.id))
    ).all()
    assert [(r.person_id, r.start_date) for r in rows] == [
        (a.id, date(2024, 1, 1)), (b.id, date(2024, 1, 1)), (b.id, date(2024, 2, 1))
    ]  # fmt: skip
    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(
            session, assignment_id=first.id, version=1, reason="再改", person_id=c.id
        )
    assert exc.value.errors[0].code is ErrorCode.ALREADY_CORRECTED


async def test_a_correction_may_not_overlap_another_holder(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["park"], PostKind.COMMITTEE_DIRECTOR)
    a, b = await f.person(session), await f.person(session)
    await f.assign(session, post, a, start=date(2021, 1, 1), end=date(2023, 12, 31))
    later = await f.assign(session, post, b, start=date(2024, 1, 1))
    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(
            session, assignment_id=later.id, version=1, reason="提前", start_date=date(2023, 6, 1)
        )
    assert exc.value.errors[0].code is ErrorCode.OVERLAPPING_ASSIGNMENT
    # Moving it to the right day is fine: the corrected row itself does not count as a clash.
    moved = await service.correct_assignment(
        session, assignment_id=later.id, version=1, reason="日期", start_date=date(2024, 1, 2)
    )
    assert moved.start_date == date(2024, 1, 2)


async def test_multi_holder_posts_allow_several_people_but_not_one_person_twice(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.SAFETY_MANAGER)
    assert post.single_holder is False
    a, b = await f.person(session), await f.person(session)
    await f.assign(session, post, a, start=date(2024, 1, 1))
    await f.assign(session, post, b, start=date(2024, 1, 1))
    assert sorted(await _in_force(session, post.id, date(2024, 5, 1))) == sorted([a.id, b.id])
    with pytest.raises(DomainError) as exc:
        await f.assign(session, post, a, start=date(2024, 6, 1))
    assert exc.value.errors[0].code is ErrorCode.OVERLAPPING_ASSIGNMENT


async def test_an_ended_assignment_frees_the_post_from_the_next_day(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    a, b = await f.person(session), await f.person(session)
    held = await f.assign(session, post, a, start=date(2024, 1, 1))
    with pytest.raises(DomainError):
        await f.assign(session, post, b, start=date(2024, 7, 1))
    ended = await service.end_assignment(session, assignment_id=held.id, end_date=date(2024, 6, 30))
    assert ended.version == 2 and ended.ended_at is not None
    await f.assign(session, post, b, start=date(2024, 7, 1))
    assert await _in_force(session, post.id, date(2024, 6, 30)) == [a.id]
    assert await _in_force(session, post.id, date(2024, 7, 1)) == [b.id]
