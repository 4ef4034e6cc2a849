from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import DomainError, ErrorCode
from domain.posts import service
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, PostCharge, assignment_on, effective_assignment
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


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Assignment)) or 0)


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [
        (date(2024, 1, 1), None, False),  # the day after the last day held
        (date(2023, 12, 31), None, True),  # the end date is a day held
        (date(2021, 1, 1), date(2021, 12, 31), False),  # ends the day before
        (date(2021, 1, 1), date(2022, 1, 1), True),  # ends on the first day held
        (date(2021, 1, 1), None, True),  # open from before
        (date(2022, 6, 1), date(2022, 6, 30), True),  # inside
        (date(2020, 1, 1), date(2025, 1, 1), True),  # around
    ],
)
async def test_a_one_holder_post_has_one_holder_on_any_day(
    session: AsyncSession, start: date, end: date | None, clash: bool
) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    a, b = await f.person(session), await f.person(session)
    await f.assign(session, post, a, start=date(2022, 1, 1), end=date(2023, 12, 31))
    before = await _count(session)
    if not clash:
        await f.assign(session, post, b, start=start, end=end)
        assert await _count(session) == before + 1
        return
    with pytest.raises(DomainError) as exc:
        await f.assign(session, post, b, start=start, end=end)
    assert [(e.code, e.field) for e in exc.value.errors] == [
        (ErrorCode.OVERLAPPING_ASSIGNMENT, ("startDate",))
    ]
    assert "2022-01-01" in exc.value.errors[0].message_zh
    assert await _count(session) == before


async def test_the_same_person_is_found_among_many_holders(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.FRONTLINE)
    for _ in range(7):
        await f.assign(session, post, await f.person(session), start=date(2020, 1, 1))
    late = await f.person(session, name="后来者")
    await f.assign(session, post, late, start=date(2024, 1, 1))
    with pytest.raises(DomainError) as exc:
        await f.assign(session, post, late, start=date(2024, 6, 1))
    assert exc.value.errors[0].code is ErrorCode.OVERLAPPING_ASSIGNMENT
    assert "此人" in exc.value.errors[0].message_zh
    assert sorted(await _in_force(session, post.id, date(2024, 6, 1))).count(late.id) == 1


async def test_corrected_and_withdrawn_records_do_not_block_the_post(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["park"], PostKind.PRINCIPAL)
    a, b, c = await f.person(session), await f.person(session), await f.person(session)
    wrong = await f.assign(session, post, a, start=date(2024, 1, 1))
    moved = await service.correct_assignment(
        session, assignment_id=wrong.id, version=1, reason="日期", start_date=date(2024, 3, 1)
    )
    # January and February are free again: the corrected row no longer counts.
    await f.assign(session, post, b, start=date(2024, 1, 1), end=date(2024, 2, 29))
    withdrawal = await service.correct_assignment(
        session, assignment_id=moved.id, version=1, reason="未任职", withdraw=True
    )
    assert withdrawal.withdrawn and withdrawal.corrects_id == moved.id
    assert withdrawal.person_id == a.id and withdrawal.start_date == date(2024, 3, 1)
    await f.assign(session, post, c, start=date(2024, 3, 1))
    assert await _in_force(session, post.id, date(2024, 2, 1)) == [b.id]
    assert await _in_force(session, post.id, date(2024, 5, 1)) == [c.id]
    # A withdrawal is not a record in force: it cannot be ended or corrected in turn.
    with pytest.raises(DomainError) as exc:
        await service.end_assignment(session, assignment_id=withdrawal.id, end_date=date(2024, 12, 31))
    assert exc.value.errors[0].code is ErrorCode.NOT_FOUND


async def test_ending_refuses_records_not_in_force_ended_or_stale(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    a = await f.person(session)
    row = await f.assign(session, post, a, start=date(2024, 1, 1))

    with pytest.raises(DomainError) as exc:
        await service.end_assignment(session, assignment_id=row.id, end_date=date(2024, 6, 30), version=2)
    assert exc.value.errors[0].code is ErrorCode.STALE_VERSION
    with pytest.raises(DomainError) as exc:
        await service.end_assignment(session, assignment_id=row.id, end_date=date(2023, 12, 31))
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.INVALID_DATE_RANGE, ("endDate",))]
    # A one-day assignment ends on its first day.
    ended = await service.end_assignment(session, assignment_id=row.id, end_date=date(2024, 1, 1), version=1)
    assert (ended.end_date, ended.version) == (date(2024, 1, 1), 2)
    with pytest.raises(DomainError) as exc:
        await service.end_assignment(session, assignment_id=row.id, end_date=date(2024, 6, 30))
    assert exc.value.errors[0].code is ErrorCode.ALREADY_ENDED

    # A correction may reopen it; the ended record stays as it was.
    reopened = await service.correct_assignment(
        session, assignment_id=row.id, version=2, reason="并未离任", end_date=None
    )
    assert reopened.end_date is None and reopened.ended_at is None
    assert (row.end_date, row.version) == (date(2024, 1, 1), 2)
    with pytest.raises(DomainError) as exc:
        await service.end_assignment(session, assignment_id=row.id, end_date=date(2024, 6, 30))
    assert exc.value.errors[0].code is ErrorCode.ALREADY_CORRECTED
    closed = await service.end_assignment(session, assignment_id=reopened.id, end_date=date(2024, 6, 30))
    assert closed.id == reopened.id and closed.end_date == date(2024, 6, 30)


async def test_a_correction_checks_everything_and_writes_nothing_when_refused(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.SAFETY_MANAGER)
    a, b = await f.person(session), await f.person(session)
    await f.assign(session, post, b, start=date(2024, 1, 1))
    row = await f.assign(session, post, a, start=date(2024, 1, 1))
    before = await _count(session)

    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(
            session, assignment_id=row.id, version=1, reason="", end_date=date(2023, 1, 1)
        )
    assert {(e.code, e.field) for e in exc.value.errors} == {
        (ErrorCode.REQUIRED, ("reason",)), (ErrorCode.INVALID_DATE_RANGE, ("endDate",))
    }  # fmt: skip
    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(
            session, assignment_id=row.id, version=1, reason="人员", person_id=b.id
        )
    assert exc.value.errors[0].code is ErrorCode.OVERLAPPING_ASSIGNMENT  # b already holds it then
    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(
            session, assignment_id=row.id, version=1, reason="人员", person_id=999999
        )
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.NOT_FOUND, ("personId",))]
    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(
            session, assignment_id=row.id, version=1, reason="无", start_date=row.start_date
        )
    assert exc.value.errors[0].code is ErrorCode.NOTHING_TO_CHANGE
    with pytest.raises(DomainError) as exc:
        await service.correct_assignment(session, assignment_id=row.id, version=3, reason="改", withdraw=True)
    assert exc.value.errors[0].code is ErrorCode.STALE_VERSION
    assert await _count(session) == before
    assert await service.correct_assignment(
        session, assignment_id=row.id, version=1, reason="撤回", withdraw=True
    )


async def test_assign_reports_unknown_post_and_person_together(session: AsyncSession) -> None:
    with pytest.raises(DomainError) as exc:
        await service.assign(
            session, post_id=999999, person_id=999999, start_date=date(2024, 2, 1), end_date=date(2024, 1, 1)
        )
    assert [(e.code, e.field) for e in exc.value.errors] == [
        (ErrorCode.NOT_FOUND, ("postId",)), (ErrorCode.NOT_FOUND, ("personId",)),
        (ErrorCode.INVALID_DATE_RANGE, ("endDate",)),
    ]  # fmt: skip


async def test_an_archived_post_takes_no_new_holders(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.FRONTLINE)
    post.archived_at = utcnow()
    await session.flush()
    with pytest.raises(DomainError) as exc:
        await f.assign(session, post, await f.person(session))
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.ARCHIVED, ("postId",))]


async def test_the_three_responsible_posts_are_one_each_and_single_holder(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    with pytest.raises(DomainError) as exc:
        await f.post(session, t["chem"], PostKind.SUPERVISORY_RESPONSIBLE)
    assert exc.value.errors[0].code is ErrorCode.DUPLICATE_POST
    with pytest.raises(DomainError) as exc:
        await f.post(session, t["food"], PostKind.ENTERPRISE_RESPONSIBLE, single_holder=False)
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.INVALID_VALUE, ("singleHolder",))]
    # Placarding later adds only the missing ones.
    own = await f.post(session, t["food"], PostKind.ENTERPRISE_RESPONSIBLE)
    created = await service.ensure_responsible_posts(session, t["food"])
    assert sorted(p.kind for p in created) == ["ADMINISTRATIVE_RESPONSIBLE", "SUPERVISORY_RESPONSIBLE"]
    assert await service.ensure_responsible_posts(session, t["food"]) == []
    assert own.single_holder and all(p.single_holder for p in created)


async def test_charge_errors_name_the_position_in_the_input(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    with pytest.raises(DomainError) as exc:
        await f.post(
            session,
            t["park"],
            PostKind.DEPUTY_IN_CHARGE,
            in_charge_of=[t["safety"].id, t["safety"].id, 999999, t["district"].id],
        )
    assert [(e.code, e.field) for e in exc.value.errors] == [
        (ErrorCode.NOT_FOUND, ("inChargeOfUnitIds", "2")),
        (ErrorCode.INVALID_CHARGE, ("inChargeOfUnitIds", "3")),
    ]
    post = await f.post(
        session, t["park"], PostKind.DEPUTY_IN_CHARGE, in_charge_of=[t["safety"].id, t["safety"].id]
    )
    charges = (await session.scalars(select(PostCharge).where(PostCharge.post_id == post.id))).all()
    assert [(c.unit_id, c.start_date, c.end_date) for c in charges] == [(t["safety"].id, f.TODAY, None)]
