"""The state of a scenario's world and how it reads its evidence back; the operations that change
it are the mixins of `world.World`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.models import Assignment, Post, effective_assignment
from domain.tree.models import OrgUnit
from tests.domain.scoring.incremental.scenario import EDGE_DAYS, EVIDENCE_FROM, ItemRef, pick


@dataclass
class WorldState:
    """The scenario's evidence on `today`, and how to read it back."""

    session: AsyncSession
    today: date
    units: list[OrgUnit] = field(default_factory=list)
    enterprises: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    items: list[ItemRef] = field(default_factory=list)
    general_category: int = 0
    labels: dict[int, str] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)
    # Days in and just after the critical periods declared: evidence and tenures are drawn
    # to them, where a period's duty meets records, holders and the units in charge.
    period_days: list[date] = field(default_factory=list)

    # -- reading the evidence back --------------------------------------------------------

    async def post_ids(self) -> list[int]:
        return list((await self.session.scalars(select(Post.id).order_by(Post.id))).all())

    async def held(self, person_id: int) -> tuple[list[int], list[str]]:
        """The units of the posts the person holds or held, and the kinds of record their
        duties name."""
        rows = (
            await self.session.execute(
                select(Post.unit_id, Post.kind)
                .join(Assignment, Assignment.post_id == Post.id)
                .where(Assignment.person_id == person_id, effective_assignment())
            )
        ).all()
        post_kinds = {k for _, k in rows}
        kinds = {k for i in self.items if post_kinds & set(i.post_kinds) for k in i.record_kinds}
        return sorted({u for u, _ in rows}), sorted(kinds)

    def unit_label(self, unit_id: int) -> str:
        return self.labels.get(unit_id, f"unit#{unit_id}")

    def performed(self, n: int) -> date:
        """A day for evidence: often within the last weeks, sometimes on an edge (of SINCE, of
        a year, of the deputy's charge) or in a critical period, else anywhere since
        EVIDENCE_FROM."""
        if n % 3 == 0:
            return max(EVIDENCE_FROM, self.today - timedelta(days=n // 3 % 40))
        if n % 3 == 1 and n // 3 % 3 == 0:
            edges = [e for e in EDGE_DAYS if e <= self.today]
            return edges[n // 9 % len(edges)]
        near = [e for e in self.period_days if e <= self.today]
        if n % 3 == 1 and n // 3 % 3 == 1 and near:
            return near[n // 9 % len(near)]
        return pick(n // 3, EVIDENCE_FROM, self.today)

    def declared(self, start: date, end: date) -> None:
        self.period_days += [start + timedelta(days=k) for k in range((end - start).days + 4)]
