"""Scenario operations on who answers for what: tenures, charges and enterprise profiles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from domain.inputs import UNSET
from domain.posts import charges
from domain.posts import service as posts
from domain.posts.kinds import MAY_BE_IN_CHARGE
from domain.posts.models import Assignment, Post, PostCharge, effective_assignment
from domain.tree import service as tree
from domain.tree.kinds import RiskClass
from domain.tree.models import OrgUnit
from tests.domain.scoring.incremental.scenario import HOLDERS_FROM, pick
from tests.domain.scoring.incremental.world_state import WorldState


class PostOps(WorldState):
    """Tenures, posts' charges and enterprise profiles, changed through their services."""

    async def op_assign(self, a: int, b: int, c: int, d: int) -> str:
        post_ids = await self.post_ids()
        post_id = post_ids[a % len(post_ids)]
        person = self.persons[b % len(self.persons)]
        if c % 4 == 0 and self.period_days:
            start = self.period_days[c // 4 % len(self.period_days)]
        else:
            start = pick(c, HOLDERS_FROM, self.today + timedelta(days=30))
        end = None if d % 3 == 0 else start + timedelta(days=d // 3 % 300)
        row = await posts.assign(
            self.session, post_id=post_id, person_id=person, start_date=start, end_date=end, today=self.today
        )
        return f"assign p{person} to post {post_id} from {start} to {end} (#{row.id})"

    async def _effective_assignments(self, *, open_only: bool) -> list[Assignment]:
        stmt = select(Assignment).where(effective_assignment()).order_by(Assignment.id)
        if open_only:
            stmt = stmt.where(Assignment.end_date.is_(None))
        return list((await self.session.scalars(stmt)).all())

    async def op_end_assignment(self, a: int, b: int, c: int, d: int) -> str:
        rows = await self._effective_assignments(open_only=True)
        if not rows:
            return "end assignment: none open"
        row = rows[a % len(rows)]
        # Often near today, on either side: a tenure ending later this period changes what
        # its holder owes of it now.
        near = max(row.start_date, self.today - timedelta(days=20))
        end = pick(
            b // 2, near if b % 2 else row.start_date, max(row.start_date, self.today + timedelta(days=45))
        )
        await posts.end_assignment(self.session, assignment_id=row.id, end_date=end, today=self.today)
        return f"end assignment #{row.id} (p{row.person_id} on post {row.post_id} from {row.start_date}) on {end}"

    async def op_correct_assignment(self, a: int, b: int, c: int, d: int) -> str:
        rows = await self._effective_assignments(open_only=False)
        if not rows:
            return "correct assignment: none"
        row = rows[a % len(rows)]
        was = f"#{row.id} (p{row.person_id} on post {row.post_id} {row.start_date}..{row.end_date})"
        mode = b % 4
        kwargs: dict[str, Any] = {}
        if mode == 0:
            kwargs["withdraw"] = True
        elif mode == 1:
            kwargs["start_date"] = pick(c, HOLDERS_FROM, self.today + timedelta(days=20))
        elif mode == 2:
            near = max(row.start_date, self.today - timedelta(days=20))
            kwargs["end_date"] = None if c % 4 == 0 else pick(c // 8, near if c % 8 >= 4 else row.start_date,
                                                              self.today + timedelta(days=60))  # fmt: skip
        else:
            kwargs["person_id"] = self.persons[c % len(self.persons)]
        new = await posts.correct_assignment(
            self.session, assignment_id=row.id, version=row.version, reason="更正", today=self.today, **kwargs
        )
        return f"correct assignment {was} with {kwargs} (#{new.id})"

    async def op_add_charge(self, a: int, b: int, c: int, d: int) -> str:
        leaders = (
            await self.session.scalars(
                select(Post).where(Post.kind.in_([k.value for k in MAY_BE_IN_CHARGE])).order_by(Post.id)
            )
        ).all()
        post = leaders[a % len(leaders)]
        unit = self.units[b % len(self.units)]
        start = self.performed(c)
        await charges.add_charge(self.session, post_id=post.id, unit_id=unit.id, start_date=start,
                                 today=self.today)  # fmt: skip
        return f"post {post.id} ({post.kind}) takes charge of {self.unit_label(unit.id)} from {start}"

    async def op_end_charge(self, a: int, b: int, c: int, d: int) -> str:
        rows = (
            await self.session.scalars(
                select(PostCharge).where(PostCharge.end_date.is_(None)).order_by(PostCharge.id)
            )
        ).all()
        if not rows:
            return "end charge: none open"
        row = rows[a % len(rows)]
        end = pick(b, row.start_date, max(row.start_date, self.today + timedelta(days=30)))
        await charges.end_charge(self.session, charge_id=row.id, end_date=end, today=self.today)
        return f"post {row.post_id} gives up {self.unit_label(row.unit_id)} (from {row.start_date}) on {end}"

    async def op_update_profile(self, a: int, b: int, c: int, d: int) -> str:
        unit = await self.session.get(OrgUnit, self.enterprises[a % len(self.enterprises)])
        assert unit is not None
        change = b % 4
        if change == 0:
            changes = tree.EnterpriseChanges(high_risk=not unit.high_risk)
        elif change == 1:
            changes = tree.EnterpriseChanges(placarded=not unit.placarded)
        elif change == 2:
            changes = tree.EnterpriseChanges(staff_count=80 if (unit.staff_count or 0) < 50 else 12)
        else:
            classes = [None, RiskClass.A, RiskClass.B, RiskClass.C, RiskClass.D]
            changes = tree.EnterpriseChanges(risk_class=classes[c % len(classes)])
        await tree.update_unit(self.session, unit_id=unit.id, version=unit.version, enterprise=changes,
                               today=self.today)  # fmt: skip
        shown = {k: v for k, v in vars(changes).items() if v is not UNSET}
        return f"update {self.unit_label(unit.id)}: {shown}"
