"""The full rebuild in worker processes equals the rebuild in one, on a database of its own
(workers read committed data, so not the rolled-back test connection); on PostgreSQL the
indexes it drops for the writing are all back afterwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from benchmarks.generate_province import Options, build
from benchmarks.synthetic import table_of
from domain.db import create_session_factory
from domain.scoring.maintain import rebuild
from domain.scoring.models import ScoreTally, UnitScore
from tests.conftest import migrated_database
from tests.domain.scoring.incremental.snapshot import difference, snapshot

TODAY = date(2025, 12, 31)


def _indexes(sync_conn: Connection, table: str) -> set[str]:
    """The names of the table's indexes, from the catalog (reflection skips SQLite's
    expression indexes)."""
    catalog = (
        "SELECT indexname FROM pg_indexes WHERE tablename = :t"
        if sync_conn.dialect.name == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
    )
    return set(sync_conn.execute(text(catalog), {"t": table}).scalars())


async def test_rebuild_in_workers_equals_rebuild_in_one(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (url, engine):
        factory = create_session_factory(engine)
        async with factory() as session:
            opts = Options(districts=1, parks=3, enterprises=30, posts=150, records=1_500, hazards=200)
            await build(session, opts, out=lambda _: None)
            await session.commit()
        async with factory() as session:
            alone = await rebuild(session, TODAY, since=date(2025, 1, 1))
            await session.commit()
            one = await snapshot(session)
        async with factory() as session:
            parallel = await rebuild(session, TODAY, workers=2, database_url=url)
            await session.commit()
            two = await snapshot(session)
        assert one.scores and one.tallies
        assert one == two, difference(two, one)
        assert {"hazards", "compute", "write"} <= alone.keys() & parallel.keys()
        async with engine.connect() as conn:
            for model in (ScoreTally, UnitScore):
                model_table = table_of(model)
                table = model_table.name
                # Their definitions are the models' (the migrations test holds them to it).
                declared = {i.name for i in model_table.indexes}
                found = await conn.run_sync(_indexes, table)
                assert declared <= found, table
