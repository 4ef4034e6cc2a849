"""Prometheus metrics (prometheus_client, the Prometheus project's own client), served at
/metrics to scrapers only.

What is counted:
- `graphql_requests_total{operation,type,status}` and `graphql_request_duration_seconds`
  {operation,type}: every request to /graphql, by operation name and type (`-` for both when
  no operation could be determined: refused credentials, a body that is not GraphQL, a
  document that does not parse). Client-chosen names are capped (`MAX_OPERATION_NAMES`
  distinct ones, then `(other)`), so a client cannot grow the metric without bound.
- `api_errors_total{code}`: every error answered in `errors` (GraphQL and plain endpoints,
  protocol errors included), by `extensions.code`; `graphql_user_errors_total{code}`:
  `userErrors` of mutations, by code (those a client selected without an alias).
- `db_pool_size`, `db_pool_checked_out`, `db_pool_checked_in`, `db_pool_overflow`: the
  SQLAlchemy pool of the app's database, read when scraped.
- `background_job_runs_total{job}`, `background_job_failures_total{job}`,
  `background_job_last_success_timestamp_seconds{job}`: the server's periodic jobs.

Several processes: with `PROMETHEUS_MULTIPROC_DIR` set (an empty directory, wiped before
the processes start), counters and histograms are written there and a scrape of any process
sums all of them (prometheus_client's multiprocess mode); the pool gauges describe the
process that answered.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import Scope

MAX_OPERATION_NAMES = 200
MAX_NAME_LENGTH = 100
OTHER = "(other)"
ANONYMOUS = "(anonymous)"
NONE = "-"
# Not GraphQL requests and not worth timing: probes and the scrapes themselves.
UNOBSERVED_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})


class PoolCollector(Collector):
    """The pool's state at scrape time (QueuePool: size, checked out, checked in, overflow)."""

    def __init__(self, pool_of: Callable[[], Any]) -> None:
        self.pool_of = pool_of

    def collect(self) -> Iterable[Metric]:
        pool = self.pool_of()
        if pool is None or not hasattr(pool, "checkedout"):
            return  # no pool of ours, or one without counts (NullPool, StaticPool)
        for name, doc, value in (
            ("db_pool_size", "Connections the pool keeps", pool.size()),
            ("db_pool_checked_out", "Connections in use", pool.checkedout()),
            ("db_pool_checked_in", "Idle connections in the pool", pool.checkedin()),
            ("db_pool_overflow", "Connections beyond the pool size", pool.overflow()),
        ):
            yield GaugeMetricFamily(name, doc, value=value)


def engine_of_session_factory(session_factory: Any) -> Any:
    """The (sync) engine behind an `async_sessionmaker` bound to an engine or a connection."""
    bind = getattr(session_factory, "kw", {}).get("bind")
    return getattr(bind, "sync_engine", None)


def pool_of_session_factory(session_factory: Any) -> Any:
    """The connection pool behind an `async_sessionmaker` bound to an engine or a connection."""
    return getattr(engine_of_session_factory(session_factory), "pool", None)


class Metrics:
    """The app's metrics, in a registry of the app's own (one per `create_app`)."""

    def __init__(self, pool_of: Callable[[], Any]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "graphql_requests", "GraphQL requests", ["operation", "type", "status"], registry=r
        )
        self.latency = Histogram(
            "graphql_request_duration_seconds", "GraphQL request duration", ["operation", "type"], registry=r
        )
        self.errors = Counter("api_errors", "Errors answered, by extensions.code", ["code"], registry=r)
        self.user_errors = Counter(
            "graphql_user_errors", "userErrors of mutations, by code", ["code"], registry=r
        )
        self.job_runs = Counter("background_job_runs", "Runs of periodic jobs", ["job"], registry=r)
        self.job_failures = Counter(
            "background_job_failures", "Failed runs of periodic jobs", ["job"], registry=r
        )
        self.job_last_success = Gauge(
            "background_job_last_success_timestamp_seconds",
            "When a periodic job last succeeded (Unix time)",
            ["job"],
            registry=r,
            multiprocess_mode="max",
        )
        self.pool_collector = PoolCollector(pool_of)
        r.register(self.pool_collector)
        self._operation_names: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS
        if name in self._operation_names:
            return name
        if len(name) > MAX_NAME_LENGTH or len(self._operation_names) >= MAX_OPERATION_NAMES:
            return OTHER
        self._operation_names.add(name)
        return name

    def job_succeeded(self, job: str) -> None:
        self.job_runs.labels(job).inc()
        self.job_last_success.labels(job).set(time.time())

    def job_failed(self, job: str) -> None:
        self.job_runs.labels(job).inc()
        self.job_failures.labels(job).inc()

    def scrape_registry(self) -> CollectorRegistry:
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return self.registry
        registry = CollectorRegistry()
        # prometheus_client leaves this constructor unannotated: it takes the registry.
        collect_processes = cast(Callable[[CollectorRegistry], object], MultiProcessCollector)
        collect_processes(registry)
        registry.register(self.pool_collector)
        return registry


def error_codes(body: bytes) -> Iterator[str]:
    """`extensions.code` of each entry of a JSON body's top-level `errors`."""
    if b'"errors"' not in body:
        return
    try:
        document = json.loads(body)
    except ValueError:
        return
    errors = document.get("errors") if isinstance(document, dict) else None
    for error in errors if isinstance(errors, list) else ():
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        yield code if isinstance(code, str) else "UNSPECIFIED"


def observe_request(metrics: Metrics, scope: Scope, status: int, seconds: float, body: bytes) -> None:
    """Counts and times a request (not of UNOBSERVED_PATHS) once answered (`api.edge`): the
    error codes of its JSON body, and for /graphql its operation, status and duration."""
    for code in error_codes(body):
        metrics.errors.labels(code).inc()
    if scope["path"] != "/graphql":
        return
    # Left by `api.ops.operation.ObserveOperation` when the request reached GraphQL.
    name, kind, user_codes = scope.get("state", {}).get("graphql_operation", (None, None, []))
    operation = metrics.operation_label(name) if kind else NONE
    kind = kind or NONE
    metrics.requests.labels(operation, kind, str(status)).inc()
    metrics.latency.labels(operation, kind).observe(seconds)
    for code in user_codes:
        metrics.user_errors.labels(code).inc()
