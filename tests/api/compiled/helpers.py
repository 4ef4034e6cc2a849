"""Two apps over one database, the compiled read path on in the first and off in the
second, and the check that a document gets the same answer from both, the first having
been served by the compiled path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.compiled import SERVED
from api.settings import ApiSettings
from authz.credentials import mint_token


@dataclass
class Pair:
    on: Any
    off: Any
    settings: ApiSettings

    def on_day(self, day: date) -> None:
        """Both apps answer as on `day` (`ctx.today`)."""
        for app in (self.on, self.off):
            app.state.clock = lambda: day

    async def reload(self, session: AsyncSession) -> None:
        """Data written straight to the database: commit it, reload both apps' policy."""
        await session.commit()
        for app in (self.on, self.off):
            await app.state.authority.load(session)

    async def ask(self, app: Any, subject: str, query: str, variables: dict[str, Any] | None) -> Any:
        headers = {"Authorization": f"Bearer {mint_token(self.settings, subject)}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
            response = await c.post("/graphql", json={"query": query, "variables": variables or {}})
        return response.json()

    async def both(
        self, subject: str, query: str, variables: dict[str, Any] | None = None, *, served: bool = True
    ) -> dict[str, Any]:
        """The answer of both apps, asserted equal (and, if `served`, compiled in the first)."""
        before = sum(SERVED.values())
        on = await self.ask(self.on, subject, query, variables)
        if served:
            assert sum(SERVED.values()) > before, f"the compiled path did not serve: {on}"
        else:
            assert sum(SERVED.values()) == before, "the compiled path served"
        off = await self.ask(self.off, subject, query, variables)
        assert on == off
        return dict(on)
