"""Single cases of incremental score maintenance: what one record, one new day or one overdue
hazard changes, that nothing is kept before the first rebuild, and each case where maintenance
once parted from a rebuild (the property itself: test_incremental.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM, Actor
from domain.duties import records as rec
from domain.hazards import service as hazards
from domain.hazards.models import Hazard
from domain.hazards.states import Action
from domain.people.models import Person
from domain.posts import charges
from domain.posts import service as posts
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, effective_assignment
from domain.scoring.formula import PeriodKind, ScoreScope
from domain.scoring.maintain import rebuild, rebuild_if_emptied, refresh, track
from domain.scoring.models import ScoreState, ScoreTally, UnitScore
from domain.scoring.scheme import WeightClass
from domain.scoring.state import current_state
from domain.tree import service as tree
from domain.tree.kinds import Trade, UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.domain.scoring.incremental.scenario import (
    EARLY,
    HAZARD_ENTERPRISE,
    HAZARD_SUPERVISOR,
    SINCE,
)
from tests.domain.scoring.incremental.snapshot import difference, snapshot

# --- single cases -------------------------------------------------------------------------


MONTHLY_INSPECTION = {"kinds": ["INSPECTION"], "every": "MONTH"}


async def _leader(session: AsyncSession, rules: dict[str, Any]) -> tuple[dict[str, OrgUnit], Post, Person]:
    """The small tree with a deputy at the park, held since 2024 by one leader, and a list."""
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    leader = await f.person(session, name="赵甲")
    await f.assign(session, deputy, leader, start=date(2024, 1, 1))
    await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], rules)
    return t, deputy, leader


async def _tally(session: AsyncSession, **where: Any) -> tuple[int, int, int] | None:
    row = (
        await session.execute(
            select(ScoreTally.on_time, ScoreTally.late, ScoreTally.missed).where(
                *(getattr(ScoreTally, k) == v for k, v in where.items())
            )
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def _own(session: AsyncSession, unit_id: int, kind: PeriodKind, start: date) -> UnitScore:
    row = await session.scalar(
        select(UnitScore)
        .where(
            UnitScore.unit_id == unit_id,
            UnitScore.scope == ScoreScope.OWN.value,
            UnitScore.period_kind == kind.value,
            UnitScore.period_start == start,
        )
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def _assert_rebuild_agrees(session: AsyncSession, today: date) -> None:
    kept = await snapshot(session)
    await rebuild(session, today)
    fresh = await snapshot(session)
    assert kept == fresh, difference(kept, fresh)


async def test_a_make_up_turns_a_missed_month_into_done_late_and_nothing_else(session: AsyncSession) -> None:
    t, deputy, leader = await _leader(session, {"check": MONTHLY_INSPECTION})
    await rebuild(session, f.TODAY)  # 22 November 2026: October was missed
    october = date(2026, 10, 1)
    key = {
        "person_id": leader.id,
        "post_id": deputy.id,
        "month": october,
        "weight_class": WeightClass.MONTHLY,
    }
    assert await _tally(session, **key) == (0, 0, 1)
    before = await snapshot(session)
    month = await _own(session, t["park"].id, PeriodKind.MONTH, october)
    assert (month.ob_weight, month.ob_lost, month.missed, month.score) == (6, 600, 1, 30.0)

    await f.record(
        session, leader, "INSPECTION", date(2026, 11, 2), [t["chem"]], makeup_for=date(2026, 10, 20)
    )
    assert await _tally(session, **key) == (0, 1, 0)
    month = await _own(session, t["park"].id, PeriodKind.MONTH, october)
    # A late obligation keeps half its credit (lateCredit 50): 6 × 50 lost of 6 × 100.
    assert (month.ob_weight, month.ob_lost, month.on_time, month.late, month.missed) == (6, 300, 0, 1, 0)
    assert month.score == 100 - 70 * 300 / 600
    after = await snapshot(session)
    # Only October's tally moved, and the October, fourth-quarter and 2026 rows of the park
    # (OWN) and of it and its district (TREE).
    row = (leader.id, deputy.id, t["park"].id, october, "MONTHLY", False)
    assert before.tallies - after.tallies == Counter({(*row, 0, 0, 1): 1})
    assert after.tallies - before.tallies == Counter({(*row, 0, 1, 0): 1})
    moved = {
        k for k in before.scores.keys() | after.scores.keys() if before.scores.get(k) != after.scores.get(k)
    }
    periods = {("MONTH", october), ("QUARTER", october), ("YEAR", date(2026, 1, 1))}
    assert moved == {(t["park"].id, "OWN", k, s) for k, s in periods} | {
        (u, "TREE", k, s) for u in (t["district"].id, t["park"].id) for k, s in periods
    }
    await _assert_rebuild_agrees(session, f.TODAY)


async def _assignment_of(session: AsyncSession, post: Post) -> Assignment:
    row = await session.scalar(
        select(Assignment).where(Assignment.post_id == post.id, effective_assignment())
    )
    assert row is not None
    return row


async def test_a_change_of_holder_moves_who_carries_the_quarter_not_what_the_post_owes(
    session: AsyncSession,
) -> None:
    t, deputy, leader = await _leader(
        session, {"study": {"kinds": ["MEETING"], "every": "QUARTER", "times": 3}}
    )
    for day in (date(2026, 10, 8), date(2026, 11, 5)):
        await f.record(session, leader, "MEETING", day, [t["park"]])
    await rebuild(session, f.TODAY)
    key = {"post_id": deputy.id, "month": date(2026, 12, 1), "weight_class": "QUARTERLY"}
    assert await _tally(session, person_id=leader.id, **key) is None  # two of three, still running
    row = await _assignment_of(session, deputy)
    await posts.end_assignment(session, assignment_id=row.id, end_date=date(2026, 11, 30), today=f.TODAY)
    # The post still owes the quarter's three, due on its last day: leaving early does not
    # shrink them (pro-rated to the holder's 61 days, two would have been enough).
    assert await _tally(session, person_id=leader.id, **key) is None
    successor = await f.person(session, name="孙戊")
    await f.record(session, successor, "MEETING", date(2026, 11, 20), [t["park"]])  # not holding it yet
    await posts.assign(
        session, post_id=deputy.id, person_id=successor.id, start_date=date(2026, 12, 1), today=f.TODAY
    )
    assert await _tally(session, person_id=successor.id, **key) is None
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_the_successor_carries_a_quarter_the_outgoing_holder_completed(session: AsyncSession) -> None:
    t, deputy, leader = await _leader(
        session, {"study": {"kinds": ["MEETING"], "every": "QUARTER", "times": 3}}
    )
    for day in (date(2026, 10, 8), date(2026, 11, 5), date(2026, 11, 20)):
        await f.record(session, leader, "MEETING", day, [t["park"]])
    await rebuild(session, f.TODAY)
    key = {"post_id": deputy.id, "month": date(2026, 12, 1), "weight_class": "QUARTERLY"}
    assert await _tally(session, person_id=leader.id, answering=False, **key) == (1, 0, 0)
    row = await _assignment_of(session, deputy)
    await posts.end_assignment(session, assignment_id=row.id, end_date=date(2026, 12, 5), today=f.TODAY)
    successor = await f.person(session, name="孙戊")
    await posts.assign(
        session, post_id=deputy.id, person_id=successor.id, start_date=date(2026, 12, 6), today=f.TODAY
    )
    # The successor holds the post on the due date: their share carries the quarter for the
    # post (done); the leader's share counts in the leader's own score, and only there.
    assert await _tally(session, person_id=successor.id, answering=False, **key) == (1, 0, 0)
    assert await _tally(session, person_id=leader.id, answering=True, **key) == (1, 0, 0)
    assert await _tally(session, person_id=leader.id, answering=False, **key) is None
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_record_before_since_counts_for_the_week_that_straddles_it(session: AsyncSession) -> None:
    t, deputy, leader = await _leader(session, {"report": {"kinds": ["REPORT"], "every": "WEEK"}})
    # Tuesday 31 December 2024, in the week of 30 December to 5 January: counted, as the
    # week ends after 1 January 2025, the first day scores count from.
    made = await f.record(session, leader, "REPORT", date(2024, 12, 31), [t["park"]])
    await rebuild(session, f.TODAY)
    state = await current_state(session)
    assert state is not None and state.since == SINCE
    key = {"person_id": leader.id, "post_id": deputy.id, "month": date(2025, 1, 1), "weight_class": "WEEKLY"}
    assert await _tally(session, **key) == (1, 0, 3)  # the weeks ending 5, 12, 19 and 26 January
    me = Actor(subject=f"person:{leader.id}", person_id=leader.id)
    await rec.withdraw_record(
        session, record_id=made.id, reason="录错", recorder=me, domain="/", today=f.TODAY
    )
    assert await _tally(session, **key) == (0, 0, 4)
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_critical_period_covers_the_units_in_charge_while_it_lasted(session: AsyncSession) -> None:
    """The deputy takes charge of the safety department in July 2025: a key date at the park
    in February 2025 is theirs to cover at the park alone, judged alike whatever the span
    the obligations are computed over."""
    t, deputy, leader = await _leader(session, {"on-site": {"kinds": ["ON_SITE"], "events": ["KEY_DATE"]}})
    await charges.add_charge(session, post_id=deputy.id, unit_id=t["safety"].id, start_date=date(2025, 7, 1))
    await rec.declare_critical_period(
        session, unit_id=t["park"].id, kind="KEY_DATE", title="春节", start=date(2025, 2, 10), end=date(2025, 2, 12),
        actor=SYSTEM, domain=t["park"].path,
    )  # fmt: skip
    made = await f.record(session, leader, "ON_SITE", date(2025, 2, 11), [t["park"]])
    await rebuild(session, f.TODAY)
    key = {"person_id": leader.id, "post_id": deputy.id, "month": date(2025, 2, 1), "weight_class": "EVENT"}
    assert await _tally(session, **key) == (1, 0, 0)
    me = Actor(subject=f"person:{leader.id}", person_id=leader.id)
    await rec.withdraw_record(
        session, record_id=made.id, reason="录错", recorder=me, domain="/", today=f.TODAY
    )
    assert await _tally(session, **key) == (0, 0, 1)
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_record_early_in_a_critical_period_is_seen_by_a_change_later_in_it(
    session: AsyncSession,
) -> None:
    t, deputy, leader = await _leader(session, {"on-site": {"kinds": ["ON_SITE"], "events": ["KEY_DATE"]}})
    await rec.declare_critical_period(
        session, unit_id=t["park"].id, kind="KEY_DATE", title="国庆", start=date(2026, 9, 25), end=date(2026, 10, 5),
        actor=SYSTEM, domain=t["park"].path,
    )  # fmt: skip
    await f.record(session, leader, "ON_SITE", date(2026, 9, 26), [t["park"]])
    await rebuild(session, f.TODAY)
    key = {"person_id": leader.id, "post_id": deputy.id, "month": date(2026, 10, 1), "weight_class": "EVENT"}
    assert await _tally(session, **key) == (1, 0, 0)
    await f.record(session, leader, "ON_SITE", date(2026, 10, 2), [t["park"]])
    assert await _tally(session, **key) == (1, 0, 0)  # done already
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_critical_period_reaches_those_who_hold_a_post_only_in_its_grace_days(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    rule = {"kinds": ["ON_SITE"], "events": ["KEY_DATE"], "within_days": 5, "per": "HOLDER"}
    await f.duty_list(session, t["park"], [PostKind.ADMINISTRATIVE_RESPONSIBLE], {"on-site": rule})
    responsible = await session.scalar(
        select(Post).where(
            Post.unit_id == t["chem"].id, Post.kind == PostKind.ADMINISTRATIVE_RESPONSIBLE.value
        )
    )
    assert responsible is not None
    officer = await f.person(session, name="韩卯")
    await f.assign(session, responsible, officer, start=date(2026, 10, 3))
    await rebuild(session, f.TODAY)
    # One day at the park, and five more to be there: the officer holds the post for four
    # of the six days, so owes it, though they held nothing on the day itself.
    await rec.declare_critical_period(
        session, unit_id=t["park"].id, kind="KEY_DATE", title="节日", start=date(2026, 10, 1), end=date(2026, 10, 1),
        actor=SYSTEM, domain=t["park"].path, today=f.TODAY,
    )  # fmt: skip
    key = {"person_id": officer.id, "post_id": None, "month": date(2026, 10, 1), "weight_class": "EVENT"}
    assert await _tally(session, **key) == (0, 0, 1)
    await _assert_rebuild_agrees(session, f.TODAY)


async def _counts(session: AsyncSession) -> tuple[int, int, int]:
    return (
        await session.scalar(select(func.count()).select_from(ScoreTally)) or 0,
        await session.scalar(select(func.count()).select_from(UnitScore)) or 0,
        await session.scalar(select(func.count()).select_from(ScoreState)) or 0,
    )


async def test_nothing_is_kept_before_the_first_rebuild(session: AsyncSession) -> None:
    t, deputy, leader = await _leader(session, {"check": MONTHLY_INSPECTION})
    await f.record(session, leader, "INSPECTION", date(2026, 10, 5), [t["chem"]])
    assert await _counts(session) == (0, 0, 0)
    async with track(session, f.TODAY, persons=[leader.id], posts=[deputy.id], days=[date(2026, 1, 1)]):
        await f.record(session, leader, "INSPECTION", date(2026, 11, 5), [t["chem"]])
    assert not await refresh(session, f.TODAY + timedelta(days=1))
    assert await _counts(session) == (0, 0, 0)
    await rebuild(session, f.TODAY)
    tallies, scores, states = await _counts(session)
    assert tallies > 0 and scores > 0 and states == 1


async def test_a_daily_check_not_done_turns_missed_when_the_day_moves_on(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    line = await f.post(session, t["food"], PostKind.FRONTLINE)
    worker = await f.person(session, name="钱乙")
    await f.assign(session, line, worker)
    await f.duty_list(
        session, t["park"], [PostKind.FRONTLINE], {"daily": {"kinds": ["INSPECTION"], "every": "DAY"}}
    )
    await f.record(session, worker, "INSPECTION", date(2026, 11, 20), [t["food"]])
    await rebuild(session, f.TODAY)  # 22 November: today's check is due, not missed
    key = {"person_id": worker.id, "post_id": line.id, "unit_id": t["food"].id, "weight_class": "DAILY"}
    assert await _tally(session, month=date(2026, 11, 1), **key) == (1, 0, 20)
    assert await refresh(session, f.TODAY + timedelta(days=1))
    assert await _tally(session, month=date(2026, 11, 1), **key) == (1, 0, 21)
    assert await _tally(session, month=date(2026, 12, 1), **key) is None
    assert await refresh(session, date(2026, 12, 2))
    assert await _tally(session, month=date(2026, 11, 1), **key) == (1, 0, 29)
    assert await _tally(session, month=date(2026, 12, 1), **key) == (0, 0, 1)
    month = await _own(session, t["food"].id, PeriodKind.MONTH, date(2026, 12, 1))
    assert (month.ob_weight, month.ob_lost, month.score) == (1, 100, 30.0)
    assert not await refresh(session, date(2026, 12, 2))  # already there
    await _assert_rebuild_agrees(session, date(2026, 12, 2))


async def _general_hazard(session: AsyncSession, unit: OrgUnit, found_on: date, deadline: date) -> Hazard:
    category = await hazards.create_category(
        session, code="general", name="一般隐患", domain="OTHER", major=False, description=None, basis=None,
        actor=HAZARD_SUPERVISOR,
    )  # fmt: skip
    hazard = await hazards.report_hazard(
        session, unit_id=unit.id, category_id=category.id, grade="GENERAL", title="消防通道堵塞",
        description="仓库消防通道堆放杂物", source="SUPERVISION", found_on=found_on, actor=HAZARD_SUPERVISOR,
        domain=unit.path, today=found_on,
    )  # fmt: skip
    await hazards.transition(
        session, hazard=hazard, action=Action.CONFIRM, note=None, actor=HAZARD_SUPERVISOR, today=found_on
    )
    await hazards.transition(
        session, hazard=hazard, action=Action.START_RECTIFICATION, note=None, actor=HAZARD_ENTERPRISE,
        today=found_on, deadline=deadline,
    )  # fmt: skip
    return hazard


async def test_an_open_hazard_turns_overdue_when_the_day_passes_its_deadline(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    await _general_hazard(session, t["food"], date(2026, 11, 10), deadline=f.TODAY)
    await rebuild(session, f.TODAY)
    november, quarter, year = date(2026, 11, 1), date(2026, 10, 1), date(2026, 1, 1)
    for kind, start in ((PeriodKind.MONTH, november), (PeriodKind.QUARTER, quarter), (PeriodKind.YEAR, year)):
        row = await _own(session, t["food"].id, kind, start)
        # Due today: open within its deadline, full credit.
        assert (row.hz_counted, row.hz_overdue, row.hz_weight, row.hz_lost, row.score) == (1, 0, 2, 0, 100.0)
    assert await refresh(session, f.TODAY + timedelta(days=1))
    for kind, start in ((PeriodKind.MONTH, november), (PeriodKind.QUARTER, quarter), (PeriodKind.YEAR, year)):
        row = await _own(session, t["food"].id, kind, start)
        # Overdue: no credit, the hazards' 30 points lost.
        assert (row.hz_counted, row.hz_overdue, row.hz_weight, row.hz_lost, row.score) == (1, 1, 2, 200, 70.0)
    tree_row = await session.scalar(
        select(UnitScore.hz_overdue).where(
            UnitScore.unit_id == t["district"].id, UnitScore.scope == "TREE", UnitScore.period_kind == "MONTH",
            UnitScore.period_start == november,
        )
    )  # fmt: skip
    assert tree_row == 1
    await _assert_rebuild_agrees(session, f.TODAY + timedelta(days=1))


async def test_a_score_with_nothing_left_to_count_goes(session: AsyncSession) -> None:
    """Rows whose sums all reach zero go, as a rebuild writes none."""
    t = await f.small_tree(session)
    category = await hazards.create_category(
        session, code="general", name="一般隐患", domain="OTHER", major=False, description=None, basis=None,
        actor=HAZARD_SUPERVISOR,
    )  # fmt: skip
    hazard = await hazards.report_hazard(
        session, unit_id=t["food"].id, category_id=category.id, grade="GENERAL", title="疑似隐患",
        description="待核实", source="SELF_CHECK", found_on=date(2026, 11, 20), actor=HAZARD_ENTERPRISE,
        domain=t["food"].path, today=f.TODAY,
    )  # fmt: skip
    await rebuild(session, f.TODAY)
    # The food company's OWN and TREE rows, and the TREE rows of its department, park and
    # district: for November, the fourth quarter and 2026.
    assert (await _counts(session))[1] == 15
    await hazards.transition(
        session,
        hazard=hazard,
        action=Action.REJECT,
        note="不构成隐患",
        actor=HAZARD_SUPERVISOR,
        today=f.TODAY,
    )
    assert (await _counts(session))[1] == 0
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_tenure_whose_end_is_removed_answers_for_the_vacancy_it_leaves(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    leader = await f.person(session, name="孙丙")
    row = await f.assign(session, deputy, leader, start=date(2024, 1, 1), end=date(2026, 6, 30))
    await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY_INSPECTION})
    await rebuild(session, f.TODAY)
    october = {"post_id": deputy.id, "month": date(2026, 10, 1)}
    assert await _tally(session, person_id=None, **october) == (0, 0, 1)  # vacant since July
    await posts.correct_assignment(
        session, assignment_id=row.id, version=row.version, reason="仍在任", end_date=None, today=f.TODAY
    )
    assert await _tally(session, person_id=None, **october) is None
    assert await _tally(session, person_id=leader.id, **october) == (0, 0, 1)
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_first_holder_dated_back_makes_the_post_owe_from_then(session: AsyncSession) -> None:
    """A post exists for its duties from its creation or its first holder's first day: a
    holder dated back to January leaves the post vacant, and owing, from July."""
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY_INSPECTION})
    await rebuild(session, f.TODAY)
    assert (await _counts(session))[0] == 0
    leader = await f.person(session, name="李丁")
    await posts.assign(
        session, post_id=deputy.id, person_id=leader.id, start_date=date(2026, 1, 1), end_date=date(2026, 6, 30),
        today=f.TODAY,
    )  # fmt: skip
    for month in range(7, 11):
        assert await _tally(session, person_id=None, post_id=deputy.id, month=date(2026, month, 1)) == (
            0,
            0,
            1,
        )
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_a_per_holder_duty_keeps_the_timing_its_periods_began_with(session: AsyncSession) -> None:
    """Quarterly while the enterprise is not high-risk, monthly once it is: its becoming so
    changes no period already begun, for a per-holder duty as for a post's."""
    t = await f.small_tree(session)
    plant = await tree.create_unit(
        session, kind=UnitKind.ENTERPRISE, code="E-PLANT", name="丁机械有限公司（演示）", parent_id=t["build"].id,
        enterprise=tree.EnterpriseAttrs(credit_code=f.credit_code(), trade=Trade.MACHINERY, staff_count=80),
        today=EARLY,
    )  # fmt: skip
    rule = {
        "kinds": ["ASSESSMENT"],
        "per": "HOLDER",
        "variants": [{"when": {"high_risk": True}, "every": "MONTH"}, {"every": "QUARTER"}],
    }
    await f.duty_list(session, t["park"], [PostKind.ADMINISTRATIVE_RESPONSIBLE], {"assess": rule})
    officer = await f.person(session, name="周戊")
    await f.assign(session, await f.post(session, plant, PostKind.ADMINISTRATIVE_RESPONSIBLE), officer)
    await rebuild(session, f.TODAY)
    key = {"person_id": officer.id, "post_id": None, "unit_id": plant.id}
    assert await _tally(session, month=date(2026, 9, 1), weight_class="QUARTERLY", **key) == (0, 0, 1)
    before = await snapshot(session)
    await tree.update_unit(
        session, unit_id=plant.id, version=plant.version, enterprise=tree.EnterpriseChanges(high_risk=True),
        today=f.TODAY,
    )  # fmt: skip
    assert await snapshot(session) == before  # no period has begun since
    await _assert_rebuild_agrees(session, f.TODAY)
    assert await refresh(session, date(2027, 1, 2))
    # The fourth quarter began before: quarterly. December began high-risk: monthly.
    assert await _tally(session, month=date(2026, 12, 1), weight_class="QUARTERLY", **key) == (0, 0, 1)
    assert await _tally(session, month=date(2026, 12, 1), weight_class="MONTHLY", **key) == (0, 0, 1)
    assert await _tally(session, month=date(2026, 11, 1), weight_class="MONTHLY", **key) is None
    await _assert_rebuild_agrees(session, date(2027, 1, 2))


async def test_taking_charge_of_a_unit_widens_a_critical_period_duty(session: AsyncSession) -> None:
    """A key date at the park asks the deputy to be at the park and at each unit below it
    that they are in charge of while it lasts."""
    t, deputy, leader = await _leader(session, {"on-site": {"kinds": ["ON_SITE"], "events": ["KEY_DATE"]}})
    await rec.declare_critical_period(
        session, unit_id=t["park"].id, kind="KEY_DATE", title="安全月", start=date(2026, 11, 10),
        end=date(2026, 11, 12), actor=SYSTEM, domain=t["park"].path,
    )  # fmt: skip
    await f.record(session, leader, "ON_SITE", date(2026, 11, 11), [t["park"]])
    await rebuild(session, f.TODAY)
    key = {"person_id": leader.id, "post_id": deputy.id, "month": date(2026, 11, 1), "weight_class": "EVENT"}
    assert await _tally(session, **key) == (1, 0, 0)
    charge = await charges.add_charge(
        session, post_id=deputy.id, unit_id=t["safety"].id, start_date=date(2026, 11, 1), today=f.TODAY
    )
    assert await _tally(session, **key) == (0, 0, 1)  # the safety department was not covered
    await _assert_rebuild_agrees(session, f.TODAY)
    await charges.end_charge(session, charge_id=charge.id, end_date=date(2026, 11, 5), today=f.TODAY)
    assert await _tally(session, **key) == (1, 0, 0)
    await _assert_rebuild_agrees(session, f.TODAY)


async def test_scores_a_migration_emptied_are_rebuilt_once(session: AsyncSession) -> None:
    """20261207_0015 empties the tallies (their meaning changed); `migrate` rebuilds them."""
    await _leader(session, {"check": MONTHLY_INSPECTION})
    assert await rebuild_if_emptied(session, f.TODAY) is False  # never built: nothing to redo
    await rebuild(session, f.TODAY)
    built = await snapshot(session)
    assert built.tallies
    await session.execute(delete(UnitScore))
    await session.execute(delete(ScoreTally))
    assert await rebuild_if_emptied(session, f.TODAY) is True
    assert await snapshot(session) == built
    assert await rebuild_if_emptied(session, f.TODAY) is False
