"""Scenario operations on hazards and on the day itself."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.hazards import service as hazards
from domain.hazards.models import Hazard
from domain.hazards.states import Action, HazardState
from domain.scoring.maintain import refresh
from tests.domain.scoring.incremental.scenario import (
    EVIDENCE_FROM,
    HAZARD_ENTERPRISE,
    HAZARD_SUPERVISOR,
    LAST_DAY,
    pick,
)
from tests.domain.scoring.incremental.world_state import WorldState


class HazardOps(WorldState):
    """Hazards reported and moved along, and the day moving on."""

    async def op_report_hazard(self, a: int, b: int, c: int, d: int) -> str:
        return await self.report(a, b, c)

    async def report(self, a: int, b: int, c: int) -> str:
        places = [*self.enterprises, self.units[2].id, self.units[1].id]
        unit_id = places[a % len(places)]
        grade = "MAJOR" if b % 3 == 0 else "GENERAL"
        found_on = pick(c, EVIDENCE_FROM, self.today)
        hazard = await hazards.report_hazard(
            self.session, unit_id=unit_id, category_id=self.general_category, grade=grade, title="隐患",
            description="隐患描述", source="SELF_CHECK", found_on=found_on, actor=HAZARD_SUPERVISOR, domain="/",
            today=self.today,
        )  # fmt: skip
        return f"report {grade} hazard #{hazard.id} at {self.unit_label(unit_id)} found {found_on}"

    async def op_hazard_step(self, a: int, b: int, c: int, d: int) -> str:
        rows = list((await self.session.scalars(select(Hazard).order_by(Hazard.id))).all())
        if not rows:
            return "hazard step: no hazards"
        hazard = rows[a % len(rows)]
        state = HazardState(hazard.state)
        what = f"hazard #{hazard.id} ({hazard.grade}, {state.value}, deadline {hazard.deadline})"
        s = self.session
        if state is HazardState.REPORTED:
            action = Action.REJECT if b % 4 == 0 else Action.CONFIRM
            await hazards.transition(s, hazard=hazard, action=action, note="不予认定", actor=HAZARD_SUPERVISOR,
                                     today=self.today)  # fmt: skip
            return f"{what}: {action.value}"
        if state is HazardState.CONFIRMED:
            deadline = hazard.found_on + timedelta(days=c % 90)
            if hazard.grade == "MAJOR":
                await hazards.set_plan(
                    s, hazard=hazard, measures="整改", responsible_person_id=self.persons[0], funds="100",
                    deadline=deadline, contingency_plan="预案", actor=HAZARD_ENTERPRISE,
                )  # fmt: skip
                await hazards.transition(s, hazard=hazard, action=Action.START_RECTIFICATION, note=None,
                                         actor=HAZARD_ENTERPRISE, today=self.today)  # fmt: skip
            else:
                await hazards.transition(s, hazard=hazard, action=Action.START_RECTIFICATION, note=None,
                                         actor=HAZARD_ENTERPRISE, today=self.today, deadline=deadline)  # fmt: skip
            return f"{what}: rectification to {deadline}"
        if state is HazardState.RECTIFYING:
            if b % 3 == 0 and hazard.deadline is not None:
                later = hazard.deadline + timedelta(days=1 + c % 30)
                await hazards.request_extension(
                    s, hazard=hazard, deadline=later, reason="延期", actor=HAZARD_ENTERPRISE
                )
                approve = d % 2 == 0
                await hazards.decide_extension(s, hazard=hazard, approve=approve, note="审批",
                                               actor=HAZARD_SUPERVISOR)  # fmt: skip
                return f"{what}: extension to {later} {'approved' if approve else 'refused'}"
            await hazards.transition(s, hazard=hazard, action=Action.SUBMIT_RECTIFICATION, note=None,
                                     actor=HAZARD_ENTERPRISE, today=self.today)  # fmt: skip
            return f"{what}: submitted"
        if state is HazardState.RECTIFIED:
            action = Action.FAIL_VERIFICATION if b % 3 == 0 else Action.PASS_VERIFICATION
            await hazards.transition(s, hazard=hazard, action=action, note="验收", actor=HAZARD_SUPERVISOR,
                                     today=self.today)  # fmt: skip
            return f"{what}: {action.value}"
        return f"{what}: nothing to do"

    async def op_move_day(self, a: int, b: int, c: int, d: int) -> str:
        later = min(self.today + timedelta(days=1 + a % 45), LAST_DAY)
        if later == self.today:
            return "the day stays (the last day of scenarios)"
        assert await refresh(self.session, later)
        was, self.today = self.today, later
        return f"move the day on from {was}"
