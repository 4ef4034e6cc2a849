"""The two servers: PostGraphile (installed with npm into a cache) and this app, started,
waited for, asked and stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.peer.requests import GRAPHILE_CONFIG, NPM_PACKAGES, SCRATCH, SECRET_KEY, TYPENAME
from scratch.servers import free_port

# --- the servers -------------------------------------------------------------------------


def install_peer() -> tuple[str, Path]:
    """PostGraphile v5 and Node 22 into the scratch folder; returns the node binary to use
    and PostGraphile's CLI script."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    package = SCRATCH / "package.json"
    if not package.exists():
        package.write_text('{"name": "safety-bench-peer", "private": true, "type": "module"}\n')
    cli = SCRATCH / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    node22 = SCRATCH / "node_modules" / ".bin" / "node"
    if not cli.exists() or not node22.exists():
        print(f"installing          {' '.join(NPM_PACKAGES)} into {SCRATCH} (npm)", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *NPM_PACKAGES],
            cwd=SCRATCH, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    (SCRATCH / "graphile.config.mjs").write_text(GRAPHILE_CONFIG)
    node = str(node22)
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        node = shutil.which("node") or "node"
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        print(f"note                Node 22 from npm did not run; using {node} {version.strip()}")
    pg_version = json.loads((cli.parent.parent / "package.json").read_text())["version"]
    print(
        f"peer                PostGraphile {pg_version} (amber preset) on Node {version.strip()}", flush=True
    )
    return node, cli


@dataclass
class Server:
    name: str
    url: str
    headers: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)


def wait_ready(server: Server, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"{server.name} stopped (exit {server.process.returncode}); see {server.log}:\n"
                     + server.log.read_text()[-3000:])  # fmt: skip
        with contextlib.suppress(httpx.HTTPError):
            r = httpx.post(server.url, json={"query": TYPENAME}, headers=server.headers, timeout=5)
            if r.status_code == 200:
                return
        time.sleep(0.3)
    sys.exit(f"{server.name} did not answer within {timeout:.0f} s; see {server.log}")


def start_peer(node: str, cli: Path, db_url: str, logdir: Path) -> Server:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "PORT": str(port), "NODE_ENV": "production"}
    log = logdir / "postgraphile.log"
    proc = subprocess.Popen(
        [node, str(cli), "-C", str(SCRATCH / "graphile.config.mjs")],
        cwd=SCRATCH, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return Server("PostGraphile", f"http://127.0.0.1:{port}/graphql", {}, proc, log)


def start_ours(db_url: str, token: str, logdir: Path) -> Server:
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": db_url, "ENVIRONMENT": "production", "SECRET_KEY": SECRET_KEY,
        "LOAD_DEMO_DATA": "false", "HAZARD_ESCALATION_SECONDS": "0", "SCORE_REFRESH_SECONDS": "0",
    }  # fmt: skip
    log = logdir / "uvicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--no-access-log"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    return Server("ours", f"http://127.0.0.1:{port}/graphql", headers, proc, log)


def ask(server: Server, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = httpx.post(server.url, json={"query": query, "variables": variables or {}}, headers=server.headers,
                   timeout=120)  # fmt: skip
    body = r.json()
    if r.status_code != 200 or body.get("errors"):
        sys.exit(f"{server.name} answered {r.status_code}: {json.dumps(body, ensure_ascii=False)[:2000]}")
    return dict(body["data"])


@contextlib.contextmanager
def serving(*servers: Server) -> Iterator[None]:
    try:
        yield
    finally:
        for s in servers:
            if s.process.poll() is None:
                s.process.terminate()
        for s in servers:
            try:
                s.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                s.process.kill()
