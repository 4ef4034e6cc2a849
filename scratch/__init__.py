"""Scratch databases for the tests and the benchmarks: created empty, dropped afterwards.
The application never imports this package (it is not installed with it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.engine import make_url

from domain.db import create_engine


@asynccontextmanager
async def temporary_database(server_url: str | None, scratch_dir: Path) -> AsyncIterator[str]:
    """An empty database, dropped afterwards.

    With no URL or a SQLite URL: a file in `scratch_dir`. With a PostgreSQL URL: a new
    database on that server (the URL's own database is only used to create and drop it).
    """
    if server_url is None or server_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{scratch_dir / f'{uuid4().hex[:8]}.db'}"
        return
    name = f"tmp_{uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
