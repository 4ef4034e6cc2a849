"""Test harness.

Each test session runs against a real database, built with the Alembic migrations:
a temporary SQLite file by default, or — when TEST_DATABASE_URL names a PostgreSQL
server — a fresh database created on that server and dropped afterwards. Each test runs
inside one outer transaction that is rolled back at its end; the app under test gets a
session factory bound to that connection, so even requests through HTTP leave nothing.

`make test` runs the suite in parallel (pytest-xdist, one worker process per core). Each
worker is a session of its own, so it builds its own database: SQLite files under each
worker's own temporary directory, PostgreSQL databases with random names. Tests that need a
server process or a socket take a free port from the system, never a fixed one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from api.app import create_app
from api.schema import build_schema
from api.settings import ApiSettings
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory
from domain.files.stores import BlobStore
from domain.files.stores.disk import DiskStore
from migrations.runner import upgrade
from scratch import temporary_database

# The S3 store's fixtures (a local S3-protocol server per process, a bucket per test).
pytest_plugins = ["tests.s3server"]


def base_url() -> str | None:
    raw = os.environ.get("TEST_DATABASE_URL")
    return normalize_database_url(raw) if raw else None


@asynccontextmanager
async def migrated_database(scratch: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A database of the test's own (not the rolled-back test connection), migrated: its URL
    and an engine, disposed of and the database dropped afterwards. For what must see
    committed data: other connections, worker processes, parallel requests."""
    async with temporary_database(base_url(), scratch) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            yield url, engine
        finally:
            await engine.dispose()


def _build_demo_database(path: Path) -> None:
    """`python -m api migrate`, then `load-demo`, into a SQLite file at `path`."""
    from api.__main__ import main
    from domain.config import get_settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", f"sqlite:///{path.as_posix()}")
        # The demo's evidence files beside the database, not in the repository's data/.
        mp.setenv("FILE_STORE", "disk")
        mp.setenv("FILE_STORE_PATH", str(path.parent / "demo-files"))
        get_settings.cache_clear()
        try:
            main(["migrate"])
            main(["load-demo"])
        finally:
            get_settings.cache_clear()


@pytest.fixture(scope="session")
def demo_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file built by the commands themselves (`migrate`, then `load-demo`), with the
    demo data committed, for the tests of the commands that read it; each takes its own copy
    (`copy_database`). Loading the demo takes seconds, so it is built once per run: the first
    process to need it builds it in the run's temporary directory (shared by the xdist
    workers) while any other waits on a lock, then finds it built."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    path = root / "demo-by-commands.db"
    with (root / "demo-by-commands.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = root / f"demo-by-commands.{os.getpid()}.db"
            # In a thread of its own: the commands run their own event loop.
            run_in_thread(_build_demo_database, building)
            building.rename(path)
    return path


def run_in_thread(fn: Any, *args: Any) -> None:
    """`fn(*args)` in another thread, its exception raised here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(fn, *args).result()


def copy_database(source: Path, target: Path) -> str:
    """A consistent copy of a SQLite file (its write-ahead log included); the copy's URL."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return f"sqlite:///{target.as_posix()}"


def on_postgresql() -> bool:
    url = base_url()
    return url is not None and url.startswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.postgres_only` tests are skipped unless TEST_DATABASE_URL names PostgreSQL."""
    if on_postgresql():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql://…")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A test that runs a command in-process (`api.__main__.main`) configures logging for
    the process: its handler writes to the stream pytest captured for that test, closed
    afterwards. Put the root logger back as it was."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async with temporary_database(base_url(), tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    await upgrade(eng)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
def dialect(engine: AsyncEngine) -> str:
    return engine.dialect.name


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_factory() as s:
        yield s


@pytest.fixture
def settings() -> ApiSettings:
    return ApiSettings(environment=Environment.TEST, database_url="sqlite+aiosqlite:///:memory:")


_schemas: dict[str, strawberry.Schema] = {}


def shared_schema(settings: ApiSettings) -> strawberry.Schema:
    """`build_schema(settings)`, built once per process for equal settings and shared by the
    apps of the tests (as one process's requests share it): building it in every test took
    about a third of the API tests' time."""
    key = settings.model_dump_json()
    if key not in _schemas:
        _schemas[key] = build_schema(settings)
    return _schemas[key]


@pytest.fixture
def file_store(tmp_path: Path) -> BlobStore:
    """The evidence store of a test's app: a disk store in the test's own folder (the files
    suites run on the S3 store too, by overriding this fixture)."""
    return DiskStore(tmp_path / "files")


@pytest.fixture
def app(
    settings: ApiSettings, session_factory: async_sessionmaker[AsyncSession], file_store: BlobStore
) -> Any:
    return create_app(
        settings, session_factory=session_factory, schema=shared_schema(settings), file_store=file_store
    )


@pytest.fixture
async def platform_admin(session: AsyncSession) -> str:
    """The subject of a service client that is admin over everything ("*")."""
    from tests.factories import make_platform_admin

    return await make_platform_admin(session)


@pytest.fixture
async def anonymous_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends no credentials."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def client(app: Any, settings: ApiSettings, platform_admin: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client acting as a platform-wide admin (most API tests are about the API, not about
    who may use it; tests/authz covers that)."""
    from authz.credentials import mint_token

    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers) as c:
        # Load the authorization state now, so statement counts in tests see requests alone.
        assert (await c.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
        yield c


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
            self.statements.append(statement)


@pytest.fixture
def query_counter(engine: AsyncEngine) -> Any:
    counter = QueryCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", counter)


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Any:
    """POST a GraphQL document; returns the parsed body (asserting HTTP 200)."""

    async def run(query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, **kwargs
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return run
