"""Obligation statuses as the evidence and the units change, through the domain services:
exemptions, corrected and withdrawn records, critical periods, and the rule and the set to
cover that a period keeps from when it began.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM, Actor
from domain.duties import records as rec
from domain.duties.models import DutyRecord
from domain.duties.obligations import NotApplicableReason, Obligation, Status
from domain.duties.queries import obligations_of_person
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.tree import service as tree
from domain.tree.kinds import Trade, UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.domain.duties.obligation_helpers import (
    MONTHLY_INSPECTION,
    post_obligations,
    responsible_post,
)


async def _request_exemption(
    session: AsyncSession,
    at: OrgUnit,
    post: Post | None,
    person_id: int | None,
    list_id: int,
    key: str,
    start: date,
    end: date,
    today: date,
) -> DutyRecord:
    officer = await f.person(session, name="陈壬")
    return await rec.request_exemption(
        session,
        post=post,
        person_id=person_id,
        list_id=list_id,
        item_key=key,
        start=start,
        end=end,
        reason="岗位空缺，待任命（演示）",
        recorder=Actor(subject=f"person:{officer.id}", person_id=officer.id),
        unit_id=at.id,
        domain=at.path,
        today=today,
    )


async def _approve(session: AsyncSession, at: OrgUnit, request: DutyRecord) -> None:
    approver = await f.person(session, name="褚癸")
    await rec.decide_exemption(
        session,
        record=request,
        approved=True,
        note=None,
        decider=Actor(subject=f"person:{approver.id}", person_id=approver.id),
        holder_ids=set(),
        domain=at.path,
    )


async def test_a_month_left_undone_is_missed_by_the_post_and_answered_by_its_holder_until_exempted(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    lst = await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"check": MONTHLY_INSPECTION})
    a = await f.person(session, name="冯辛")
    await f.assign(session, principal, a, start=date(2024, 1, 1), end=date(2024, 1, 5))
    found = await post_obligations(
        session, principal.id, date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 10)
    )
    # The post owed January: A's five days and the vacancy after them share its miss; A,
    # the last holder before the due date, carries it for the post.
    assert sorted(((o.person_id or 0), o.status, o.answering) for o in found) == [
        (0, Status.MISSED, True),
        (a.id, Status.MISSED, False),
    ]
    vacant = next(o for o in found if o.person_id is None)
    assert (vacant.share_start, vacant.share_end) == (date(2024, 1, 6), date(2024, 1, 31))
    assert next(o for o in found if o.person_id == a.id).held_days == 5

    request = await _request_exemption(
        session,
        t["park"],
        principal,
        None,
        lst.id,
        "check",
        date(2024, 1, 1),
        date(2024, 1, 31),
        date(2024, 2, 10),
    )
    # Not yet approved: still missed.
    found = await post_obligations(
        session, principal.id, date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 10)
    )
    assert next(o for o in found if o.person_id is None).status is Status.MISSED
    await _approve(session, t["park"], request)
    found = await post_obligations(
        session, principal.id, date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 10)
    )
    for share in found:
        assert share.status is Status.NOT_APPLICABLE
        assert share.not_applicable_reason is NotApplicableReason.EXEMPTED
        assert share.exemption_record_id == request.id


async def test_a_corrected_record_counts_as_corrected_and_a_withdrawn_one_not_at_all(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    leader = await f.person(session, name="卫子")
    await f.assign(session, deputy, leader)
    await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY_INSPECTION})
    wrong = await f.record(session, leader, "INSPECTION", date(2024, 3, 10), [t["chem"]])
    me = Actor(subject=f"person:{leader.id}", person_id=leader.id)

    async def march() -> Obligation:
        found = await post_obligations(
            session, deputy.id, date(2024, 3, 1), date(2024, 4, 30), date(2024, 5, 2)
        )
        return next(o for o in found if o.period_start == date(2024, 3, 1))

    assert (await march()).status is Status.DONE_ON_TIME
    # The inspection was in fact on 2 April: March was missed, April done.
    fixed = await rec.correct_record(
        session,
        record_id=wrong.id,
        data=rec.RecordInput(
            kind="INSPECTION", performed_on=date(2024, 4, 2), title="安全检查", unit_ids=[t["chem"].id]
        ),
        reason="日期录错",
        recorder=me,
        domain=t["chem"].path,
        today=f.TODAY,
    )
    assert fixed.corrects_id == wrong.id
    assert (await march()).status is Status.MISSED
    found = await post_obligations(session, deputy.id, date(2024, 4, 1), date(2024, 4, 30), date(2024, 5, 2))
    assert found[0].on_time_record_ids == [fixed.id]
    await rec.withdraw_record(
        session, record_id=fixed.id, reason="检查未实际开展", recorder=me, domain=t["chem"].path
    )
    found = await post_obligations(session, deputy.id, date(2024, 4, 1), date(2024, 4, 30), date(2024, 5, 2))
    assert found[0].status is Status.MISSED
    # Both earlier rows are still there, unchanged.
    rows = {r.id: r for r in (await session.scalars(select(DutyRecord))).all()}
    assert rows[wrong.id].performed_on == date(2024, 3, 10) and rows[fixed.id].withdrawn is False


async def test_on_site_at_critical_periods_per_holder(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    rule = {
        "kinds": ["ON_SITE"],
        "events": ["KEY_DATE", "RESUMPTION", "EMERGENCY", "ACCIDENT"],
        "per": "HOLDER",
    }
    await f.duty_list(session, t["park"], [PostKind.ADMINISTRATIVE_RESPONSIBLE], {"on-site": rule})
    officer = await f.person(session, name="蒋丑")
    await f.assign(session, await responsible_post(session, t["chem"]), officer)
    second = await f.enterprise(
        session, t["safety"], name="丙化工（演示）", placarded=True, trade=Trade.HAZARDOUS_CHEMICALS
    )
    await f.assign(session, await responsible_post(session, second), officer)
    holiday = await rec.declare_critical_period(
        session,
        unit_id=t["park"].id,
        kind="KEY_DATE",
        title="国庆假期",
        start=date(2024, 10, 1),
        end=date(2024, 10, 7),
        actor=SYSTEM,
        domain=t["park"].path,
    )
    accident = await rec.declare_critical_period(
        session,
        unit_id=t["food"].id,
        kind="ACCIDENT",
        title="他企事故",
        start=date(2024, 10, 3),
        end=date(2024, 10, 3),
        actor=SYSTEM,
        domain=t["food"].path,
    )
    await f.record(session, officer, "ON_SITE", date(2024, 10, 2), [t["chem"]])
    found = await obligations_of_person(
        session, officer.id, date(2024, 10, 1), date(2024, 10, 31), date(2024, 10, 9)
    )
    assert [o.event_id for o in found] == [holiday.id]  # the food enterprise is not theirs
    assert set(found[0].target_unit_ids) == {t["chem"].id, second.id}
    assert found[0].missing_unit_ids == (second.id,) and found[0].status is Status.MISSED
    assert accident.id not in {o.event_id for o in found}


async def test_a_period_keeps_the_rule_the_enterprise_had_when_it_began(session: AsyncSession) -> None:
    """Becoming high-risk on 10 May: the quarters begun before keep the quarterly check; the
    monthly one applies from June, the first month that begins high-risk."""
    t = await f.small_tree(session)
    plant = await tree.create_unit(
        session,
        kind=UnitKind.ENTERPRISE,
        code="E-PLANT",
        name="丁机械有限公司（演示）",
        parent_id=t["build"].id,
        enterprise=tree.EnterpriseAttrs(
            credit_code=f.credit_code(), trade=Trade.MACHINERY, staff_count=80, placarded=False
        ),
        today=date(2024, 1, 1),
    )
    rule = {
        "kinds": ["INSPECTION"],
        "variants": [{"when": {"high_risk": True}, "every": "MONTH"}, {"every": "QUARTER"}],
    }
    await f.duty_list(session, t["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"major-hazard-check": rule})
    boss_post = await f.post(session, plant, PostKind.ENTERPRISE_PRINCIPAL)
    await f.assign(session, boss_post, await f.person(session, name="沈寅"))
    await tree.update_unit(
        session,
        unit_id=plant.id,
        version=plant.version,
        enterprise=tree.EnterpriseChanges(high_risk=True),
        today=date(2024, 5, 10),
    )
    found = await post_obligations(
        session, boss_post.id, date(2024, 1, 1), date(2024, 9, 30), date(2024, 10, 1)
    )
    assert [(o.period_start, o.period_end) for o in found] == [
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 6, 30)),
        (date(2024, 6, 1), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 7, 31)),
        (date(2024, 8, 1), date(2024, 8, 31)),
        (date(2024, 9, 1), date(2024, 9, 30)),
    ]


async def test_the_set_to_cover_is_the_enterprises_placarded_when_the_period_began(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    coverage = {"kinds": ["INSPECTION"], "every": "HALF_YEAR", "coverage": "PLACARDED", "per": "HOLDER"}
    await f.duty_list(session, t["park"], [PostKind.ADMINISTRATIVE_RESPONSIBLE], {"cover": coverage})
    officer = await f.person(session, name="韩卯")
    await f.assign(session, await responsible_post(session, t["chem"]), officer)
    later = await tree.create_unit(
        session,
        kind=UnitKind.ENTERPRISE,
        code="E-LATER",
        name="戊材料有限公司（演示）",
        parent_id=t["safety"].id,
        enterprise=tree.EnterpriseAttrs(
            credit_code=f.credit_code(), trade=Trade.OTHER, staff_count=40, placarded=False
        ),
        today=date(2024, 1, 1),
    )
    # Placarded on 1 May: its responsible posts appear, and the officer takes one at once.
    later = await tree.update_unit(
        session, unit_id=later.id, version=later.version, enterprise=tree.EnterpriseChanges(placarded=True),
        today=date(2024, 5, 1),
    )  # fmt: skip
    await f.assign(session, await responsible_post(session, later), officer, start=date(2024, 5, 1))
    found = await obligations_of_person(
        session, officer.id, date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 5)
    )
    targets = {o.period_start: set(o.target_unit_ids) for o in found}
    assert targets == {date(2024, 1, 1): {t["chem"].id}, date(2024, 7, 1): {t["chem"].id, later.id}}


async def test_a_holders_own_duty_is_exempted_by_an_exemption_of_the_person(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    guidance = {"kinds": ["INSPECTION"], "every": "MONTH", "per": "HOLDER"}
    lst = await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], {"guidance": guidance})
    holder = await f.person(session, name="卫子")
    await f.assign(session, deputy, holder, start=date(2024, 1, 1))
    # No post: the holder's own duty, whatever post they hold.
    request = await _request_exemption(
        session,
        t["park"],
        None,
        holder.id,
        lst.id,
        "guidance",
        date(2024, 2, 1),
        date(2024, 2, 29),
        date(2024, 3, 10),
    )
    await _approve(session, t["park"], request)
    found = await obligations_of_person(
        session, holder.id, date(2024, 1, 1), date(2024, 2, 29), date(2024, 3, 10)
    )
    owed = {o.period_start: (o.status, o.exemption_record_id) for o in found if o.item_key == "guidance"}
    assert owed == {
        date(2024, 1, 1): (Status.MISSED, None),
        date(2024, 2, 1): (Status.NOT_APPLICABLE, request.id),
    }
