"""CORS: pages of the configured origins may call the API from a browser; others may not.
(tests/api/browser/ shows the same with a real browser.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from tests.factories import gid

ALLOWED = "https://app.example.cn"
REFUSED = "https://elsewhere.example.com"


@pytest.fixture
def settings() -> ApiSettings:
    return ApiSettings(
        environment=Environment.TEST,
        database_url="sqlite+aiosqlite:///:memory:",
        cors_allowed_origins=[ALLOWED, "https://admin.example.cn"],
        cors_max_age_seconds=900,
    )


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


def preflight(
    origin: str, method: str = "POST", headers: str = "authorization,content-type"
) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_a_preflight_from_an_allowed_origin_is_answered_without_credentials(
    http: httpx.AsyncClient,
) -> None:
    response = await http.options(
        "/graphql", headers=preflight(ALLOWED, headers="authorization,content-type,idempotency-key")
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    allowed_headers = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "x-request-id"} <= allowed_headers
    assert response.headers["access-control-max-age"] == "900"
    # Tokens travel in Authorization, never in cookies.
    assert "access-control-allow-credentials" not in response.headers
    assert "www-authenticate" not in response.headers


async def test_a_preflight_from_another_origin_gets_no_allow_origin(http: httpx.AsyncClient) -> None:
    response = await http.options("/graphql", headers=preflight(REFUSED))
    assert "access-control-allow-origin" not in response.headers
    assert response.status_code == 400
    # An allowed origin asking for a method or header outside the list is refused too.
    response = await http.options("/graphql", headers=preflight(ALLOWED, method="DELETE"))
    assert response.status_code == 400
    response = await http.options("/graphql", headers=preflight(ALLOWED, headers="x-custom-thing"))
    assert response.status_code == 400


async def test_an_actual_request_from_an_allowed_origin_carries_the_headers(
    http: httpx.AsyncClient, settings: ApiSettings, platform_admin: str
) -> None:
    headers = {"Origin": ALLOWED, "Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    response = await http.post("/graphql", json={"query": "{ viewer { subject } }"}, headers=headers)
    assert response.status_code == 200
    kind, _, pk = platform_admin.partition(":")
    assert response.json()["data"]["viewer"]["subject"] == gid(
        "ServiceClient" if kind == "client" else "Person", int(pk)
    )
    assert response.headers["access-control-allow-origin"] == ALLOWED
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"x-request-id", "retry-after"} <= exposed
    assert response.headers["vary"] == "Origin"

    # Errors are readable by the page too: a missing token's 401 carries the header.
    response = await http.post(
        "/graphql", json={"query": "{ viewer { subject } }"}, headers={"Origin": ALLOWED}
    )
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ALLOWED


async def test_an_actual_request_from_another_origin_gets_no_allow_origin(
    http: httpx.AsyncClient, settings: ApiSettings, platform_admin: str
) -> None:
    headers = {"Origin": REFUSED, "Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    # The server answers (CORS is the browser's to enforce), but the browser will not hand the
    # answer to the page, for the header is missing.
    assert "access-control-allow-origin" not in response.headers


def make_app(session_factory: async_sessionmaker[AsyncSession], **settings: Any) -> Any:
    return create_app(
        ApiSettings(database_url="sqlite+aiosqlite:///:memory:", **settings), session_factory=session_factory
    )


@pytest.mark.parametrize(
    ("environment", "origins", "origin", "allowed"),
    [
        # Development with nothing configured: pages from this machine, on any port.
        (Environment.DEVELOPMENT, None, "http://localhost:5173", True),
        (Environment.DEVELOPMENT, None, "http://127.0.0.1:8080", True),
        (Environment.DEVELOPMENT, None, "http://[::1]:3000", True),
        (Environment.DEVELOPMENT, None, "http://localhost.evil.example:5173", False),
        (Environment.DEVELOPMENT, None, "https://app.example.cn", False),
        # Configured origins replace the development default.
        (Environment.DEVELOPMENT, ALLOWED, "http://localhost:5173", False),
        (Environment.DEVELOPMENT, ALLOWED, ALLOWED, True),
        # Elsewhere: none unless configured.
        (Environment.TEST, None, "http://localhost:5173", False),
        (Environment.PRODUCTION, None, "http://localhost:5173", False),
        (Environment.PRODUCTION, ALLOWED, ALLOWED, True),
    ],
)
async def test_allowed_origins_by_environment(
    session_factory: async_sessionmaker[AsyncSession],
    environment: Environment,
    origins: str | None,
    origin: str,
    allowed: bool,
) -> None:
    app = make_app(
        session_factory,
        environment=environment,
        cors_allowed_origins=origins,
        secret_key="s" * 40,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        response = await c.options("/graphql", headers=preflight(origin))
    assert (response.headers.get("access-control-allow-origin") == origin) is allowed
    assert response.status_code == (200 if allowed else 400)


@pytest.mark.parametrize("bad", ["https://app.example.cn/path", "app.example.cn", "*", "ftp://x.cn"])
def test_a_setting_that_is_not_a_list_of_origins_is_refused(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"https://ok.example.cn,{bad}")
    with pytest.raises(ValueError, match="not an origin"):
        ApiSettings()
