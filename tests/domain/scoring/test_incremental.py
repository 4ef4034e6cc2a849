"""The central invariant of compliance scoring: incremental maintenance equals a full rebuild.

Scores are materialised in `score_tally` (leaf counts) and `unit_score` (per unit, scope and
period: the weighted sums and the score). The services keep them current as they change the
evidence (`track`, `added`, `refresh_hazard_units`), and `refresh` moves them on when the day
does. The property: after any sequence of changes made through the services, on any day,
the tables hold exactly what `rebuild` writes for the same evidence on the same day.

Scenarios are drawn small (a park with one or two enterprises, a dozen posts, a few holders,
duty lists of every timing shape, a handful of changes) so that an example runs in well
under a second. The tests in test_incremental_cases.py pin down single cases: what one
record, one new day or one overdue hazard changes, that nothing is kept before the first
rebuild, and each case where maintenance once parted from a rebuild.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.scoring.maintain import rebuild
from domain.scoring.state import current_state
from tests.domain.scoring.incremental.scenario import Scenario, scenarios
from tests.domain.scoring.incremental.snapshot import difference, snapshot
from tests.domain.scoring.incremental.world import build
from tests.rollback import rolled_back

# The same examples on every run (derandomized), 30 of them. For a deeper search:
# HYPOTHESIS_SCORING_EXAMPLES=500 HYPOTHESIS_SCORING_RANDOM=1 (new examples each run), and
# HYPOTHESIS_SCORING_NO_SHRINK=1 to report the first failure at once (shrinking a failure
# takes minutes: every step replays a whole scenario against the database).
# The test takes the session-wide engine and rolls each example back itself (`rolled_back`):
# the per-test `session` fixture would carry one example's rows into the next.
EXAMPLES = int(os.environ.get("HYPOTHESIS_SCORING_EXAMPLES", "30"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("HYPOTHESIS_SCORING_RANDOM"),
    phases=[p for p in Phase if p is not Phase.shrink or not os.environ.get("HYPOTHESIS_SCORING_NO_SHRINK")],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY_SETTINGS
@given(spec=scenarios())
async def test_incremental_maintenance_equals_a_full_rebuild(engine: AsyncEngine, spec: Scenario) -> None:
    async with rolled_back(engine) as factory, factory() as session:
        world = await build(session, spec)
        await rebuild(session, spec.day0)
        for op in spec.ops:
            await world.apply(op)
        state = await current_state(session)
        assert state is not None and state.as_of == world.today
        kept = await snapshot(session)
        await rebuild(session, world.today)
        fresh = await snapshot(session)
        assert kept == fresh, (
            "maintained scores differ from a rebuild after:\n  "
            + "\n  ".join(world.trace)
            + "\n"
            + difference(kept, fresh)
        )
