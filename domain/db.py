"""Database plumbing: declarative base, naming convention, engine and session factory.

Nothing here connects at import time; `create_engine` is called by the composition root.
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, String, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from domain.config import DEFAULT_SQLITE_PATH
from domain.dblimits import DatabaseLimits, WriteGate, set_tcp_options, tcp_options
from domain.reads.jsonsql import register_sqlite_functions

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both SQLite (which stores naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Materialized paths are compared byte-wise ("/1/12/" < "/1/13/"); on PostgreSQL the "C"
# collation keeps range scans on the B-tree index correct whatever the database collation.
PathString = String(length=255).with_variant(String(length=255, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, emit BEGIN: savepoints (used to make every
        # mutation all-or-nothing) and transactional DDL then behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # For writers of other processes (a CLI command beside the server); the server's own
        # writers queue in the process (`WriteGate`) and never wait on the file lock.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        register_sqlite_functions(dbapi_connection)

    return on_connect


WRITE_TRANSACTION = {"sqlite_begin": "IMMEDIATE"}
"""Execution options for a transaction that will write. On SQLite it starts with BEGIN
IMMEDIATE: a deferred transaction that reads and then writes cannot upgrade its lock once
another writer has committed (SQLITE_BUSY at once, whatever busy_timeout says); taking
the write lock up front makes writers queue instead. Other databases ignore the option."""


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(
    url: str, *, echo: bool = False, limits: DatabaseLimits | None = None, **kwargs: Any
) -> AsyncEngine:
    limits = limits or DatabaseLimits()
    parsed = make_url(url)
    kwargs.setdefault("pool_timeout", limits.pool)
    if parsed.get_backend_name() == "sqlite":
        # Only the default file gets its folder made on first start; a mistyped path must
        # fail (and /readyz say so) rather than quietly open a new empty database.
        database = parsed.database
        if database and Path(database) == DEFAULT_SQLITE_PATH:
            DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        engine = _create_async_engine(url, echo=echo, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(limits.sqlite_busy_timeout_ms))
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        _WRITE_GATES[engine.sync_engine] = WriteGate(limits.sqlite_write_queue)
        return engine
    # Instead of a ping (a round trip on every check-out, which was one in eighteen of a
    # record write's), a pooled connection is checked without asking the server: asyncpg
    # notices at once when the server closes it (a restart, pg_terminate_backend, an idle
    # timeout), and such a connection is replaced before use (`_refuse_closed`). One cut
    # off silently (no FIN) fails its request within the limits above, which invalidates
    # the pool; pool_recycle bounds how long an idle connection is trusted.
    kwargs.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
    # asyncpg prepares every statement; after five runs PostgreSQL may switch a prepared
    # statement to a generic plan, which cannot see that `path >= '/1/2/'` is a narrow range
    # or that an id list is short, and scans whole subtrees (30 ms instead of 0.4 ms, seen in
    # benchmarks/scores.py). Our statements are cheap to plan: always plan with the values.
    connect_args = dict(kwargs.pop("connect_args", {}))
    settings = {**limits.server_settings(), **connect_args.get("server_settings", {})}
    settings.setdefault("plan_cache_mode", "force_custom_plan")
    connect_args["server_settings"] = settings
    connect_args.setdefault("timeout", limits.connect)
    connect_args.setdefault("command_timeout", limits.command_timeout())
    engine = _create_async_engine(url, echo=echo, connect_args=connect_args, **kwargs)
    event.listen(engine.sync_engine, "connect", set_tcp_options(tcp_options(limits)))
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


_WRITE_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


async def begin_write(session: AsyncSession) -> None:
    """Begin the session's transaction as a write transaction: on SQLite, after queueing
    for the process's write gate (released when the transaction ends, committed or not),
    with BEGIN IMMEDIATE; elsewhere a plain BEGIN. The session must not be in a
    transaction yet."""
    gate = _WRITE_GATES.get(session.get_bind().engine)
    if gate is None:
        await session.connection(execution_options=WRITE_TRANSACTION)
        return
    await gate.acquire()
    sync_session = session.sync_session
    sync_session.info[_HELD_GATE] = gate
    if not event.contains(sync_session, "after_transaction_end", _release_gate):
        event.listen(sync_session, "after_transaction_end", _release_gate)
    try:
        await session.connection(execution_options=WRITE_TRANSACTION)
    except BaseException:
        _release_gate(sync_session, None)
        raise


_HELD_GATE = "held_write_gate"


def _release_gate(sync_session: Any, transaction: Any) -> None:
    """The session's outermost transaction ended (commit, rollback or close): the next
    queued writer may begin."""
    if transaction is None or transaction.parent is None:
        gate = sync_session.info.pop(_HELD_GATE, None)
        if gate is not None:
            gate.release()


POOL_RECYCLE_SECONDS = 1800


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool check-out: a connection its server has closed is not handed out; the pool
    discards it and checks out another (or connects anew)."""
    raw = getattr(dbapi_connection, "_connection", None)
    if raw is not None and raw.is_closed():
        raise DisconnectionError("the server closed the connection")


_PLANS_ON = text("SET LOCAL plan_cache_mode = auto")
_PLANS_OFF = text("RESET plan_cache_mode")


async def reuse_plans(session: AsyncSession, on: bool) -> None:
    """PostgreSQL: from here to `reuse_plans(session, False)` (or the end of the transaction
    or savepoint, whichever comes first), plan prepared statements as PostgreSQL does by
    default: a statement's generic plan is reused once it has proved as good as planning
    each time. For the hot write paths (record writes and their score updates, turned on
    by the record mutations), whose dozen statements look rows up by key: planning them
    anew each time cost more than running them. Elsewhere the engine plans every statement
    with its values (`create_engine`)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_PLANS_ON if on else _PLANS_OFF)


def create_session_factory(bind: Any, **kwargs: Any) -> async_sessionmaker[AsyncSession]:
    kwargs.setdefault("expire_on_commit", False)
    kwargs.setdefault("autoflush", False)
    return async_sessionmaker(bind=bind, **kwargs)
