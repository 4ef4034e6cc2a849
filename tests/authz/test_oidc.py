"""OIDC bearer tokens: RS256 tokens of an identity provider, checked against its JWKS (served
here from a local HTTP server), authenticate the person or client linked to (iss, sub)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import ApiSettings
from authz import clients
from authz.models import ClientKind
from domain.actors import SYSTEM
from domain.config import Environment
from tests import factories as f
from tests.jwks import rsa_jwk, served_jwks

ISSUER = "https://idp.example.test/realms/safety"
AUDIENCE = "safety-duty-api"
VIEWER = "{ viewer { subject method authMethod person { name } client { name } } }"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    with served_jwks(rsa_jwk(signing_key, "k1")) as url:
        yield url


@pytest.fixture
async def oidc_client(
    jwks_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApiSettings(
        environment=Environment.TEST,
        database_url="sqlite+aiosqlite:///:memory:",
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=jwks_url,
    )
    app = create_app(settings, session_factory=session_factory)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def token(key: rsa.RSAPrivateKey, sub: str, **changes: Any) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    kid = changes.pop("kid", "k1")
    claims |= changes
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def ask(client: httpx.AsyncClient, bearer: str) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {bearer}"}
    )


async def test_a_linked_identity_signs_in_and_bad_tokens_get_401(
    oidc_client: httpx.AsyncClient, session: AsyncSession, signing_key: rsa.RSAPrivateKey
) -> None:
    person = await f.person(session, "外部登录甲")
    client = await clients.create_client(
        session, actor=SYSTEM, name="外部系统（演示）", kind=ClientKind.INTEGRATION
    )
    await clients.link_identity(session, actor=SYSTEM, issuer=ISSUER, subject="user-123", person_id=person.id)
    await clients.link_identity(
        session, actor=SYSTEM, issuer=ISSUER, subject="service-9", client_id=client.id
    )
    await session.commit()

    response = await ask(oidc_client, token(signing_key, "user-123"))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"] == {
        "subject": f.gid("Person", person.id),
        "method": "oidc",
        "authMethod": "OIDC",
        "person": {"name": "外部登录甲"},
        "client": None,
    }
    response = await ask(oidc_client, token(signing_key, "service-9"))
    assert response.json()["data"]["viewer"]["subject"] == f.gid("ServiceClient", client.id)

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    past = datetime.now(UTC) - timedelta(hours=1)
    for bad in (
        token(signing_key, "user-123", aud="another-api"),
        token(signing_key, "user-123", iss="https://evil.example"),
        token(signing_key, "user-123", exp=past, iat=past - timedelta(minutes=5)),
        token(signing_key, "user-123", kid="unknown"),
        token(other_key, "user-123"),  # right kid, wrong signature
        token(signing_key, "nobody-linked"),
    ):
        response = await ask(oidc_client, bad)
        assert response.status_code == 401, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "invalid_token" in response.headers["www-authenticate"]

    # Once the client is disabled its identity no longer signs in.
    await clients.disable_client(session, actor=SYSTEM, client_id=client.id)
    await session.commit()
    assert (await ask(oidc_client, token(signing_key, "service-9"))).status_code == 401


# --- the provider's keys: discovery, caching, rotation, outages (PyJWKClient) ---------------


class Provider:
    """An identity provider over HTTP: its discovery document and its JWKS, which the test
    changes (rotation), slows down or takes down; it counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches: dict[str, int] = {}
        self.down = False
        self.delay = 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches[self.path] = provider.fetches.get(self.path, 0) + 1
                if provider.delay:
                    time.sleep(provider.delay)
                if provider.down:
                    self.send_response(503)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                document: dict[str, object]
                if self.path == "/realms/safety/.well-known/openid-configuration":
                    document = {"issuer": provider.issuer, "jwks_uri": f"{provider.base}/realms/safety/certs"}
                elif self.path == "/realms/safety/certs":
                    document = {"keys": provider.keys}
                else:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = f"{self.base}/realms/safety"

    def certs_fetches(self) -> int:
        return self.fetches.get("/realms/safety/certs", 0)


@pytest.fixture
def provider() -> Iterator[Provider]:
    provider = Provider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()
        thread.join()


def provider_client(
    provider: Provider, session_factory: async_sessionmaker[AsyncSession], **settings: Any
) -> httpx.AsyncClient:
    app = create_app(
        ApiSettings(
            environment=Environment.TEST,
            database_url="sqlite+aiosqlite:///:memory:",
            oidc_issuer=provider.issuer,
            oidc_audience=AUDIENCE,
            **settings,
        ),
        session_factory=session_factory,
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def provider_token(provider: Provider, key: rsa.RSAPrivateKey, kid: str) -> str:
    return token(key, "user-123", iss=provider.issuer, kid=kid)


async def linked_person(session: AsyncSession, issuer: str) -> int:
    person = await f.person(session, "外部登录乙")
    await clients.link_identity(session, actor=SYSTEM, issuer=issuer, subject="user-123", person_id=person.id)
    await session.commit()
    return person.id


async def test_keys_are_discovered_cached_and_refetched_for_a_new_key(
    provider: Provider,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    signing_key: rsa.RSAPrivateKey,
) -> None:
    person_id = await linked_person(session, provider.issuer)
    provider.keys = [rsa_jwk(signing_key, "k1")]
    async with provider_client(provider, session_factory, oidc_jwks_cooldown_seconds=0) as client:
        for _ in range(3):
            response = await ask(client, provider_token(provider, signing_key, "k1"))
            assert response.json()["data"]["viewer"]["subject"] == f.gid("Person", person_id), response.text
        # Discovered once through the issuer's document; the key set fetched once and cached.
        assert provider.fetches == {
            "/realms/safety/.well-known/openid-configuration": 1,
            "/realms/safety/certs": 1,
        }

        # The provider rotates: a token signed with the new key fetches the set again.
        new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        provider.keys = [rsa_jwk(signing_key, "k1"), rsa_jwk(new_key, "k2")]
        response = await ask(client, provider_token(provider, new_key, "k2"))
        assert response.json()["data"]["viewer"]["subject"] == f.gid("Person", person_id), response.text
        assert provider.certs_fetches() == 2
        assert (await ask(client, provider_token(provider, signing_key, "k1"))).status_code == 200
        assert provider.certs_fetches() == 2


async def test_unknown_keys_refetch_at_most_once_per_cooldown(
    provider: Provider,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    signing_key: rsa.RSAPrivateKey,
) -> None:
    await linked_person(session, provider.issuer)
    provider.keys = [rsa_jwk(signing_key, "k1")]
    async with provider_client(provider, session_factory, oidc_jwks_cooldown_seconds=60) as client:
        assert (await ask(client, provider_token(provider, signing_key, "k1"))).status_code == 200
        for kid in ("made-up-1", "made-up-2", "made-up-3"):
            response = await ask(client, provider_token(provider, signing_key, kid))
            assert response.status_code == 401
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert provider.certs_fetches() == 1


async def test_held_keys_serve_while_the_provider_is_down_and_no_keys_is_a_401(
    provider: Provider,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    signing_key: rsa.RSAPrivateKey,
) -> None:
    await linked_person(session, provider.issuer)
    provider.keys = [rsa_jwk(signing_key, "k1")]
    async with provider_client(
        provider, session_factory, oidc_jwks_cache_seconds=0.2, oidc_jwks_url=f"{provider.issuer}/certs"
    ) as client:
        assert (await ask(client, provider_token(provider, signing_key, "k1"))).status_code == 200
        provider.down = True
        await asyncio.sleep(0.3)  # the cached set has expired
        response = await ask(client, provider_token(provider, signing_key, "k1"))
        assert response.status_code == 200, response.text
        assert provider.certs_fetches() == 2  # it did try
        assert "/realms/safety/.well-known/openid-configuration" not in provider.fetches  # OIDC_JWKS_URL

    # A process that never had the keys answers 401, not 500.
    async with provider_client(provider, session_factory) as client:
        response = await ask(client, provider_token(provider, signing_key, "k1"))
        assert response.status_code == 401, response.text
        assert "try again later" in response.text


async def test_a_slow_provider_does_not_block_other_requests(
    provider: Provider,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    signing_key: rsa.RSAPrivateKey,
) -> None:
    await linked_person(session, provider.issuer)
    provider.keys = [rsa_jwk(signing_key, "k1")]
    provider.delay = 0.5  # each fetch: the discovery document, then the key set
    async with provider_client(provider, session_factory) as client:
        signing_in = asyncio.create_task(ask(client, provider_token(provider, signing_key, "k1")))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        assert (await client.get("/healthz")).status_code == 200
        assert time.perf_counter() - started < 0.3
        assert not signing_in.done()
        assert (await signing_in).status_code == 200
