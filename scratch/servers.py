"""The app as a real server process for the tests and benchmarks that need one (more than
one process, a signal, a real socket): a free port of 127.0.0.1, and `uvicorn --factory
api.app:app_factory` on it, stopped on the way out."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository, where the server starts


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_log(path: Path) -> str:
    return path.read_text(errors="replace")


@contextmanager
def app_server(
    database_url: str, port: int, log_path: Path, *, log_level: str = "info", **settings: str
) -> Iterator[subprocess.Popen[bytes]]:
    """The app on `port` over `database_url` (no demo data), with more `settings`
    (environment variables) if given, its output in `log_path`; stopped on the way out."""
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
             "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level],
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
