"""The benchmark's own database: created if missing, its province read back, vacuumed."""

from __future__ import annotations

import time

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine
from domain.tree.models import OrgUnit


async def ensure_database(url: str) -> None:
    """Create the database named by `url` (through the server's `postgres` database) if it
    does not exist."""
    parsed = make_url(url)
    name = parsed.database
    assert name, "the URL names no database"
    server = create_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    try:
        async with server.connect() as conn:
            if await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
                await conn.execute(text(f"CREATE DATABASE {conn.dialect.identifier_preparer.quote(name)}"))
                print(f"created database {name}")
    finally:
        await server.dispose()


async def province(engine: AsyncEngine) -> tuple[int, dict[str, int]]:
    """The first district's id, and the counts that say what the database holds."""
    async with engine.connect() as conn:
        district = await conn.scalar(
            select(OrgUnit.id).where(OrgUnit.kind == "DISTRICT").order_by(OrgUnit.id).limit(1)
        )
        kinds = dict((await conn.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind))).all())
        for table in ("duty_record", "hazard"):
            kinds[table] = await conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0
    if district is None:
        raise SystemExit("the database has no district: run with --generate")
    return district, kinds


async def vacuum_analyze(engine: AsyncEngine) -> float:
    started = time.perf_counter()
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(text("VACUUM (ANALYZE) unit_score, score_tally"))
        # The rebuild writes over a gigabyte of WAL: its checkpoint is written out now, not
        # during the timings below.
        await auto.execute(text("CHECKPOINT"))
    return time.perf_counter() - started
