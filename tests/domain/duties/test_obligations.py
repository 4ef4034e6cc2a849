"""Obligation statuses on fixed dates, computed from real rows through the domain services:
periods, timings, coverage and holders (exemptions, corrections, critical periods and what a
period keeps from its start: test_obligations_changes.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.obligations import Status
from domain.duties.queries import obligations_of_person, obligations_of_posts, posts_of_unit
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.domain.duties.obligation_helpers import (
    MONTHLY_INSPECTION,
    by_period,
    post_obligations,
    responsible_post,
)


async def test_monthly_leader_inspection_done_late_on_time_missed_and_due(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    leader = await f.person(session, name="赵甲")
    await f.assign(session, deputy, leader, start=date(2024, 1, 1))
    await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY_INSPECTION})
    await f.record(session, leader, "INSPECTION", date(2024, 1, 10), [t["chem"]])
    # February's inspection is made up on 3 March and says so: late for February, and it
    # does not count for March.
    await f.record(session, leader, "INSPECTION", date(2024, 3, 3), [t["chem"]], makeup_for=date(2024, 2, 15))
    # A meeting is not an inspection; an inspection outside the park is out of scope.
    await f.record(session, leader, "MEETING", date(2024, 3, 5), [t["park"]])
    other_park = await f.unit(session, UnitKind.PARK, t["district"], name="他园区")
    await f.record(session, leader, "INSPECTION", date(2024, 3, 6), [other_park])

    found = await post_obligations(session, deputy.id, date(2024, 1, 1), date(2024, 4, 30), date(2024, 4, 10))
    assert by_period(found) == {
        date(2024, 1, 1): Status.DONE_ON_TIME,
        date(2024, 2, 1): Status.DONE_LATE,
        date(2024, 3, 1): Status.MISSED,
        date(2024, 4, 1): Status.DUE,
    }
    feb = next(o for o in found if o.period_start == date(2024, 2, 1))
    assert feb.on_time_record_ids == [] and len(feb.late_record_ids) == 1
    assert all(o.person_id == leader.id and o.required == 1 for o in found)
    assert {o.due_date for o in found} == {
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    }


async def test_quarterly_duty_becomes_monthly_in_a_high_risk_enterprise(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    rule = {
        "kinds": ["INSPECTION"],
        "variants": [{"when": {"high_risk": True}, "every": "MONTH"}, {"every": "QUARTER"}],
    }
    await f.duty_list(session, t["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"major-hazard-check": rule})
    chem_boss, food_boss = await f.person(session, name="钱乙"), await f.person(session, name="孙丙")
    chem_post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    food_post = await f.post(session, t["food"], PostKind.ENTERPRISE_PRINCIPAL)
    await f.assign(session, chem_post, chem_boss)
    await f.assign(session, food_post, food_boss)
    assert t["chem"].high_risk is True and t["food"].high_risk is False
    await f.record(session, chem_boss, "INSPECTION", date(2024, 1, 20), [t["chem"]])
    await f.record(session, food_boss, "INSPECTION", date(2024, 2, 20), [t["food"]])

    found = await obligations_of_posts(
        session,
        posts_of_unit(t["park"].path, subtree=True),
        date(2024, 1, 1),
        date(2024, 3, 31),
        date(2024, 4, 1),
    )
    chem = [o for o in found if o.post_id == chem_post.id]
    food = [o for o in found if o.post_id == food_post.id]
    assert by_period(chem) == {
        date(2024, 1, 1): Status.DONE_ON_TIME,
        date(2024, 2, 1): Status.MISSED,
        date(2024, 3, 1): Status.MISSED,
    }
    assert by_period(food) == {date(2024, 1, 1): Status.DONE_ON_TIME}
    assert food[0].period_end == date(2024, 3, 31)


async def test_half_yearly_full_coverage_of_placarded_enterprises_done_for_all_but_one(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    plates = [t["chem"]] + [
        await f.enterprise(session, t["safety"], name=f"挂牌企业{i}（演示）", placarded=True)
        for i in range(2)
    ]
    unplacarded = await f.enterprise(session, t["safety"], name="未挂牌企业（演示）", placarded=False)
    rules: dict[str, dict[str, Any] | None] = {
        "monthly-guidance": {"kinds": ["INSPECTION"], "every": "MONTH", "per": "HOLDER"},
        "half-year-coverage": {
            "kinds": ["INSPECTION"],
            "every": "HALF_YEAR",
            "coverage": "PLACARDED",
            "per": "HOLDER",
        },
    }
    await f.duty_list(session, t["park"], [PostKind.ADMINISTRATIVE_RESPONSIBLE], rules)
    officer = await f.person(session, name="李丁")
    for e in (*plates, unplacarded):
        # Placarded enterprises got their three responsible posts when they were created.
        resp = (
            await responsible_post(session, e)
            if e.placarded
            else await f.post(session, e, PostKind.ADMINISTRATIVE_RESPONSIBLE)
        )
        await f.assign(session, resp, officer)
    await f.record(session, officer, "INSPECTION", date(2024, 2, 1), [plates[0]])
    await f.record(session, officer, "INSPECTION", date(2024, 5, 1), [plates[1], unplacarded])

    found = await obligations_of_person(
        session, officer.id, date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 2)
    )
    coverage = [o for o in found if o.item_key == "half-year-coverage"]
    assert len(coverage) == 1
    half = coverage[0]
    assert half.post_id is None and half.person_id == officer.id
    assert set(half.target_unit_ids) == {p.id for p in plates}
    assert half.missing_unit_ids == (plates[2].id,)
    assert half.status is Status.MISSED
    monthly = Counter(o.status for o in found if o.item_key == "monthly-guidance")
    assert monthly == {Status.DONE_ON_TIME: 2, Status.MISSED: 4}

    await f.record(session, officer, "INSPECTION", date(2024, 6, 28), [plates[2]])
    found = await obligations_of_person(
        session, officer.id, date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 2)
    )
    assert next(o for o in found if o.item_key == "half-year-coverage").status is Status.DONE_ON_TIME


async def test_thursday_weekly_report(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    rule = {"kinds": ["REPORT"], "every": "WEEK", "weekday": 4}
    await f.duty_list(session, t["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"weekly-report": rule})
    boss = await f.person(session, name="周戊")
    boss_post = await f.post(session, t["food"], PostKind.ENTERPRISE_PRINCIPAL)
    await f.assign(session, boss_post, boss)
    # Weeks of March 2024: Mon 4th (Thu 7th), Mon 11th (Thu 14th), Mon 18th (Thu 21st), Mon 25th.
    await f.record(session, boss, "REPORT", date(2024, 3, 7), [t["food"]])
    await f.record(session, boss, "REPORT", date(2024, 3, 15), [t["food"]])  # a Friday
    found = await post_obligations(
        session, boss_post.id, date(2024, 3, 4), date(2024, 3, 31), date(2024, 3, 27)
    )
    assert by_period(found) == {
        date(2024, 3, 4): Status.DONE_ON_TIME,
        date(2024, 3, 11): Status.DONE_LATE,
        date(2024, 3, 18): Status.MISSED,
        date(2024, 3, 25): Status.DUE,
    }
    assert [o.due_date for o in found] == [
        date(2024, 3, 7),
        date(2024, 3, 14),
        date(2024, 3, 21),
        date(2024, 3, 28),
    ]


async def test_holder_changed_mid_quarter_the_post_does_the_quarter_with_both_holders_records(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    await f.duty_list(
        session,
        t["park"],
        [PostKind.PRINCIPAL],
        {"study": {"kinds": ["MEETING"], "every": "QUARTER", "times": 3}, "check": MONTHLY_INSPECTION},
    )
    a, b = await f.person(session, name="吴己"), await f.person(session, name="郑庚")
    await f.assign(session, principal, a, start=date(2024, 1, 1), end=date(2024, 2, 29))
    await f.assign(session, principal, b, start=date(2024, 3, 1))
    for day in (date(2024, 1, 9), date(2024, 2, 20)):
        await f.record(session, a, "MEETING", day, [t["park"]])
    await f.record(session, b, "MEETING", date(2024, 3, 20), [t["park"]])
    await f.record(session, a, "INSPECTION", date(2024, 1, 5), [t["chem"]])

    owed_a = await obligations_of_person(
        session, a.id, date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 15)
    )
    owed_b = await obligations_of_person(
        session, b.id, date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 15)
    )
    quarter_a = next(o for o in owed_a if o.item_key == "study")
    quarter_b = next(o for o in owed_b if o.item_key == "study")
    # The post owes the quarter's 3 meetings, due on the quarter's last day, whoever holds
    # it: A's two and B's one make them; each holder's share shows the post's judgement.
    assert (quarter_a.share_start, quarter_a.share_end) == (date(2024, 1, 1), date(2024, 2, 29))
    assert (quarter_b.share_start, quarter_b.share_end) == (date(2024, 3, 1), date(2024, 3, 31))
    for share in (quarter_a, quarter_b):
        assert share.required == 3 and share.due_date == date(2024, 3, 31)
        assert share.status is Status.DONE_ON_TIME and share.done_count == 3
    # B held the post on the due date: B's share carries the quarter for the post.
    assert quarter_b.answering is False and quarter_a.answering is True
    # Monthly: A owed January and February (did January), B owes March (did nothing).
    assert by_period([o for o in owed_a if o.item_key == "check"]) == {
        date(2024, 1, 1): Status.DONE_ON_TIME,
        date(2024, 2, 1): Status.MISSED,
    }
    assert by_period([o for o in owed_b if o.item_key == "check"]) == {date(2024, 3, 1): Status.MISSED}
