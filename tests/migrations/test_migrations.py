"""Alembic is the only source of tables: the migrations must build exactly the models."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine
from domain.models import Base
from migrations.runner import alembic_config, upgrade
from scratch import temporary_database
from tests.conftest import base_url


def _diff(connection: Connection) -> list[Any]:
    with warnings.catch_warnings():
        # SQLite cannot reflect expression indexes; alembic says so and skips them.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


@pytest.fixture
async def scratch_url(tmp_path: Any) -> AsyncIterator[str]:
    """An empty database on the same server as the test database."""
    async with temporary_database(base_url(), tmp_path) as url:
        yield url


def _downgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, "base")


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_downgrade_upgrade_round_trip(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            assert {"org_unit", "person", "post", "post_charge", "assignment"} <= await conn.run_sync(_tables)
        async with engine.connect() as conn:
            await conn.run_sync(_downgrade)
            await conn.commit()
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) <= {"alembic_version"}
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


def test_revisions_are_date_prefixed() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    for rev in script.walk_revisions():
        assert rev.path is not None
        filename = rev.path.rsplit("/", 1)[-1]
        assert filename[:8].isdigit() and filename[8] == "_", filename


@pytest.mark.postgres_only
async def test_unit_scores_are_vacuumed_after_a_few_thousand_dead_rows(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        options = await conn.scalar(text("SELECT reloptions FROM pg_class WHERE relname = 'unit_score'"))
    assert set(options) == {"autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=2000"}


async def test_tallies_sharing_a_key_are_merged_before_the_key_is_declared(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    rows = [  # person, post, unit, on time, late, missed: the first two share a key
        (None, 7, 3, 1, 0, 2),
        (None, 7, 3, 4, 1, 0),
        (5, None, 3, 1, 1, 1),
    ]
    try:
        await upgrade(engine, "20261127_0009")
        async with engine.begin() as conn:
            for person, post, unit, on_time, late, missed in rows:
                await conn.execute(
                    text(
                        "INSERT INTO score_tally (person_id, post_id, unit_id, month, weight_class, on_time, "
                        "late, missed) VALUES (:person, :post, :unit, '2026-03-01', 'DAILY', :on, :late, :missed)"
                    ),
                    {
                        "person": person,
                        "post": post,
                        "unit": unit,
                        "on": on_time,
                        "late": late,
                        "missed": missed,
                    },
                )
        await upgrade(engine, "20261127_0010")
        async with engine.connect() as conn:
            found = (
                await conn.execute(
                    text("SELECT person_id, post_id, on_time, late, missed FROM score_tally ORDER BY id")
                )
            ).all()
        assert [tuple(r) for r in found] == [(None, 7, 5, 1, 2), (5, None, 1, 1, 1)]
    finally:
        await engine.dispose()
