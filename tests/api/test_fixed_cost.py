"""What every request costs: a request that needs no database opens no session, and a
person's token is verified once per process (until it expires)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from unittest import mock

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.relay import to_base64

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import TOKEN_LEEWAY_SECONDS, mint_token
from tests import factories as f
from tests.conftest import shared_schema

TYPENAME = {"query": "{ __typename }"}


async def test_a_request_that_needs_no_database_opens_no_session(
    settings: ApiSettings, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    person = await f.person(session, "定额甲")
    await session.commit()
    app = create_app(settings, session_factory=session_factory, schema=shared_schema(settings))
    opened: list[AsyncSession] = []

    def counting() -> AsyncSession:
        opened.append(session_factory())
        return opened[-1]

    app.state.session_factory = counting
    token = mint_token(settings, f"person:{person.id}")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        # The first request loads the authorization state and looks the person up.
        assert (await client.post("/graphql", json=TYPENAME)).json()["data"] == {"__typename": "Query"}
        assert len(opened) == 1
        # The next ones need no database at all.
        for _ in range(3):
            assert (await client.post("/graphql", json=TYPENAME)).json()["data"] == {"__typename": "Query"}
        assert len(opened) == 1
        # A request that reads opens its session when it first reads.
        body = (await client.post("/graphql", json={"query": "{ districts { totalCount } }"})).json()
        assert body["data"] == {"districts": {"totalCount": 0}} and len(opened) == 2
        # A token of a person who does not exist is still refused, every time.
        stranger = {"Authorization": f"Bearer {mint_token(settings, f'person:{person.id + 1000}')}"}
        for _ in range(2):
            assert (await client.post("/graphql", json=TYPENAME, headers=stranger)).status_code == 401


async def test_a_verified_token_is_refused_once_it_expires(
    app: Any, settings: ApiSettings, session: AsyncSession
) -> None:
    person = await f.person(session, "定额乙")
    await session.commit()
    token = mint_token(settings, f"person:{person.id}", ttl=timedelta(minutes=5))
    authenticator = app.state.authenticator
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        assert (await client.post("/graphql", json=TYPENAME)).status_code == 200
        assert authenticator.known(token) is not None
        # Past `exp` and the leeway the signature check allows, it is no longer taken as
        # verified (the signature check, which refuses it then, runs again).
        later = time.time() + 5 * 60 + TOKEN_LEEWAY_SECONDS + 1
        with mock.patch("time.time", return_value=later):
            assert authenticator.known(token) is None
        assert authenticator.known(token) is None
        # An expired token is refused, and not remembered.
        expired = mint_token(
            settings, f"person:{person.id}", ttl=timedelta(seconds=-TOKEN_LEEWAY_SECONDS - 5)
        )
        response = await client.post(
            "/graphql", json=TYPENAME, headers={"Authorization": f"Bearer {expired}"}
        )
        assert response.status_code == 401
        assert "expired" in response.json()["errors"][0]["extensions"]["messageEn"]
        assert authenticator.known(expired) is None
        # A client's token is known only while the authorization state is unchanged: a
        # disabled client stops at once.
        client_subject = await f.make_platform_admin(session)
        other = await f.make_client(session, name="定额客户端")
        await session.commit()
        await app.state.authority.load(session)  # the admin's grant, written by the factory
        client_token = mint_token(settings, client_subject)
        as_admin = {"Authorization": f"Bearer {client_token}"}
        other_token = mint_token(settings, other.subject)
        as_other = {"Authorization": f"Bearer {other_token}"}
        assert (await client.post("/graphql", json=TYPENAME, headers=as_admin)).status_code == 200
        assert (await client.post("/graphql", json=TYPENAME, headers=as_other)).status_code == 200
        assert authenticator.known(client_token) is not None and authenticator.known(other_token) is not None
        disable = {
            "query": "mutation($i: DisableServiceClientInput!) { disableServiceClient(input: $i) "
            "{ userErrors { code } } }",
            "variables": {"i": {"clientId": to_base64("ServiceClient", other.id)}},
        }
        answer = (await client.post("/graphql", json=disable, headers=as_admin)).json()
        assert answer["data"]["disableServiceClient"]["userErrors"] == [], answer
        assert authenticator.known(other_token) is None
        assert (await client.post("/graphql", json=TYPENAME, headers=as_other)).status_code == 401
