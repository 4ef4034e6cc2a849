"""Bounds on every wait for the database, and what a failure to get an answer means.

A database can misbehave without failing: refuse connections, stop answering in the middle
of a statement (a silent partition: no reset, no close), answer too slowly, or (SQLite) keep
its single write lock busy. Each is bounded here (`DatabaseLimits`, `WriteGate`) and
recognised (`database_failure`), so that the API answers such requests with a typed,
retryable error rather than hanging or masking them as bugs, and a process recovers by
itself once the database is back.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import exc as sa_exc

from domain.config import Settings


@dataclass(frozen=True)
class DatabaseLimits:
    """How long anything may wait on the database (settings `DB_*`; see domain/config.py).

    Each bound answers one way a database misbehaves: `connect` one that does not answer
    the TCP or start-up handshake; `statement` (server side, with a client-side backstop a
    little later) one that runs a statement too long or stops answering mid-statement;
    `idle_in_transaction` a client that went silent mid-transaction while its backend holds
    locks; `pool` a pool whose connections are all busy or stuck; keepalives and
    `tcp_user_timeout` a connection cut off without a reset (a silent partition)."""

    connect: float = 5.0
    statement: float = 30.0
    idle_in_transaction: float = 60.0
    pool: float = 10.0
    keepalive_idle: int = 15
    keepalive_interval: int = 5
    keepalive_count: int = 3
    tcp_user_timeout: int = 15
    sqlite_write_queue: float = 30.0
    sqlite_busy_timeout_ms: int = 10_000

    @classmethod
    def from_settings(cls, settings: Settings) -> DatabaseLimits:
        return cls(
            connect=settings.db_connect_timeout_seconds,
            statement=settings.db_statement_timeout_seconds,
            idle_in_transaction=settings.db_idle_in_transaction_timeout_seconds,
            pool=settings.db_pool_timeout_seconds,
            keepalive_idle=settings.db_keepalive_idle_seconds,
            keepalive_interval=settings.db_keepalive_interval_seconds,
            keepalive_count=settings.db_keepalive_count,
            tcp_user_timeout=settings.db_tcp_user_timeout_seconds,
            sqlite_write_queue=settings.sqlite_write_queue_seconds,
        )

    def server_settings(self) -> dict[str, str]:
        """PostgreSQL session settings (milliseconds; 0 = none). The server-side keepalives
        let PostgreSQL notice a client that vanished and end its backend and locks."""
        return {
            "statement_timeout": str(int(self.statement * 1000)),
            "idle_in_transaction_session_timeout": str(int(self.idle_in_transaction * 1000)),
            "tcp_keepalives_idle": str(self.keepalive_idle),
            "tcp_keepalives_interval": str(self.keepalive_interval),
            "tcp_keepalives_count": str(self.keepalive_count),
        }

    def command_timeout(self) -> float | None:
        """asyncpg's client-side bound on one statement: past the server's own limit, for a
        server that can no longer say so (its answer lost in a partition). asyncpg then
        cancels the statement, or closes the connection when it cannot."""
        return self.statement + max(2.0, self.connect) if self.statement > 0 else None


def tcp_options(limits: DatabaseLimits) -> list[tuple[int, int, int]]:
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (
        ("TCP_KEEPIDLE", limits.keepalive_idle),
        ("TCP_KEEPINTVL", limits.keepalive_interval),
        ("TCP_KEEPCNT", limits.keepalive_count),
        ("TCP_USER_TIMEOUT", limits.tcp_user_timeout * 1000),
    ):
        option = getattr(socket, name, None)  # Linux names; other systems keep their defaults
        if option is not None and value > 0:
            options.append((socket.IPPROTO_TCP, option, value))
    return options


def set_tcp_options(options: list[tuple[int, int, int]]) -> Any:
    """Connect event: keepalives and TCP_USER_TIMEOUT on the client's socket to PostgreSQL
    (asyncpg sets neither). Unix-socket connections have no TCP to tune."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        raw = getattr(dbapi_connection, "_connection", None)
        transport = getattr(raw, "_transport", None)
        sock = transport.get_extra_info("socket") if transport is not None else None
        if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        for level, option, value in options:
            sock.setsockopt(level, option, value)

    return on_connect


class WriteQueueFull(Exception):
    """A write waited longer than the SQLite write queue allows (`SQLITE_WRITE_QUEUE_SECONDS`):
    answered as the retryable BUSY."""


class WriteGate:
    """SQLite has one writer at a time. Rather than letting writers contend for the file
    lock (each waits up to busy_timeout, then fails), the writers of a process queue here,
    in arrival order, and each holds the gate from its BEGIN IMMEDIATE to its commit or
    rollback. The gate is bound to the event loop that first uses it."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self._lock: asyncio.Lock | None = None

    async def acquire(self) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        try:
            async with asyncio.timeout(self.wait_seconds):
                await self._lock.acquire()
        except TimeoutError:
            raise WriteQueueFull(f"waited {self.wait_seconds} s for the write queue") from None

    def release(self) -> None:
        if self._lock is not None and self._lock.locked():
            self._lock.release()


class DatabaseFailure(StrEnum):
    """Why the database could not serve a request, when it is not the request's fault."""

    UNAVAILABLE = "unavailable"  # unreachable, connection lost, no connection to be had
    TIMEOUT = "timeout"  # a statement or the request ran past its limit
    BUSY = "busy"  # SQLite: the write queue or the file lock was not had in time


# SQLSTATEs of PostgreSQL meaning "not now" rather than "wrong": query_canceled (the
# statement timeout), the connection exceptions (class 08), admin shutdown, crash shutdown,
# cannot connect now, idle-in-transaction timeout, too many connections.
_PG_TIMEOUT_STATES = frozenset({"57014"})
_PG_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "25P03", "53300"})


def database_failure(exc: BaseException) -> DatabaseFailure | None:
    """Classify an exception raised while using the database (anywhere in its cause chain):
    the kind of transient failure, or None for anything else (a bug, a constraint, bad
    input). Clients are told to retry the former later."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = _failure_of(current)
        if kind is not None:
            return kind
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def _failure_of(exc: BaseException) -> DatabaseFailure | None:
    if isinstance(exc, WriteQueueFull):
        return DatabaseFailure.BUSY
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection in time
        return DatabaseFailure.UNAVAILABLE
    if isinstance(exc, TimeoutError):  # asyncpg's client-side statement or connect timeout
        return DatabaseFailure.TIMEOUT
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return DatabaseFailure.UNAVAILABLE
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(state, str):
        if state in _PG_TIMEOUT_STATES:
            return DatabaseFailure.TIMEOUT
        if state in _PG_UNAVAILABLE_STATES or state.startswith("08"):
            return DatabaseFailure.UNAVAILABLE
    name = type(exc).__name__
    module = type(exc).__module__
    if module.startswith("asyncpg") and name in (
        "ConnectionDoesNotExistError",
        "InterfaceError",
        "PostgresConnectionError",
        "ConnectionFailureError",
        "CannotConnectNowError",
        "TooManyConnectionsError",
    ):
        return DatabaseFailure.UNAVAILABLE
    if isinstance(exc, ConnectionError | OSError) and not isinstance(exc, FileNotFoundError):
        return DatabaseFailure.UNAVAILABLE
    if module.startswith("sqlite3") or isinstance(exc, sa_exc.OperationalError):
        message = str(exc).lower()
        if "database is locked" in message or "database is busy" in message:
            return DatabaseFailure.BUSY
    return None
