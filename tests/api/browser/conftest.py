"""Real-browser tests: Debian's Chromium (/usr/bin/chromium, driven by Playwright; never a
browser Playwright downloads) against a real uvicorn server on a migrated database, with
frontend pages served from other origins by a tiny static HTTP server.

Every test here is skipped, saying why, when Chromium or Playwright is missing (`.ci/run`
installs Chromium where it is missing)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import ApiSettings
from domain.config import Environment
from domain.db import create_session_factory
from domain.tree.kinds import UnitKind
from scratch.servers import free_port
from tests import factories as f
from tests.conftest import migrated_database

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
FRONTEND = Path(__file__).parent / "frontend"
STARTUP_SECONDS = 60.0


def _why_not() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "needs Playwright: pip install -e '.[dev]'"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks the tests here `browser` (`-m "not browser"` leaves them out), and skips them
    when Chromium or Playwright is missing."""
    reason = _why_not()
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            if reason is not None:
                item.add_marker(pytest.mark.skip(reason=reason))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """Serves `directory` on a port of its own: a second origin. Yields the origin."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Deployment:
    api: str  # the API's origin
    allowed: str  # the frontend origin in CORS_ALLOWED_ORIGINS
    refused: str  # a frontend origin that is not
    token: str  # a bearer token of the person below
    person_name: str
    settings: ApiSettings


@pytest.fixture(scope="module")
async def deployment(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Deployment]:
    """A uvicorn process in development (GraphiQL's `?as=` works), on a migrated database
    holding the demo park in small (ZY, with a platform admin person), allowing one of two
    frontend origins."""
    scratch = tmp_path_factory.mktemp("browser")
    async with migrated_database(scratch) as (url, engine):
        async with create_session_factory(engine)() as session:
            district = await f.district(session)
            await f.unit(session, UnitKind.PARK, district, code="ZY", name="演示园区")
            admin = await f.person(session, name="演示管理员")
            await f.grant_role(session, f"person:{admin.id}", "admin")
            await session.commit()
        with static_server(FRONTEND) as allowed, static_server(FRONTEND) as refused:
            settings = ApiSettings(
                environment=Environment.DEVELOPMENT, database_url=url, cors_allowed_origins=[allowed]
            )
            port = free_port()
            env = {
                **os.environ,
                "ENVIRONMENT": "development",
                "DATABASE_URL": url,
                "CORS_ALLOWED_ORIGINS": allowed,
                "LOAD_DEMO_DATA": "true",
                "HAZARD_ESCALATION_SECONDS": "0",
                "SCORE_REFRESH_SECONDS": "0",
            }
            command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
            process = await asyncio.create_subprocess_exec(*command, env=env, cwd=scratch)
            api = f"http://127.0.0.1:{port}"
            try:
                await _wait_until_up(api, process)
                from authz.credentials import mint_token

                yield Deployment(
                    api=api,
                    allowed=allowed,
                    refused=refused,
                    token=mint_token(settings, f"person:{admin.id}"),
                    person_name="演示管理员",
                    settings=settings,
                )
            finally:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), timeout=15)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def _wait_until_up(api: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(int(STARTUP_SECONDS * 10)):
            if process.returncode is not None:
                raise RuntimeError(f"the API server exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{api}/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the API server did not answer within {STARTUP_SECONDS} s")


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            await chromium.close()
