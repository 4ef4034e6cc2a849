"""Logs as JSON lines: every line one JSON object, and every line logged during a request
carries its id — in the app (a request whose database layer fails) and in a real server
started by `python -m api serve` (uvicorn's own lines included)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.ops.logs import JsonLineFormatter, RequestIdFilter, logging_config
from api.settings import ApiSettings
from domain.config import Environment
from scratch.servers import free_port
from tests.conftest import migrated_database

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the root logger writes through the JSON handler `logging_config` describes."""
    config = logging_config(ApiSettings(environment=Environment.TEST, log_format="json", log_level="INFO"))
    assert config["formatters"]["default"] == {"()": JsonLineFormatter}
    assert config["handlers"]["default"]["filters"] == ["request_id"]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def parse_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def test_every_line_of_a_request_is_json_with_its_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, json_lines: io.StringIO
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in the database layer")

    # A third-party boundary fails: the ORM's and the compiled reads' (api.compiled).
    monkeypatch.setattr(AsyncSession, "execute", broken)
    monkeypatch.setattr(AsyncConnection, "exec_driver_sql", broken)
    logging.getLogger("tests.ops").info("before the request")
    response = await client.post(
        "/graphql",
        json={"query": "{ districts { edges { node { name } } } }"},
        headers={"x-request-id": "ops-req-1"},
    )
    assert response.headers["x-request-id"] == "ops-req-1"
    logging.getLogger("tests.ops").warning("after the request", extra={"unitCount": 3})

    # httpx, the test's client, logs its own line once the response is back.
    lines = [line for line in parse_lines(json_lines.getvalue()) if line["logger"] != "httpx"]
    before, *during, after = lines
    assert before["message"] == "before the request" and "requestId" not in before
    assert before["level"] == "INFO" and before["logger"] == "tests.ops"
    assert before["time"].startswith("20") and "T" in before["time"]
    assert after == after | {"message": "after the request", "level": "WARNING", "unitCount": 3}
    assert "requestId" not in after

    assert during, "the failing request logged nothing"
    assert all(line["requestId"] == "ops-req-1" for line in during), during
    failure = next(line for line in during if "exception" in line)
    assert failure["level"] == "ERROR"
    assert "RuntimeError: boom in the database layer" in failure["exception"]


async def test_text_lines_name_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = logging_config(ApiSettings(environment=Environment.TEST))
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter(config["formatters"]["default"]["format"]))
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(AsyncSession, "execute", broken)
    monkeypatch.setattr(AsyncConnection, "exec_driver_sql", broken)
    try:
        await client.post(
            "/graphql", json={"query": "{ districts { totalCount } }"}, headers={"x-request-id": "ops-req-2"}
        )
        logging.getLogger("tests.ops").error("outside")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = buffer.getvalue().splitlines()
    assert any(" ERROR " in line and "[ops-req-2]: " in line for line in lines), lines
    assert lines[-1].endswith(" ERROR tests.ops [-]: outside")


def serve(port: int, env: dict[str, str], stderr: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip


async def test_the_server_writes_json_lines_with_request_ids(tmp_path: Path) -> None:
    """`python -m api serve` with LOG_FORMAT=json: the CLI's, the app's and uvicorn's lines
    (startup, access) are all JSON; the access line of a request carries its id."""
    async with migrated_database(tmp_path) as (url, _engine):
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ENVIRONMENT": "test",
            "LOAD_DEMO_DATA": "false",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "info",
            "HAZARD_ESCALATION_SECONDS": "0",
            "SCORE_REFRESH_SECONDS": "0",
        }
        stderr_path = tmp_path / "stderr.log"
        with stderr_path.open("wb") as stderr:
            proc = serve(port, env, stderr)
            try:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                    deadline = time.monotonic() + 30
                    while True:
                        assert proc.poll() is None, stderr_path.read_text()
                        assert time.monotonic() < deadline, stderr_path.read_text()
                        try:
                            if (await http.get("/healthz")).status_code == 200:
                                break
                        except httpx.TransportError:
                            await asyncio.sleep(0.1)
                    response = await http.post(
                        "/graphql",
                        json={"query": "{ districts { totalCount } }"},
                        headers={"x-request-id": "ops-req-3"},
                    )
                    assert response.status_code == 401
            finally:
                proc.terminate()
                proc.wait(timeout=15)
    lines = parse_lines(stderr_path.read_text())  # fails if any line is not JSON
    loggers = {line["logger"] for line in lines}
    assert {"uvicorn.error", "uvicorn.access"} <= loggers, loggers
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    mine = [line for line in access if line.get("requestId") == "ops-req-3"]
    assert len(mine) == 1 and "POST /graphql" in mine[0]["message"] and "401" in mine[0]["message"], access
    assert all("color_message" not in line for line in lines)
