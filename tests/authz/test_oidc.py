"""OIDC bearer tokens: RS256 tokens of an identity provider, checked against its JWKS (served
here from a local HTTP server), authenticate the person or client linked to (iss, sub)."""

from __future__ import annotations

import json
import threading
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
from authz import clients
from authz.models import ClientKind
from domain.config import Environment, Settings
from tests import factories as f

ISSUER = "https://idp.example.test/realms/safety"
AUDIENCE = "safety-duty-api"
VIEWER = "{ viewer { subject method authMethod person { name } client { name } } }"


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return jwk | {"kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    body = json.dumps({"keys": [_jwk(signing_key, "k1")]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/certs"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
async def oidc_client(
    jwks_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
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
    client = await clients.create_client(session, name="外部系统（演示）", kind=ClientKind.INTEGRATION)
    await clients.link_identity(session, issuer=ISSUER, subject="user-123", person_id=person.id)
    await clients.link_identity(session, issuer=ISSUER, subject="service-9", client_id=client.id)
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
    await clients.disable_client(session, client_id=client.id)
    await session.commit()
    assert (await ask(oidc_client, token(signing_key, "service-9"))).status_code == 401
