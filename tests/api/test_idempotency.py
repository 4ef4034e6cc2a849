"""Safe retries: the Idempotency-Key header on mutations."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import create_session_factory
from domain.people.models import Person
from tests import factories as f
from tests.conftest import migrated_database

CREATE = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id name } userErrors { code field } } }"


def create(name: str, n: int) -> dict[str, Any]:
    return {"query": CREATE, "variables": {"i": {"name": name, "idNumber": f.id_number(n)}}}


async def persons(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_a_retry_gets_the_first_answer_and_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await persons(session)
    key = {"Idempotency-Key": "4f1c7c1e-1111-4a7b-9d2e-000000000001"}
    first = await client.post("/graphql", json=create("重试甲", 1), headers=key)
    again = await client.post("/graphql", json=create("重试甲", 1), headers=key)
    assert first.status_code == again.status_code == 200
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert first.json()["data"]["createPerson"]["person"]["name"] == "重试甲"
    assert await persons(session) == before + 1


async def test_the_same_key_for_another_request_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await persons(session)
    key = {"Idempotency-Key": "key-reused"}
    assert (await client.post("/graphql", json=create("重试乙", 2), headers=key)).status_code == 200
    other = await client.post("/graphql", json=create("别人", 3), headers=key)
    assert other.status_code == 422
    (error,) = other.json()["errors"]
    assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert error["extensions"]["messageEn"] and "幂等键" in error["message"]
    assert await persons(session) == before + 1


async def test_keys_belong_to_their_caller(
    client: httpx.AsyncClient, session: AsyncSession, settings: ApiSettings
) -> None:
    other_admin = await f.make_platform_admin(session)
    other = {"Authorization": f"Bearer {mint_token(settings, other_admin)}", "Idempotency-Key": "shared"}
    before = await persons(session)
    mine = await client.post("/graphql", json=create("甲方", 4), headers={"Idempotency-Key": "shared"})
    theirs = await client.post("/graphql", json=create("甲方", 4), headers=other)
    # The second caller's request ran as its own (its answer is its own, not the first's).
    assert "idempotent-replayed" not in theirs.headers
    assert mine.json()["data"]["createPerson"]["userErrors"] == []
    assert theirs.json()["data"]["createPerson"]["person"] is None
    assert theirs.content != mine.content
    assert await persons(session) == before + 1


async def test_a_refused_write_is_replayed_as_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    key = {"Idempotency-Key": "refused-once"}
    bad = {"query": CREATE, "variables": {"i": {"name": "无效", "idNumber": "123"}}}
    first = await client.post("/graphql", json=bad, headers=key)
    again = await client.post("/graphql", json=bad, headers=key)
    assert first.json()["data"]["createPerson"]["userErrors"]
    assert again.headers["idempotent-replayed"] == "true" and again.content == first.content


async def test_a_malformed_key_is_refused_and_queries_ignore_the_header(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await persons(session)
    bad = await client.post("/graphql", json=create("键错", 5), headers={"Idempotency-Key": "has space"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_VALUE"
    assert await persons(session) == before
    query = {"query": "{ persons(first: 1) { totalCount } }"}
    for _ in range(2):
        read = await client.post("/graphql", json=query, headers={"Idempotency-Key": "a-query"})
        assert read.status_code == 200 and "idempotent-replayed" not in read.headers


async def test_a_key_past_its_retention_is_a_new_key(session_factory: Any, session: AsyncSession) -> None:
    settings = ApiSettings(environment=Environment.TEST, idempotency_retention_hours=0.5 / 3600)
    app = create_app(settings, session_factory=session_factory)
    admin = await f.make_platform_admin(session)
    headers = {"Authorization": f"Bearer {mint_token(settings, admin)}", "Idempotency-Key": "short-lived"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        await http.post("/graphql", json=create("过期", 6), headers=headers)
        await asyncio.sleep(0.6)
        again = await http.post("/graphql", json=create("过期", 6), headers=headers)
    assert "idempotent-replayed" not in again.headers
    assert again.json()["data"]["createPerson"]["userErrors"] == [
        {"code": "DUPLICATE_ID_NUMBER", "field": ["input", "idNumber"]}
    ]


async def test_concurrent_first_uses_of_one_key_write_once(settings: ApiSettings, tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (_url, engine):
        factory = create_session_factory(engine)
        async with factory() as session:
            admin = await f.make_platform_admin(session)
        app = create_app(settings, session_factory=factory)
        headers = {"Authorization": f"Bearer {mint_token(settings, admin)}", "Idempotency-Key": "burst"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            answers = await asyncio.gather(
                *(http.post("/graphql", json=create("并发同键", 7), headers=headers) for _ in range(6))
            )
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert answers[0].json()["data"]["createPerson"]["userErrors"] == []
        async with factory() as session:
            assert await persons(session) == 1
