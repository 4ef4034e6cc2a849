"""Parallel requests on a database of their own (not the rolled-back test connection):
concurrent writers queue instead of failing, on the embedded SQLite default too."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from sqlalchemy import func, select

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.db import create_session_factory
from domain.people.models import Person
from tests import factories as f
from tests.conftest import migrated_database

CREATE = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } userErrors { code } } }"
READ = "{ persons(first: 100) { totalCount edges { node { name assignments { totalCount } } } } }"


async def test_parallel_writes_and_reads_all_succeed(settings: ApiSettings, tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (_url, engine):
        factory = create_session_factory(engine)
        async with factory() as session:
            admin = await f.make_platform_admin(session)
        app = create_app(settings, session_factory=factory)
        headers = {"Authorization": f"Bearer {mint_token(settings, admin)}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
        ) as client:

            async def write(n: int) -> dict[str, object]:
                variables = {"i": {"name": f"并发{n}", "idNumber": f.id_number(n)}}
                response = await client.post("/graphql", json={"query": CREATE, "variables": variables})
                return dict(response.json())

            async def read() -> dict[str, object]:
                return dict((await client.post("/graphql", json={"query": READ})).json())

            results = await asyncio.gather(*(write(n) for n in range(25)), *(read() for _ in range(10)))
        assert [r for r in results if "errors" in r] == []
        writes = results[:25]
        assert all(r["data"]["createPerson"]["userErrors"] == [] for r in writes)  # type: ignore[index]
        async with create_session_factory(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(Person)) == 25
