"""Waiting for the app as a real server process (scratch/servers.py starts it) to be ready,
failing the test with its log if it exits or does not come up."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from scratch.servers import read_log


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
