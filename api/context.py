"""The per-request context: one session, the caller's request, loaders, and a lock.

An AsyncSession runs one statement at a time, but GraphQL resolves sibling fields (and
DataLoader batches) concurrently; every database use therefore goes through `ctx.db()`,
which serialises them on the request's session.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from domain.config import Settings

if TYPE_CHECKING:
    from api.loaders import Loaders


@dataclass
class Context:
    session: AsyncSession
    settings: Settings
    request_id: str
    today: date
    request: Any = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _loaders: Loaders | None = None

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        async with self.lock:
            yield self.session

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            from api.loaders import Loaders

            self._loaders = Loaders(self)
        return self._loaders

    def reset_loaders(self) -> None:
        """Forget every cached load: what a mutation wrote is read afresh by its payload."""
        self._loaders = None


Info = strawberry.Info[Context, None]
