"""Overdue major hazards escalate to the park, then the district, once each."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.hazards import service
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice
from domain.hazards.states import Action
from domain.tree.models import OrgUnit
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f

SUPERVISOR = Actor("person:900")
ENTERPRISE = Actor("person:901")


async def _major(session: AsyncSession, unit: OrgUnit, deadline: date) -> Hazard:
    major = await session.scalar(select(HazardCategory.id).where(HazardCategory.code == "confined-permit"))
    assert major is not None
    hazard = await service.report_hazard(
        session, unit_id=unit.id, category_id=major, grade="MAJOR", title="有限空间作业未审批",
        description="污水池清淤未办理审批", source="SUPERVISION", found_on=date(2026, 5, 1), actor=SUPERVISOR,
        domain=unit.path, today=date(2026, 5, 1),
    )  # fmt: skip
    await service.transition(
        session, hazard=hazard, action=Action.CONFIRM, note=None, actor=SUPERVISOR, today=date(2026, 5, 2)
    )
    boss = await f.person(session, name="负责人（演示）")
    await service.set_plan(
        session, hazard=hazard, measures="落实审批与监护", responsible_person_id=boss.id, funds="2000",
        deadline=deadline, contingency_plan="配备呼吸器与救援三脚架", actor=ENTERPRISE,
    )  # fmt: skip
    await service.transition(
        session,
        hazard=hazard,
        action=Action.START_RECTIFICATION,
        note=None,
        actor=ENTERPRISE,
        today=date(2026, 5, 3),
    )
    return hazard


async def test_escalation_to_the_park_then_the_district(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    await load_hazard_categories(session)
    late = await _major(session, t["chem"], date(2026, 6, 1))
    on_time = await _major(session, t["chem"], date(2026, 7, 1))

    assert await service.escalate_overdue(session, date(2026, 6, 1)) == 0  # due today: not yet overdue
    assert await service.escalate_overdue(session, date(2026, 6, 2)) == 1
    assert await service.escalate_overdue(session, date(2026, 6, 5)) == 0  # once per level
    assert await service.escalate_overdue(session, date(2026, 6, 9)) == 1  # 8 days late: the district
    assert await service.escalate_overdue(session, date(2026, 6, 30)) == 0

    notices = (
        await session.execute(
            select(HazardNotice.hazard_id, HazardNotice.unit_id, HazardNotice.kind).where(
                HazardNotice.kind == "ESCALATION"
            )
        )
    ).all()
    assert [(h, u) for h, u, _ in notices] == [(late.id, t["park"].id), (late.id, t["district"].id)]
    history = (
        await session.scalars(
            select(HazardEvent)
            .where(HazardEvent.hazard_id == late.id, HazardEvent.kind == "ESCALATED")
            .order_by(HazardEvent.id)
        )
    ).all()
    assert [e.data["level"] for e in history if e.data] == ["PARK", "DISTRICT"]
    assert all(e.actor == "system" and e.note for e in history)

    # Closed, it escalates no more; the one still within its deadline never did.
    await service.transition(
        session,
        hazard=late,
        action=Action.SUBMIT_RECTIFICATION,
        note=None,
        actor=ENTERPRISE,
        today=date(2026, 7, 2),
    )
    await service.transition(
        session,
        hazard=late,
        action=Action.PASS_VERIFICATION,
        note=None,
        actor=SUPERVISOR,
        today=date(2026, 7, 3),
    )
    assert await service.escalate_overdue(session, date(2026, 7, 3)) == 1  # the other is now 2 days late
    assert {
        n
        for (n,) in (
            await session.execute(select(HazardNotice.hazard_id).where(HazardNotice.kind == "ESCALATION"))
        ).all()
    } == {
        late.id,
        on_time.id,
    }
