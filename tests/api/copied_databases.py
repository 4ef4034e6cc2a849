"""A migrated database copied afresh, for Hypothesis examples that must commit what they
write (so that each request has a connection of its own, as on a server) and yet start
from the empty database each time. Emptying one would not do: some tables are append-only
(triggers refuse DELETE).

SQLite copies the template file (the backup API); PostgreSQL creates a database from the
template (CREATE DATABASE … TEMPLATE), as TEST_DATABASE_URL says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine, temporary_database
from migrations.runner import upgrade
from tests.conftest import base_url


@asynccontextmanager
async def migrated_template(scratch: Path) -> AsyncIterator[str]:
    """The URL of a migrated database no one is connected to; dropped afterwards."""
    async with temporary_database(base_url(), scratch) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield url


@asynccontextmanager
async def copy_of(template: str, scratch: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a new copy of `template`, removed afterwards."""
    parsed = make_url(template)
    name = uuid4().hex[:12]
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        target = scratch / f"{name}.db"
        with closing(sqlite3.connect(parsed.database)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        engine = create_engine(f"sqlite+aiosqlite:///{target.as_posix()}")
        try:
            yield engine
        finally:
            await engine.dispose()
            for path in scratch.glob(f"{name}.db*"):
                path.unlink()
        return
    server = base_url()
    assert server is not None
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "tmp_{name}" TEMPLATE "{parsed.database}"'))
        engine = create_engine(parsed.set(database=f"tmp_{name}").render_as_string(hide_password=False))
        try:
            yield engine
        finally:
            await engine.dispose()
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "tmp_{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
