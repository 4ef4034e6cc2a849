"""The ledger's builders: the subtree and filters a list offers, and counts by state."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards import ledger
from domain.hazards import states as st
from domain.hazards.models import Hazard, HazardCategory
from domain.tree.models import OrgUnit
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f

TODAY = date(2024, 6, 1)


async def _hazard(
    session: AsyncSession, unit: OrgUnit, grade: st.Grade, state: st.HazardState, deadline: date | None
) -> int:
    await load_hazard_categories(session)
    category = await session.scalar(select(HazardCategory.id).order_by(HazardCategory.id).limit(1))
    assert category is not None
    row = Hazard(
        unit_id=unit.id,
        category_id=category,
        grade=grade.value,
        title="隐患",
        description="描述",
        source=st.Source.SELF_CHECK.value,
        found_on=date(2024, 3, 1),
        found_by="person:1",
        state=state.value,
        deadline=deadline,
    )
    session.add(row)
    await session.flush()
    return row.id


async def _ids(session: AsyncSession, stmt: object) -> set[int]:
    return {h.id for h in (await session.scalars(stmt)).all()}  # type: ignore[call-overload]


async def test_the_ledger_of_a_subtree_filtered_and_counted(session: AsyncSession) -> None:
    units = await f.small_tree(session)
    late = await _hazard(session, units["chem"], st.Grade.MAJOR, st.HazardState.RECTIFYING, date(2024, 5, 1))
    fresh = await _hazard(session, units["chem"], st.Grade.GENERAL, st.HazardState.REPORTED, None)
    other = await _hazard(session, units["food"], st.Grade.GENERAL, st.HazardState.CLOSED, None)

    everywhere = ledger.ledger(true(), TODAY)
    assert {late, fresh, other} <= await _ids(session, everywhere)
    safety = ledger.ledger(true(), TODAY, unit_given=True, unit_path=units["safety"].path)
    assert await _ids(session, safety) == {late, fresh}
    assert await _ids(session, ledger.ledger(true(), TODAY, unit_given=True, unit_path=None)) == set()

    park = units["park"].path
    overdue = ledger.ledger(
        true(), TODAY, unit_given=True, unit_path=park, flt=ledger.LedgerFilter(overdue=True)
    )
    assert await _ids(session, overdue) == {late}
    on_time = ledger.LedgerFilter(overdue=False, grades=[st.Grade.GENERAL.value])
    assert await _ids(
        session, ledger.ledger(true(), TODAY, unit_given=True, unit_path=park, flt=on_time)
    ) == {
        fresh,
        other,
    }

    counts = await ledger.ledger_counts(
        session, ledger.ledger(true(), TODAY, unit_given=True, unit_path=park), TODAY
    )
    by_state = {c.state: c for c in counts}
    assert by_state[st.HazardState.RECTIFYING] == ledger.StateCounts(st.HazardState.RECTIFYING, 1, 1, 1)
    assert by_state[st.HazardState.CLOSED].overdue == 0
    assert sum(c.hazards for c in counts) == 3
