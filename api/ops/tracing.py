"""OpenTelemetry traces of requests and their SQL, exported over OTLP/HTTP, when
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set. Nothing is
imported, wrapped or started otherwise.

The OpenTelemetry SDK, its OTLP/HTTP exporter and its ASGI and SQLAlchemy instrumentations
do the work; the standard variables (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_TRACES_SAMPLER`, …) are
read by the SDK. Each request is a server span named after its GraphQL operation
(`query Districts`); every statement it runs is a child span. The provider is the app's own
(not the process-wide global), flushed and shut down with the app.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.applications import Starlette

from domain.config import Settings

SERVICE_NAME = "safety-duty"
# Probes and scrapes are not traced (regular expressions over the URL).
UNTRACED_URLS = "/healthz$,/readyz$,/metrics$"


def traces_endpoint(settings: Settings) -> str | None:
    """Where spans go, or None when traces are off."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    specific = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if specific:
        return specific
    base = settings.otel_exporter_otlp_endpoint
    # The general endpoint is a base URL; OTLP/HTTP puts traces under /v1/traces.
    return f"{base.rstrip('/')}/v1/traces" if base else None


class Tracing:
    def __init__(self, endpoint: str) -> None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME}
        self.provider = TracerProvider(resource=Resource.create(attributes))
        self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        self._instrumentor: Any = None

    def install(self, app: Starlette) -> None:
        """The server span around everything else (call after the other middleware)."""
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        app.add_middleware(
            OpenTelemetryMiddleware,
            tracer_provider=self.provider,
            excluded_urls=UNTRACED_URLS,
            exclude_spans=["receive", "send"],
        )

    def instrument(self, sync_engine: Any) -> None:
        """SQL spans for the engine's statements. SQLAlchemy's instrumentor is one per process:
        a second app in the same process (tests) gets them once the first has shut down."""
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        instrumentor = SQLAlchemyInstrumentor()
        if sync_engine is not None and not instrumentor.is_instrumented_by_opentelemetry:
            # The instrumentation declares SQLAlchemy < 2.1 and would otherwise do nothing on
            # our 2.1; the events it uses (before/after_cursor_execute, pool events) are
            # unchanged in 2.1, and the tests check its spans.
            instrumentor.instrument(engine=sync_engine, tracer_provider=self.provider, skip_dep_check=True)
            self._instrumentor = instrumentor

    def shutdown(self) -> None:
        """Stop SQL spans, send what is pending and stop the exporter."""
        if self._instrumentor is not None:
            self._instrumentor.uninstrument()
            self._instrumentor = None
        self.provider.shutdown()


def tracing_for(settings: Settings) -> Tracing | None:
    endpoint = traces_endpoint(settings)
    return Tracing(endpoint) if endpoint else None


def name_server_span(kind: str, name: str | None) -> None:
    from opentelemetry import trace

    span = trace.get_current_span()
    if span.is_recording():
        span.update_name(f"{kind} {name}" if name else kind)
        span.set_attribute("graphql.operation.type", kind)
        if name:
            span.set_attribute("graphql.operation.name", name)
