"""The per-request context: one session, the caller's request, loaders, and a lock.

The session is opened on first use: a request that needs no database (`{ __typename }`, a
cached credential) checks out no connection and commits nothing. `api.unit_of_work`
describes and implements the session's whole life.

An AsyncSession runs one statement at a time, but GraphQL resolves sibling fields (and
DataLoader batches) concurrently; every database use therefore goes through `ctx.db()`,
which serialises them on the request's session.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import ApiSettings
from authz.authority import Authority
from authz.catalogue import Action, Resource
from authz.credentials import Caller
from authz.reach import Reach
from domain.files.stores import BlobStore

if TYPE_CHECKING:
    from api.loader_registry import Loaders


@dataclass
class Context:
    # The request's session, opened on first call (`api.unit_of_work.request_session`).
    open_session: Callable[[], AsyncSession]
    settings: ApiSettings
    request_id: str
    today: date
    authority: Authority
    caller: Caller | None = None
    request: Any = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Whether a mutation of this request has run (`api.unit_of_work.write`).
    wrote: bool = False
    _loaders: Loaders | None = None
    _reach: Reach | None = None

    @property
    def file_store(self) -> BlobStore:
        """Where evidence content lives (`app.state.file_store`, chosen by FILE_STORE)."""
        store: BlobStore = self.request.app.state.file_store
        return store

    @property
    def session(self) -> AsyncSession:
        return self.open_session()

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        async with self.lock:
            yield self.open_session()

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            from api.loader_registry import Loaders

            self._loaders = Loaders(self)
        return self._loaders

    def reset_loaders(self) -> None:
        """Forget every cached load: what a mutation wrote is read afresh by its payload."""
        self._loaders = None
        self._reach = None

    @property
    def reach(self) -> Reach:
        """The caller's scopes today: every list and lookup filters by them in SQL."""
        if self._reach is None:
            caller = self.caller
            self._reach = self.authority.reach(
                caller.subject if caller else None, caller.person_id if caller else None, self.today
            )
        return self._reach

    def can(self, resource: Resource, action: Action, domain: str) -> bool:
        """One object, one check, through the Casbin enforcer."""
        if self.caller is None:
            return False
        return self.authority.enforce(self.caller.subject, resource.value, action.value, domain, self.today)


Info = strawberry.Info[Context, None]
