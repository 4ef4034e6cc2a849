"""A field that fails beside siblings still running their queries: graphql-core cancels
those siblings, which can leave the request's connection unusable. The answer must still be
the field's error (and the siblings' data, or null), never a server error: a request that
wrote nothing has nothing to commit."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import create_session_factory
from scratch.servers import app_server, free_port
from tests import factories as f
from tests.app_servers import wait_ready
from tests.conftest import migrated_database

REFUSALS = {"PAGE_SIZE_OUT_OF_RANGE", "INVALID_CURSOR"}
DOCUMENTS = [
    "{ a: units(first: -1) { totalCount } b: units(first: 0) { totalCount } }",
    "{ b: units(first: 50) { totalCount nodes { name children(first: 5) { totalCount } } } a: units(first: -1) { totalCount } }",
    '{ b: persons(first: 50) { totalCount nodes { name } } a: units(first: 2, after: "bad") { totalCount } }',
]


@pytest.mark.postgres_only
async def test_a_failing_field_beside_running_siblings_is_no_server_error(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
            await session.commit()
        port = free_port()
        # The resolvers answer every field (the compiled path shields its statement).
        with app_server(url, port, tmp_path / "serve.log", COMPILED_READS="false") as proc:
            await wait_ready(proc, port, tmp_path / "serve.log")
            headers = {
                "Authorization": f"Bearer {mint_token(ApiSettings(environment=Environment.TEST), admin)}"
            }
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30
            ) as client:
                # The cancellation lands mid-query in a few requests of a hundred.
                for _ in range(40):
                    for doc in DOCUMENTS:
                        answer = await client.post("/graphql", json={"query": doc})
                        assert answer.status_code == 200, answer.text
                        (error,) = answer.json()["errors"]
                        assert error["path"] == ["a"], error
                        assert error["extensions"]["code"] in REFUSALS, error
