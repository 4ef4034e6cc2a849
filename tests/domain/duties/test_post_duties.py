"""A post's duty is fulfilled by the post (issue: duties as the documents mean them, §1), on
fixed 2025 dates: the documents give duties to posts (园区主要负责人 每月带队检查, 004 附件1
(六); the park risk assessment every 3 years, 003), so a period is done when the post's
records in it, by whoever held the post when they acted, meet the rule; it falls due on the
rule's date; and its holders answer for a miss, each for the days they held the post."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.obligations import Status
from domain.posts.kinds import PostKind
from tests import factories as f
from tests.domain.duties.obligation_helpers import MONTHLY_INSPECTION, post_obligations

THREE_YEARLY_ASSESSMENT = {"kinds": ["ASSESSMENT"], "every": "YEAR", "interval": 3, "anchor_year": 2024}


async def test_the_february_inspection_led_by_the_outgoing_holder_is_the_posts(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"check": MONTHLY_INSPECTION})
    outgoing, incoming = await f.person(session, name="甲一"), await f.person(session, name="乙二")
    await f.assign(session, principal, outgoing, start=date(2025, 1, 1), end=date(2025, 2, 9))
    await f.assign(session, principal, incoming, start=date(2025, 2, 10))
    await f.record(session, outgoing, "INSPECTION", date(2025, 2, 5), [t["chem"]])

    found = await post_obligations(
        session, principal.id, date(2025, 2, 1), date(2025, 2, 28), date(2025, 3, 10)
    )
    february = [o for o in found if o.period_start == date(2025, 2, 1)]
    assert sorted((o.person_id, o.share_start, o.share_end) for o in february) == [
        (outgoing.id, date(2025, 2, 1), date(2025, 2, 9)),
        (incoming.id, date(2025, 2, 10), date(2025, 2, 28)),
    ]
    # Nobody missed anything: the post did its February inspection.
    for share in february:
        assert share.status is Status.DONE_ON_TIME
        assert share.due_date == date(2025, 2, 28) and share.required == 1
        assert share.on_time_record_ids and share.late_record_ids == []
    # The incoming holder holds the post on the due date and carries February for it.
    assert {o.person_id: o.answering for o in february} == {outgoing.id: True, incoming.id: False}


async def test_the_three_yearly_assessment_done_by_the_successor_leaves_nobody_missed(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    await f.duty_list(
        session,
        t["park"],
        [PostKind.PRINCIPAL],
        {"assess": THREE_YEARLY_ASSESSMENT},
        effective_from=date(2024, 1, 1),
    )
    before, after = await f.person(session, name="丙三"), await f.person(session, name="丁四")
    await f.assign(session, principal, before, start=date(2024, 1, 1), end=date(2025, 6, 30))
    await f.assign(session, principal, after, start=date(2025, 7, 1))
    await f.record(session, after, "ASSESSMENT", date(2025, 10, 15), [t["park"]])

    found = await post_obligations(
        session, principal.id, date(2024, 1, 1), date(2026, 12, 31), date(2025, 11, 1)
    )
    window = sorted((o for o in found if o.item_key == "assess"), key=lambda o: o.share_start)
    assert [(o.person_id, o.period_start, o.period_end) for o in window] == [
        (before.id, date(2024, 1, 1), date(2026, 12, 31)),
        (after.id, date(2024, 1, 1), date(2026, 12, 31)),
    ]
    for share in window:
        # Due when the window closes, not on the predecessor's last day; done by the post.
        assert share.due_date == date(2026, 12, 31)
        assert share.status is Status.DONE_ON_TIME


async def test_a_month_nobody_inspected_is_missed_by_both_holders_each_for_their_days(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"check": MONTHLY_INSPECTION})
    a, b = await f.person(session, name="戊五"), await f.person(session, name="己六")
    await f.assign(session, principal, a, start=date(2025, 1, 1), end=date(2025, 3, 12))
    await f.assign(session, principal, b, start=date(2025, 3, 13))
    # B inspected in March before taking the post: not the post's record.
    await f.record(session, b, "INSPECTION", date(2025, 3, 3), [t["chem"]])

    found = await post_obligations(
        session, principal.id, date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 10)
    )
    march = sorted((o for o in found if o.period_start == date(2025, 3, 1)), key=lambda o: o.share_start)
    assert [(o.person_id, o.held_days, o.status, o.answering) for o in march] == [
        (a.id, 12, Status.MISSED, True),
        (b.id, 19, Status.MISSED, False),
    ]
    assert all(o.due_date == date(2025, 3, 31) and o.done_count == 0 for o in march)


async def test_a_record_made_by_a_former_holder_after_leaving_does_not_count(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"check": MONTHLY_INSPECTION})
    a, b = await f.person(session, name="庚七"), await f.person(session, name="辛八")
    await f.assign(session, principal, a, start=date(2025, 1, 1), end=date(2025, 4, 15))
    await f.assign(session, principal, b, start=date(2025, 4, 16))
    await f.record(session, a, "INSPECTION", date(2025, 4, 20), [t["chem"]])  # no longer the holder
    found = await post_obligations(
        session, principal.id, date(2025, 4, 1), date(2025, 4, 30), date(2025, 5, 10)
    )
    assert {o.status for o in found if o.period_start == date(2025, 4, 1)} == {Status.MISSED}
