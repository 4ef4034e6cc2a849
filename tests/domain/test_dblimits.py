"""What a database exception means for the client: retry later, or not the database's fault."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import exc as sa_exc

from domain.dblimits import DatabaseFailure, DatabaseLimits, WriteGate, WriteQueueFull, database_failure


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(orig: BaseException, *, invalidated: bool = False) -> sa_exc.DBAPIError:
    return sa_exc.DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sa_exc.TimeoutError("QueuePool limit reached"), DatabaseFailure.UNAVAILABLE),
        (TimeoutError(), DatabaseFailure.TIMEOUT),
        (ConnectionRefusedError(111, "refused"), DatabaseFailure.UNAVAILABLE),
        (wrapped(PgError("57014")), DatabaseFailure.TIMEOUT),
        (wrapped(PgError("08006")), DatabaseFailure.UNAVAILABLE),
        (wrapped(PgError("57P01")), DatabaseFailure.UNAVAILABLE),
        (wrapped(Exception("gone"), invalidated=True), DatabaseFailure.UNAVAILABLE),
        (wrapped(sqlite3.OperationalError("database is locked")), DatabaseFailure.BUSY),
        (WriteQueueFull("waited"), DatabaseFailure.BUSY),
        # Not the database's failure: a bug or the request's own fault.
        (wrapped(PgError("23505")), None),
        (wrapped(sqlite3.IntegrityError("UNIQUE constraint failed")), None),
        (ValueError("bad"), None),
        (KeyError("x"), None),
    ],
)
def test_failures_are_classified(error: BaseException, kind: DatabaseFailure | None) -> None:
    assert database_failure(error) == kind


def test_a_failure_is_found_in_the_cause_chain() -> None:
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except ConnectionResetError as inner:
            raise RuntimeError("while resolving") from inner
    except RuntimeError as outer:
        assert database_failure(outer) is DatabaseFailure.UNAVAILABLE


def test_server_settings_are_milliseconds_and_the_client_bound_comes_later() -> None:
    limits = DatabaseLimits(statement=3, idle_in_transaction=4, connect=2)
    settings = limits.server_settings()
    assert settings["statement_timeout"] == "3000"
    assert settings["idle_in_transaction_session_timeout"] == "4000"
    bound = limits.command_timeout()
    assert bound is not None and bound > 3
    assert DatabaseLimits(statement=0).command_timeout() is None


async def test_the_write_gate_queues_in_order_and_refuses_after_its_wait() -> None:
    gate = WriteGate(0.2)
    await gate.acquire()
    with pytest.raises(WriteQueueFull):
        await gate.acquire()
    gate.release()
    await gate.acquire()  # free again
    gate.release()
