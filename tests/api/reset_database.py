"""A migrated database of a test's own, put back to just migrated before each Hypothesis
example, for examples that must commit what they write (so that each request has a
connection of its own, as on a server) and yet start from the empty database.

One engine serves all the examples: an engine of its own per example would compile every
statement again (SQLAlchemy's statement cache is the engine's), several times the cost of
the example. Deleting rows would not do (some tables are append-only: triggers refuse
DELETE). SQLite restores a copy of the migrated file (the backup API); PostgreSQL
truncates the tables the migrations left empty (TRUNCATE fires no row triggers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine, temporary_database
from migrations.runner import upgrade
from tests.conftest import base_url


def _copy(source: str | Path, target: str | Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@dataclass
class ResetDatabase:
    engine: AsyncEngine
    sqlite_file: str | None  # the live file, on SQLite
    snapshot: Path  # its migrated copy, on SQLite
    tables: list[str]  # those to truncate, on PostgreSQL

    async def reset(self) -> None:
        """Back to just migrated. No connection may be in use."""
        if self.sqlite_file is not None:
            await self.engine.dispose()
            _copy(self.snapshot, self.sqlite_file)
            return
        async with self.engine.begin() as conn:
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in self.tables)))


@asynccontextmanager
async def reset_database(scratch: Path) -> AsyncIterator[ResetDatabase]:
    async with temporary_database(base_url(), scratch) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
            snapshot = scratch / "migrated.db"
            tables: list[str] = []
            if sqlite_file is not None:
                await engine.dispose()
                _copy(sqlite_file, snapshot)
            else:
                async with engine.connect() as conn:
                    names = await conn.run_sync(lambda c: inspect(c).get_table_names())
                    for name in names:
                        if (await conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1'))).first() is None:
                            tables.append(name)
            yield ResetDatabase(engine, sqlite_file, snapshot, tables)
        finally:
            await engine.dispose()
