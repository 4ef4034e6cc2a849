"""Two processes: how long a grant made through one server takes to be seen by another."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from strawberry.relay import to_base64

from api.settings import ApiSettings
from authz.credentials import mint_token
from benchmarks.authz.data import ASSIGN, TARGET_CROSS_PROCESS_MS, UNIT_QUERY, Data
from benchmarks.authz.figures import line
from domain.config import Environment
from scratch.servers import app_server, free_port, read_log


async def wait_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> float:
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        while time.perf_counter() - start < 120:
            if proc.poll() is not None:
                raise SystemExit(f"server on {port} exited:\n{read_log(log_path)}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit(f"server on {port} not ready:\n{read_log(log_path)}")


async def cross_process_figures(url: str, data: Data, changes: int) -> None:
    settings = ApiSettings(environment=Environment.TEST, database_url=url)
    admin = {"Authorization": f"Bearer {mint_token(settings, f'client:{data.admin_client}')}"}
    port_a = free_port()
    port_b = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log_a, log_b = Path(tmp) / "a.log", Path(tmp) / "b.log"
        with (
            app_server(url, port_a, log_a, log_level="warning") as proc_a,
            app_server(url, port_b, log_b, log_level="warning") as proc_b,
        ):
            ready = await asyncio.gather(wait_ready(proc_a, port_a, log_a), wait_ready(proc_b, port_b, log_b))
            print(f"{'two servers ready (startup incl. Authority load)':<58} {max(ready):.1f} s", flush=True)
            from_send: list[float] = []
            from_answer: list[float] = []
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_a}", headers=admin) as a,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_b}") as b,
            ):
                for person_id, post_id, enterprise_id in data.spare[:changes]:
                    headers = {"Authorization": f"Bearer {mint_token(settings, f'person:{person_id}')}"}
                    variables = {"id": to_base64("OrgUnit", enterprise_id)}

                    async def visible(
                        headers: dict[str, str] = headers, variables: dict[str, str] = variables
                    ) -> bool:
                        r = await b.post(
                            "/graphql", json={"query": UNIT_QUERY, "variables": variables}, headers=headers
                        )
                        body = r.json()
                        assert "errors" not in body, body
                        return body["data"]["unit"] is not None

                    assert not await visible()
                    assign = {"input": {"postId": to_base64("Post", post_id),
                                        "personId": to_base64("Person", person_id), "startDate": "2024-01-01"}}  # fmt: skip
                    sent = time.perf_counter()
                    r = await a.post("/graphql", json={"query": ASSIGN, "variables": assign})
                    answered = time.perf_counter()
                    assert r.json()["data"]["assignPerson"]["userErrors"] == [], r.json()
                    while not await visible():
                        if time.perf_counter() - sent > 30:
                            raise SystemExit("the grant was not enforced by B within 30 s")
                        await asyncio.sleep(0.002)
                    seen = time.perf_counter()
                    from_send.append((seen - sent) * 1000)
                    from_answer.append((seen - answered) * 1000)
                    await asyncio.sleep(0.2)
            assert proc_a.poll() is None and proc_b.poll() is None
    line("grant on A enforced on B, from sending", from_send, TARGET_CROSS_PROCESS_MS)
    line("grant on A enforced on B, from A's answer", from_answer, TARGET_CROSS_PROCESS_MS)
