"""The scoring benchmark's non-HTTP parts on a tiny generated province, in the test's
rolled-back transaction: the timed rebuild, the floor statement against the dashboard's
own query, and `create_record` with and without scores. So the script cannot rot unseen."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.generate_province import Options, build
from benchmarks.scores.dashboard import check_same, domain_numbers, floor_numbers, floor_statement
from benchmarks.scores.figures import parse_period
from benchmarks.scores.rebuild import measure_rebuild, score_rows
from benchmarks.scores.recording import frontline_holders, record_days, time_create_record, unrecorded_days
from benchmarks.scores.statements import LOWEST
from domain.duties.models import DutyRecord
from domain.scoring.formula import PeriodKind
from domain.scoring.models import ScoreState
from domain.tree.models import OrgUnit

TODAY = date(2025, 12, 31)


def test_periods() -> None:
    assert parse_period("2025") == (PeriodKind.YEAR, date(2025, 1, 1))
    assert parse_period("2025-Q3") == (PeriodKind.QUARTER, date(2025, 7, 1))
    assert parse_period("2025-07") == (PeriodKind.MONTH, date(2025, 7, 1))


async def test_the_benchmark_at_a_tiny_scale(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    opts = Options(districts=1, parks=2, enterprises=40, posts=200, records=2_000, hazards=300, year=2025)
    await build(session, opts, out=lambda _: None)
    await session.commit()

    total, _, timings = await measure_rebuild(session_factory, TODAY)
    assert {"delete", "hazards", "compute", "tally", "write", "total"} <= set(timings)
    assert total >= timings["total"]
    tallies, scores = await score_rows(session_factory)
    assert tallies and scores

    district = await session.scalar(select(OrgUnit.id).where(OrgUnit.kind == "DISTRICT"))
    assert district is not None
    for kind, start in (parse_period("2025"), parse_period("2025-Q2"), parse_period("2025-11")):
        expected = await domain_numbers(session, district, kind, start)
        conn = await session.connection()
        found = await floor_numbers(conn, floor_statement(conn.dialect.name), district, kind, start)
        assert len(found) == 2 and all(len(p.lowest) == LOWEST for p in found)
        check_same(expected, found)

    holders = await frontline_holders(session, TODAY, 3)
    days = await unrecorded_days(session, holders, record_days(TODAY, 3))
    for holder, day in zip(holders, days, strict=True):
        # A day the holder has no record of: the record changes what the scores count.
        assert day.year == TODAY.year
        assert not await session.scalar(
            select(func.count())
            .select_from(DutyRecord)
            .where(DutyRecord.recorder_person_id == holder.person_id, DutyRecord.performed_on == day)
        )
    records = await session.scalar(select(func.count()).select_from(DutyRecord))
    with_scores = await time_create_record(session_factory, holders, days, TODAY, scores=True)
    without = await time_create_record(session_factory, holders, days, TODAY, scores=False)
    assert len(with_scores) == len(without) == 3
    # Both rolled back: no record stays, and the scores are still there.
    assert await session.scalar(select(func.count()).select_from(DutyRecord)) == records
    assert await session.scalar(select(func.count()).select_from(ScoreState)) == 1
