"""The request's unit of work: one session, opened on first use, at most one commit, always
closed. This is the one place that begins, commits, rolls back and closes it.

A GraphQL request (`api.http.GraphQLView`) goes through these steps:

1. Open, lazily. `request_session` opens the session the first time anything needs the
   database. A request that needs none (`{ __typename }`, a credential verified before)
   checks out no connection and commits nothing. Who acts is not bound to the session:
   each mutation passes its actor (`api.actors.actor`) to the services it calls.
2. Authenticate, reading. Loading the policy and looking a credential up read in the
   session's first transaction; `end_read` follows. On SQLite it rolls that read back, for a
   write must begin with BEGIN IMMEDIATE (a read transaction cannot be upgraded without
   "database is locked"). On PostgreSQL (read committed: each statement sees what is
   committed when it runs) the transaction goes on, which spares a rollback, a pool
   check-out and a BEGIN per request; an anonymous request ends it on both.
   An Idempotency-Key is looked up likewise (`api.idempotency.check_key`).
3. Read. Resolvers and loaders use the session through `Context.db()`, one statement at a
   time, in whatever transaction is open (SQLAlchemy begins one on first use).
4. Write. Each mutation runs in `write` (through `api.errors.run_mutation`, which turns
   domain errors into userErrors). The request's first mutation makes the transaction a
   write transaction (`domain.db.begin_write`: the process's write gate and BEGIN IMMEDIATE
   on SQLite, a plain BEGIN elsewhere) unless one is already open, and a failure rolls the
   whole transaction back. A later mutation of the same request runs in a savepoint, so its
   failure undoes its own writes only. A cancelled mutation (the server is stopping, the
   client left) is not rolled back there: that could wait on the very statement that was
   cancelled; step 6 does it within a bound.
5. Commit, once, after execution and before the response is written (`commit`): changes to
   who may do what are announced (NOTIFY, transactional), the answer of a keyed mutation is
   kept under its Idempotency-Key in the same transaction as its writes, the transaction
   commits, and this process refreshes its authorization state at once. A request that
   wrote nothing (no mutation ran) skips this step: step 6 ends its read transaction.
6. Close, always (`close`, in the view's `finally`): whatever was not committed (a failed
   request, a request cut short by the deadline or by shutdown) is rolled back by closing;
   a close that cannot finish in time drops the connection instead (`close_bounded`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from authz.watcher import notify_change
from domain.changes import take_authz_dirty
from domain.db import begin_write

if TYPE_CHECKING:
    from api.context import Context

log = logging.getLogger("api.unit_of_work")
T = TypeVar("T")
# How long, in seconds, closing a request's session may take before its connection is
# dropped instead (a connection cut off silently cannot even roll back).
CLOSE_SECONDS = 2.0


def request_session(request: Any) -> AsyncSession:
    """The request's session (`request.state.db_session`), opened on first use. `close`
    closes it."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        session = request.app.state.session_factory()
        request.state.db_session = session
    return session


async def end_read(request: Any, *, on_postgresql_too: bool = False) -> None:
    """After authentication, if it opened the request's session (step 2): SQLite ends the
    read transaction; PostgreSQL goes on in it unless `on_postgresql_too`."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is not None and (on_postgresql_too or session.get_bind().dialect.name == "sqlite"):
        await session.rollback()


async def write(ctx: Context, session: AsyncSession, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one mutation's `work` (step 4): the request's first in its write transaction,
    rolled back on failure; a later one in a savepoint. Exceptions propagate."""
    first = not ctx.wrote
    ctx.wrote = True
    if first and not session.in_transaction():
        await begin_write(session)
    if not first:
        async with session.begin_nested():
            return await work(session)
    try:
        return await work(session)
    except asyncio.CancelledError:
        # The server gave up on the request: `close` ends the session within a bound
        # (rolling back, or dropping a connection that cannot), where a rollback here
        # could wait on the very statement that was cancelled.
        raise
    except BaseException:
        await session.rollback()
        raise


async def commit(
    request: Any, ctx: Context, keep: Callable[[AsyncSession], Awaitable[None]] | None = None
) -> None:
    """Commit the request's transaction (step 5), if it wrote. `keep` runs just before the
    commit, in the same transaction (the idempotent answer; only a keyed mutation has one).

    A request that wrote nothing commits nothing: closing (step 6) ends its read
    transaction. That also keeps a failed field's answer: graphql-core cancels the sibling
    fields still running, one of them may be cut off mid-query, and a commit on that
    connection would fail (a server error) where the rollback on close is harmless."""
    if getattr(request.state, "db_session", None) is None:
        return  # nothing of this request touched the database
    if not ctx.wrote:
        # Nothing to commit. Taking the session's lock waits for the siblings cancelled
        # mid-query to let go of it (and for shielded loads to finish) before it is closed.
        async with ctx.db():
            return
    async with ctx.db() as session:
        # Who-may-do-what changed: other processes hear of it when this commits (NOTIFY
        # is transactional); this process refreshes at once, before answering.
        changed = take_authz_dirty(session)
        if changed:
            await notify_change(session, changed)
        if keep is not None:
            await keep(session)
        await session.commit()
        if changed:
            await ctx.authority.refresh(session, changed)


async def close(request: Any) -> None:
    """Close the request's session, if it was opened (step 6), within a bound."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is not None:
        await close_bounded(session)


async def close_bounded(session: AsyncSession) -> None:
    """Close a session; when that cannot finish in time (its connection is cut off and the
    rollback waits on it), drop the connection instead: the pool gets a fresh one and the
    server ends the abandoned backend (idle-in-transaction timeout, keepalives)."""
    try:
        async with asyncio.timeout(CLOSE_SECONDS):
            await session.close()
    except Exception:
        log.warning("session did not close in %.1f s; its connection is dropped", CLOSE_SECONDS)
        await session.invalidate()
