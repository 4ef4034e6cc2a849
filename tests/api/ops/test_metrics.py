"""Prometheus metrics at /metrics: requests and latency by operation, errors by code, the
database pool, background jobs; scrapes refused from elsewhere and without the token."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.app import create_app
from api.ops.metrics import pool_of_session_factory
from api.settings import ApiSettings
from domain.config import Environment
from scratch import temporary_database
from tests.conftest import base_url, migrated_database

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: httpx.AsyncClient, **headers: str) -> Samples:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def codes(response: httpx.Response) -> list[str]:
    return [e.get("extensions", {}).get("code", "UNSPECIFIED") for e in response.json().get("errors", [])]


async def test_requests_errors_and_user_errors_are_counted(
    app: Any, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    before = await scrape(client)
    named = [
        await client.post("/graphql", json={"query": "query Districts { districts { totalCount } }"})
        for _ in range(2)
    ]
    assert all(r.status_code == 200 and "errors" not in r.json() for r in named)
    anonymous = await client.post("/graphql", json={"query": "{ districts { totalCount } }"})
    invalid = await client.post("/graphql", json={"query": "query Broken { noSuchField }"})
    mutation = await client.post(
        "/graphql",
        json={
            "query": 'mutation AddPerson { createPerson(input: {name: "", idNumber: "x"}) { userErrors { code } } }'
        },
    )
    user_codes = [e["code"] for e in mutation.json()["data"]["createPerson"]["userErrors"]]
    assert user_codes, mutation.text
    unsupported = await client.post(
        "/graphql", content=b"{ districts }", headers={"content-type": "text/plain"}
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as nobody:
        refused = await nobody.post(
            "/graphql", json={"query": "query Districts { districts { totalCount } }"}
        )
    assert refused.status_code == 401 and unsupported.status_code == 415
    after = await scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("graphql_requests_total", operation="Districts", type="query", status="200") == 2
    assert moved("graphql_request_duration_seconds_count", operation="Districts", type="query") == 2
    assert moved("graphql_request_duration_seconds_sum", operation="Districts", type="query") > 0
    assert moved("graphql_requests_total", operation="(anonymous)", type="query", status="200") == 1
    assert moved("graphql_requests_total", operation="AddPerson", type="mutation", status="200") == 1
    # Not executed: no operation to name.
    assert moved("graphql_requests_total", operation="-", type="-", status="401") == 1
    assert moved("graphql_requests_total", operation="-", type="-", status="415") == 1
    # Parsed but not valid: named all the same.
    assert (
        moved("graphql_requests_total", operation="Broken", type="query", status=str(invalid.status_code))
        == 1
    )

    expected: dict[str, int] = {}
    for response in (*named, anonymous, invalid, mutation, unsupported, refused):
        for code in codes(response):
            expected[code] = expected.get(code, 0) + 1
    assert expected.get("UNAUTHENTICATED") == 1 and len(codes(invalid)) == 1
    for code, count in expected.items():
        assert moved("api_errors_total", code=code) == count, code
    for code in set(user_codes):
        assert moved("graphql_user_errors_total", code=code) == user_codes.count(code)

    # The pool behind the test's connection: that connection is checked out.
    pool: Any = engine.sync_engine.pool
    assert value(after, "db_pool_size") == pool.size()
    assert value(after, "db_pool_checked_out") >= 1


async def test_operation_names_are_capped(client: httpx.AsyncClient, app: Any) -> None:
    metrics = app.state.metrics
    metrics._operation_names.update(f"Filler{i}" for i in range(200 - len(metrics._operation_names)))
    await client.post("/graphql", json={"query": "query OneTooMany { __typename }"})
    samples = await scrape(client)
    assert value(samples, "graphql_requests_total", operation="(other)", type="query", status="200") == 1
    assert not any(("operation", "OneTooMany") in labels for _, labels in samples)


def client_of(app: Any, address: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://t"
    )


def api_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"] and error["extensions"]["messageEn"]
    assert "graphql_requests_total" not in response.text


async def test_scrapes_from_elsewhere_or_through_a_proxy_are_refused_by_default(
    app: Any,
) -> None:
    async with client_of(app) as local, client_of(app, "203.0.113.7") as remote:
        assert (await local.get("/metrics")).status_code == 200
        api_error(await remote.get("/metrics"), 403, "FORBIDDEN")
        api_error(await local.get("/metrics", headers={"x-forwarded-for": "203.0.113.7"}), 403, "FORBIDDEN")
        api_error(await local.get("/metrics", headers={"forwarded": "for=203.0.113.7"}), 403, "FORBIDDEN")
    async with client_of(app, "::ffff:127.0.0.1") as mapped, client_of(app, "::1") as v6:
        assert (await mapped.get("/metrics")).status_code == 200
        assert (await v6.get("/metrics")).status_code == 200


async def test_a_token_and_networks(session_factory: async_sessionmaker[AsyncSession]) -> None:
    token = "metrics-scraper-token-for-tests"
    settings = ApiSettings(
        environment=Environment.TEST,
        database_url="sqlite+aiosqlite:///:memory:",
        metrics_token=SecretStr(token),
        metrics_allowed_networks=[IPv4Network("10.0.0.0/8")],
    )
    app = create_app(settings, session_factory=session_factory)
    async with client_of(app, "10.1.2.3") as inside, client_of(app, "127.0.0.1") as local:
        response = await inside.get("/metrics")
        api_error(response, 401, "UNAUTHENTICATED")
        assert response.headers["www-authenticate"].startswith("Bearer")
        api_error(
            await inside.get("/metrics", headers={"authorization": "Bearer wrong"}), 401, "UNAUTHENTICATED"
        )
        assert (await inside.get("/metrics", headers={"authorization": f"Bearer {token}"})).status_code == 200
        # Loopback is not in the list now; the token alone does not do.
        api_error(await local.get("/metrics", headers={"authorization": f"Bearer {token}"}), 403, "FORBIDDEN")

    anywhere = create_app(
        settings.model_copy(update={"metrics_allowed_networks": []}), session_factory=session_factory
    )
    async with client_of(anywhere, "203.0.113.7") as remote:
        api_error(await remote.get("/metrics"), 401, "UNAUTHENTICATED")
        assert (await remote.get("/metrics", headers={"authorization": f"Bearer {token}"})).status_code == 200

    off = create_app(
        settings.model_copy(update={"metrics_allowed_networks": [], "metrics_token": None}),
        session_factory=session_factory,
    )
    async with client_of(off) as local:
        api_error(await local.get("/metrics"), 404, "NOT_FOUND")


@pytest.fixture
async def job_settings() -> ApiSettings:
    return ApiSettings(
        environment=Environment.TEST,
        hazard_escalation_seconds=0.05,
        score_refresh_seconds=0.05,
    )


async def run_jobs(app: Any, until: float = 0.5) -> Samples:
    async with app.router.lifespan_context(app), client_of(app) as client:
        deadline = time.monotonic() + 20
        while True:
            samples = await scrape(client)
            runs = [
                value(samples, "background_job_runs_total", job=j)
                for j in ("hazard_escalation", "score_refresh")
            ]
            if min(runs) >= 2 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        return samples


async def test_background_jobs(tmp_path: Path, job_settings: ApiSettings) -> None:
    async with migrated_database(tmp_path) as (url, _engine):
        app = create_app(job_settings.model_copy(update={"database_url": url}), listen=False)
        started = time.time()
        samples = await run_jobs(app)
    for job in ("hazard_escalation", "score_refresh"):
        assert value(samples, "background_job_runs_total", job=job) >= 2
        assert value(samples, "background_job_failures_total", job=job) == 0
        last = value(samples, "background_job_last_success_timestamp_seconds", job=job)
        assert started <= last <= time.time()


async def test_the_pool_of_the_apps_own_engine(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (url, _engine):
        settings = ApiSettings(
            environment=Environment.TEST,
            database_url=url,
            hazard_escalation_seconds=0,
            score_refresh_seconds=0,
        )
        app = create_app(settings, listen=False)
        async with app.router.lifespan_context(app), client_of(app) as client:
            assert (await client.get("/readyz")).status_code == 200
            idle = await scrape(client)
            async with app.state.session_factory() as session:
                await session.execute(text("SELECT 1"))
                held = await scrape(client)
            pool: Any = pool_of_session_factory(app.state.session_factory)
            size = pool.size()
    assert value(idle, "db_pool_checked_out") == 0 and value(idle, "db_pool_checked_in") >= 1
    assert value(held, "db_pool_checked_out") == 1
    assert value(held, "db_pool_size") == value(idle, "db_pool_size") == size
    assert ("db_pool_overflow", frozenset()) in held


async def test_failing_background_jobs_are_counted(tmp_path: Path, job_settings: ApiSettings) -> None:
    # A database without the tables: every run fails.
    async with temporary_database(base_url(), tmp_path) as url:
        app = create_app(job_settings.model_copy(update={"database_url": url}), listen=False)
        samples = await run_jobs(app)
    for job in ("hazard_escalation", "score_refresh"):
        runs = value(samples, "background_job_runs_total", job=job)
        assert runs >= 2
        assert value(samples, "background_job_failures_total", job=job) == runs
        assert ("background_job_last_success_timestamp_seconds", frozenset({("job", job)})) not in samples


MULTIPROCESS_SCRIPT = """
import sys
from prometheus_client import generate_latest
from api.ops.metrics import Metrics

metrics = Metrics(lambda: None)
for _ in range(int(sys.argv[1])):
    metrics.job_succeeded("score_refresh")
    metrics.requests.labels("Districts", "query", "200").inc()
if sys.argv[2] == "scrape":
    sys.stdout.write(generate_latest(metrics.scrape_registry()).decode())
"""


def test_with_a_multiprocess_directory_a_scrape_sums_every_process(tmp_path: Path) -> None:
    """PROMETHEUS_MULTIPROC_DIR must be set before prometheus_client is imported: separate
    processes, as uvicorn's workers are."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    root = Path(__file__).resolve().parents[3]

    def run(count: int, mode: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", MULTIPROCESS_SCRIPT, str(count), mode],
            env=env, cwd=root, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return done.stdout

    run(2, "count")
    run(3, "count")
    text_out = run(4, "scrape")
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text_out)
        for s in family.samples
    }
    assert value(samples, "background_job_runs_total", job="score_refresh") == 9
    assert value(samples, "graphql_requests_total", operation="Districts", type="query", status="200") == 9
    assert value(samples, "background_job_last_success_timestamp_seconds", job="score_refresh") > 0
