from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.settings import ApiSettings
from authz.credentials import mint_token
from tests.api.helpers import As


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app that sends no credentials of its own."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def as_(http: httpx.AsyncClient, settings: ApiSettings) -> Any:
    """`as_("person:3")` requests with a token for that subject; `as_(**headers)` with those
    headers (an API key, say); `as_()` with none."""

    def make(subject: str | None = None, **headers: str) -> As:
        if subject is not None:
            headers = {"Authorization": f"Bearer {mint_token(settings, subject)}"}
        return As(http, headers)

    return make
