"""Alembic environment. Runs on a connection handed over in `config.attributes["connection"]`
(how the app, the CLI and the tests call it) or opens one from the settings' DATABASE_URL."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

import authz.models  # noqa: F401  (registers the authorization tables)
from domain.config import get_settings
from domain.db import create_engine
from domain.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=True,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    given: Any = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    asyncio.run(_run_async(config.attributes.get("url") or get_settings().database_url))


if context.is_offline_mode():
    context.configure(url=get_settings().database_url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
