"""The app as a real server process (uvicorn, on a free port of 127.0.0.1), for the tests that
need more than one process or a signal: started, waited for until ready, stopped.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]  # the repository, where the server starts


def read_log(path: Path) -> str:
    return path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    database_url: str, port: int, log_path: Path, **settings: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`uvicorn --factory api.app:app_factory` on `port`, with more `settings` (environment
    variables) if given; killed on the way out."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "LOAD_DEMO_DATA": "false",
        **settings,
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


async def wait_ready(
    proc: subprocess.Popen[bytes], port: int, log_path: Path, wait_seconds: float = 30
) -> None:
    deadline = time.monotonic() + wait_seconds
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"server on {port} exited:\n{read_log(log_path)}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    pytest.fail(f"server on {port} not ready in {wait_seconds} s:\n{read_log(log_path)}")
