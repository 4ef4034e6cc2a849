"""Two real server processes on one PostgreSQL database: a change of who-may-do-what made
through one is enforced by the other within a second (NOTIFY → AuthzListener → refresh)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from authz.credentials import mint_token
from authz.settings import AuthSettings
from authz.watcher import AuthzListener, asyncpg_dsn, decode_keys, encode_keys
from domain.clock import today_shanghai
from domain.config import Environment
from domain.db import create_engine, create_session_factory
from domain.posts.kinds import PostKind
from migrations.runner import upgrade
from scratch import temporary_database
from scratch.servers import app_server, free_port
from tests import factories as f
from tests.app_servers import wait_ready
from tests.conftest import base_url

UNIT = "query($id: ID!) { unit(id: $id) { id name } }"
ASSIGN = """mutation($input: AssignPersonInput!) {
  assignPerson(input: $input) { assignment { id version } userErrors { code message } } }"""
END = """mutation($input: EndAssignmentInput!) {
  endAssignment(input: $input) { assignment { id endDate } userErrors { code message } } }"""
DEADLINE = 1.0  # seconds for a change made on A to be enforced on B


async def graphql(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def poll_until(client: httpx.AsyncClient, unit_id: str, visible: bool, since: float) -> float:
    """Ask until the unit is (or is no longer) visible; the seconds since `since`."""
    while True:
        data = await graphql(client, UNIT, {"id": unit_id})
        if (data["unit"] is not None) == visible:
            return time.perf_counter() - since
        if time.perf_counter() - since > 10:
            pytest.fail(f"not {'visible' if visible else 'hidden'} after 10 s")
        await asyncio.sleep(0.005)


def test_keys_round_trip_and_oversized_changes_ask_for_a_full_reload() -> None:
    assert decode_keys(encode_keys({"person:1", "post:2"})) == {"person:1", "post:2"}
    assert decode_keys(encode_keys({f"person:{i}" for i in range(5000)})) == {"*"}
    assert decode_keys("not json") == {"*"}
    assert asyncpg_dsn("postgresql+asyncpg://u:p@h:5/db") == "postgresql://u:p@h:5/db"


@pytest.mark.postgres_only
async def test_a_change_made_on_one_process_is_enforced_on_another_within_a_second(tmp_path: Path) -> None:
    async with temporary_database(base_url(), tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            async with create_session_factory(engine)() as session:
                admin = await f.make_platform_admin(session)
                tree = await f.small_tree(session)
                who = await f.person(session, "跨进程")
                post = await f.post(session, tree["chem"], PostKind.ENTERPRISE_PRINCIPAL)
                await session.commit()
        finally:
            await engine.dispose()

        settings = AuthSettings(environment=Environment.TEST, database_url=url)
        admin_headers = {"Authorization": f"Bearer {mint_token(settings, admin)}"}
        person_headers = {"Authorization": f"Bearer {mint_token(settings, f'person:{who.id}')}"}
        enterprise_id = f.gid("OrgUnit", tree["chem"].id)
        port_a, port_b = free_port(), free_port()
        while port_b == port_a:
            port_b = free_port()
        log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"

        with app_server(url, port_a, log_a) as proc_a, app_server(url, port_b, log_b) as proc_b:
            await asyncio.gather(wait_ready(proc_a, port_a, log_a), wait_ready(proc_b, port_b, log_b))
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_a}", headers=admin_headers) as a,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_b}", headers=person_headers) as b,
            ):
                assert (await graphql(b, UNIT, {"id": enterprise_id}))["unit"] is None

                # Grant: the person becomes the enterprise's principal, through A.
                start = time.perf_counter()
                variables = {
                    "input": {"postId": f.gid("Post", post.id), "personId": f.gid("Person", who.id),
                              "startDate": "2024-01-01"}
                }  # fmt: skip
                payload = (await graphql(a, ASSIGN, variables))["assignPerson"]
                assert payload["userErrors"] == []
                granted_after = await poll_until(b, enterprise_id, True, start)
                data = await graphql(b, UNIT, {"id": enterprise_id})
                assert data["unit"]["name"] == tree["chem"].name

                # Revoke: the assignment ended yesterday, so it no longer holds today.
                yesterday = (today_shanghai() - timedelta(days=1)).isoformat()
                assignment = payload["assignment"]
                start = time.perf_counter()
                variables = {
                    "input": {"assignmentId": assignment["id"], "endDate": yesterday,
                              "version": assignment["version"]}
                }  # fmt: skip
                assert (await graphql(a, END, variables))["endAssignment"]["userErrors"] == []
                revoked_after = await poll_until(b, enterprise_id, False, start)

            assert proc_a.poll() is None and proc_b.poll() is None
        print(f"grant enforced on B after {granted_after * 1000:.0f} ms, "
              f"revocation after {revoked_after * 1000:.0f} ms (from sending the mutation to A)")  # fmt: skip
        assert granted_after < DEADLINE, granted_after
        assert revoked_after < DEADLINE, revoked_after


@pytest.mark.postgres_only
async def test_the_listener_reloads_everything_after_its_connection_drops(tmp_path: Path) -> None:
    """Kill the listener's backend: it reconnects and reloads (a change sent meanwhile would
    have been lost), and keeps applying notifications."""
    import asyncpg

    from authz.authority import Authority
    from authz.watcher import CHANNEL

    async with temporary_database(base_url(), tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            factory = create_session_factory(engine)
            authority = Authority()
            listener = AuthzListener(url, authority, factory, resync_seconds=0, min_backoff=0.05)
            assert await listener.start()
            await listener.reload()
            assert listener.connects == 1 and authority.loaded
            admin = await asyncpg.connect(asyncpg_dsn(url))
            try:
                pid = listener._conn.get_server_pid()
                await admin.execute("SELECT pg_terminate_backend($1)", pid)
                for _ in range(200):
                    if listener.connects == 2 and listener.listening:
                        break
                    await asyncio.sleep(0.025)
                assert listener.connects == 2
                for _ in range(200):  # the reload after reconnecting
                    if listener.refreshes >= 1:
                        break
                    await asyncio.sleep(0.025)
                assert listener.refreshes >= 1

                async with factory() as session:
                    grantee = await f.make_client(session, name="新接入端")
                    await f.grant_role(session, grantee.subject, "admin")
                    await session.commit()
                await admin.execute("SELECT pg_notify($1, $2)", CHANNEL, encode_keys({grantee.subject}))
                for _ in range(200):
                    if authority.enforce(grantee.subject, "unit", "read", "/1/", f.TODAY):
                        break
                    await asyncio.sleep(0.01)
                assert authority.enforce(grantee.subject, "unit", "read", "/1/", f.TODAY)
            finally:
                await admin.close()
                await listener.stop()
            assert listener._conn is None
        finally:
            await engine.dispose()
