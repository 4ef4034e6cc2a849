"""Telling other API processes that who-may-do-what changed.

On PostgreSQL a change sends `NOTIFY authz_changes` with the keys it touched, inside its own
transaction, so the message leaves only if the change is committed. Every process LISTENs
on a connection of its own and refreshes those keys (see `AuthzListener`). SQLite serves one
process, which refreshes itself after its commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from authz.authority import Authority

log = logging.getLogger("authz.watcher")

CHANNEL = "authz_changes"
# PostgreSQL refuses payloads of 8000 bytes or more; a change that touched more keys than
# fit asks everyone for a full reload.
MAX_PAYLOAD = 7000


def encode_keys(keys: set[str]) -> str:
    payload = json.dumps(sorted(keys), separators=(",", ":"))
    return payload if len(payload) <= MAX_PAYLOAD else '["*"]'


def decode_keys(payload: str) -> set[str]:
    try:
        keys = json.loads(payload)
    except ValueError:
        return {"*"}
    return {str(k) for k in keys} if isinstance(keys, list) else {"*"}


async def notify_change(session: AsyncSession, keys: set[str]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(CHANNEL, encode_keys(keys))))


class AuthzListener:
    """Keeps this process's Authority current with changes made by the others.

    It holds an asyncpg connection of its own (not one from the pool) that LISTENs on
    CHANNEL. Each notification's keys are queued; one worker refreshes them with a fresh
    session, one refresh at a time, taking everything that arrived meanwhile as one batch
    (a burst of changes costs one or two refreshes, not one each).

    Notifications sent while the connection is down are lost, so after a reconnect the
    worker reloads everything. The connection is checked every `keepalive_seconds` (a
    half-open TCP connection would otherwise stay silent), and a full reload runs every
    `resync_seconds` (0 = never) as a safety net.
    """

    def __init__(
        self,
        database_url: str,
        authority: Authority,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        resync_seconds: float = 300.0,
        keepalive_seconds: float = 15.0,
        min_backoff: float = 0.2,
        max_backoff: float = 30.0,
    ) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self.authority = authority
        self.session_factory = session_factory
        self.resync_seconds = resync_seconds
        self.keepalive_seconds = keepalive_seconds
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.refreshes = 0  # batches applied (for tests and logs)
        self.connects = 0  # successful LISTENs
        self._pending: set[str] = set()
        self._wake = asyncio.Event()
        self._listening = asyncio.Event()
        self._lost = asyncio.Event()
        self._initial_load_done = False
        self._conn: Any = None
        self._tasks: list[asyncio.Task[None]] = []

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self, *, wait: float = 5.0) -> bool:
        """Start listening; wait up to `wait` seconds for the first LISTEN. Returns whether it
        is listening (if not, it keeps trying in the background)."""
        if self._tasks:
            return self._listening.is_set()
        self._tasks = [
            asyncio.create_task(self._connection_loop(), name="authz-listener-connection"),
            asyncio.create_task(self._worker(), name="authz-listener-worker"),
        ]
        if self.resync_seconds > 0:
            self._tasks.append(asyncio.create_task(self._resync_loop(), name="authz-listener-resync"))
        try:
            async with asyncio.timeout(wait):
                await self._listening.wait()
        except TimeoutError:
            log.warning("authz listener: not listening yet; retrying in the background")
        return self._listening.is_set()

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._close()

    async def reload(self) -> None:
        """Load everything now (at startup, after `start`: changes committed from here on
        arrive as notifications)."""
        async with self.session_factory() as session:
            await self.authority.load(session)
        self._initial_load_done = True

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def request(self, keys: set[str]) -> None:
        """Queue keys for the worker (what a notification does)."""
        if keys:
            self._pending |= keys
            self._wake.set()

    # --- the connection -----------------------------------------------------------------

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.request(decode_keys(payload))

    def _on_terminate(self, _conn: Any) -> None:
        self._lost.set()

    async def _connection_loop(self) -> None:
        backoff = self.min_backoff
        while True:
            try:
                await self._listen_once()
                backoff = self.min_backoff
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("authz listener: connection failed (%s); retrying in %.1f s", exc, backoff)
            finally:
                self._listening.clear()
                await self._close()
            await asyncio.sleep(backoff * random.uniform(0.8, 1.2))
            backoff = min(backoff * 2, self.max_backoff)

    async def _listen_once(self) -> None:
        """Connect, LISTEN, and return when the connection is lost."""
        self._lost.clear()
        self._conn = conn = await asyncpg.connect(self.dsn, timeout=10)
        conn.add_termination_listener(self._on_terminate)
        await conn.add_listener(CHANNEL, self._on_notify)
        self.connects += 1
        if self.connects > 1 or self._initial_load_done:
            # Whatever was sent while nobody listened is lost: start over from the database.
            log.info("authz listener: listening again; reloading everything")
            self.request({"*"})
        else:
            log.info("authz listener: listening on %s", CHANNEL)
        self._listening.set()
        while not conn.is_closed():
            try:
                async with asyncio.timeout(self.keepalive_seconds):
                    await self._lost.wait()
                return
            except TimeoutError:
                pass
            async with asyncio.timeout(max(1.0, self.keepalive_seconds / 3)):
                await conn.fetchval("SELECT 1")

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        try:
            async with asyncio.timeout(2):
                await conn.close()
        except Exception:
            conn.terminate()

    # --- refreshing ---------------------------------------------------------------------

    async def _worker(self) -> None:
        backoff = self.min_backoff
        while True:
            await self._wake.wait()
            self._wake.clear()
            keys, self._pending = self._pending, set()
            if not keys:
                continue
            try:
                async with self.session_factory() as session:
                    await self.authority.refresh(session, keys)
                self.refreshes += 1
                backoff = self.min_backoff
            except asyncio.CancelledError:
                raise
            except Exception:
                # Which keys were applied is unknown: start over from the database.
                log.exception("authz listener: refresh failed; reloading everything in %.1f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                self.request({"*"})

    async def _resync_loop(self) -> None:
        while True:
            await asyncio.sleep(self.resync_seconds)
            self.request({"*"})


def asyncpg_dsn(database_url: str) -> str:
    """The SQLAlchemy URL ("postgresql+asyncpg://…") as a DSN asyncpg takes."""
    url = make_url(database_url)
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=False)
