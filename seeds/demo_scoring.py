"""Demo scoring: a district's own scheme version for the coming quarter, and the enterprises
classed A/B/C/D from the last closed quarter (so classes have a history and feed rules)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.scoring.classes import classify
from domain.scoring.formula import PeriodKind, period_end, period_start
from domain.scoring.schemes import publish_scheme
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit

# The demo district weighs hazards more from next quarter (a plainly fictional policy).
DEMO_WEIGHTS = {
    "points": {"obligations": 60, "hazards": 40},
    "hazardWeights": {"GENERAL": 2, "MAJOR": 15},
}


async def load_demo_scoring(session: AsyncSession, today: date) -> dict[str, int]:
    districts = (await session.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.DISTRICT.value))).all()
    next_quarter = period_end(PeriodKind.QUARTER, period_start(PeriodKind.QUARTER, today)) + timedelta(days=1)
    last_quarter = period_start(
        PeriodKind.QUARTER, period_start(PeriodKind.QUARTER, today) - timedelta(days=1)
    )
    versions = classes = 0
    for d in districts:
        await publish_scheme(
            session,
            district_id=d.id,
            effective_from=next_quarter,
            weights=DEMO_WEIGHTS,
            note="演示：自下季度起提高隐患分值 / demo: hazards weigh more from next quarter",
            actor=SYSTEM,
            domain=d.path,
            today=today,
        )
        versions += 1
        done = await classify(
            session,
            within=d,
            kind=PeriodKind.QUARTER,
            start=last_quarter,
            actor=SYSTEM,
            domain=d.path,
            today=today,
        )
        classes += len(done.decided)
    return {"scheme_versions": versions, "enterprise_classes": classes}
