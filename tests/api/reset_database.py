"""A migrated database of a test's own, put back to just migrated before each Hypothesis
example, for examples that must commit what they write (so that each request has a
connection of its own, as on a server) and yet start from the empty database.

One engine serves all the examples: an engine of its own per example would compile every
statement again (SQLAlchemy's statement cache is the engine's), several times the cost of
the example. Deleting rows would not do (some tables are append-only: triggers refuse
DELETE). SQLite restores a copy of the migrated file (the backup API); PostgreSQL
truncates every table (TRUNCATE fires no row triggers) and writes back the rows the
migrations wrote.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine
from migrations.runner import upgrade
from scratch import temporary_database
from tests.conftest import base_url


def _copy(source: str | Path, target: str | Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


class ResetDatabase:
    # Not a dataclass: Hypothesis prints a failing example's arguments, this fixture among
    # them, and would print every field of a dataclass.
    def __init__(
        self,
        engine: AsyncEngine,
        sqlite_file: str | None,
        snapshot: Path,
        tables: list[str],
        rows: dict[str, list[str]],
    ) -> None:
        self.engine = engine
        self.sqlite_file = sqlite_file  # the live file, on SQLite
        self.snapshot = snapshot  # its migrated copy, on SQLite
        self.tables = tables  # every table but Alembic's, on PostgreSQL
        self.rows = rows  # the migrations' rows (as JSON), by table, on PostgreSQL

    def __repr__(self) -> str:
        return f"ResetDatabase({self.engine.url.render_as_string()})"

    async def reset(self) -> None:
        """Back to just migrated. No connection may be in use."""
        if self.sqlite_file is not None:
            await self.engine.dispose()
            _copy(self.snapshot, self.sqlite_file)
            return
        async with self.engine.begin() as conn:
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in self.tables)))
            for name, rows in self.rows.items():
                await conn.execute(
                    text(
                        f'INSERT INTO "{name}" SELECT * FROM json_populate_record(NULL::"{name}", CAST(:row AS json))'
                    ),
                    [{"row": row} for row in rows],
                )


@asynccontextmanager
async def reset_database(scratch: Path) -> AsyncIterator[ResetDatabase]:
    async with temporary_database(base_url(), scratch) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
            snapshot = scratch / "migrated.db"
            tables: list[str] = []
            rows: dict[str, list[str]] = {}
            if sqlite_file is not None:
                await engine.dispose()
                _copy(sqlite_file, snapshot)
            else:
                async with engine.connect() as conn:
                    names = await conn.run_sync(lambda c: inspect(c).get_table_names())
                    tables = [n for n in names if n != "alembic_version"]
                    for name in tables:
                        query = text(f'SELECT row_to_json(t)::text FROM "{name}" AS t')
                        found = list((await conn.execute(query)).scalars())
                        if found:
                            rows[name] = found
            yield ResetDatabase(engine, sqlite_file, snapshot, tables, rows)
        finally:
            await engine.dispose()
