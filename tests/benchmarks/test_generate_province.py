"""The province generator at a tiny scale, in the test's rolled-back transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks.generate_province import Options, build
from domain.duties.models import DutyRecord
from domain.duties.queries import obligations_of_posts, posts_of_unit
from domain.hazards.models import Hazard
from domain.hazards.states import HazardState
from domain.posts.models import Post
from domain.tree.models import OrgUnit


async def test_builds_a_tiny_province(session: AsyncSession) -> None:
    opts = Options(
        districts=1, parks=2, enterprises=40, posts=200, records=2_000, hazards=300, year=2025, seed=1
    )
    summary = await build(session, opts, out=lambda _: None)

    kinds = dict((await session.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind))).all())
    assert kinds == {"DISTRICT": 1, "PARK": 2, "DEPARTMENT": 16, "ENTERPRISE": 40}
    assert await session.scalar(select(func.count()).select_from(Post)) == 200
    assert await session.scalar(select(func.count()).select_from(DutyRecord)) == 2_000
    states = dict((await session.execute(select(Hazard.state, func.count()).group_by(Hazard.state))).all())
    assert sum(states.values()) == 300
    assert set(states) == {s.value for s in HazardState}
    assert summary.records == 2_000 and sum(summary.hazards.values()) == 300

    park = summary.park_paths[0]
    obligations = await obligations_of_posts(
        session, posts_of_unit(park, subtree=True), date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 15)
    )
    assert obligations
