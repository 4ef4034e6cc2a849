"""OpenTelemetry traces: with an OTLP endpoint configured, each request is a server span
named after its GraphQL operation, with its SQL statements as child spans, sent over
OTLP/HTTP to a real receiver (an HTTP server in the test decoding the protobuf)."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from domain.db import create_session_factory
from tests.conftest import migrated_database
from tests.factories import make_platform_admin


class Receiver:
    """An OTLP/HTTP trace receiver: POST /v1/traces, protobuf."""

    def __init__(self) -> None:
        self.spans: list[tuple[dict[str, Any], Span]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                receiver.paths.append(self.path)
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                    for scope_spans in resource_spans.scope_spans:
                        receiver.spans.extend((resource, span) for span in scope_spans.spans)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join()


def attributes(span: Span) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for a in span.attributes:
        kind = a.value.WhichOneof("value")
        values[a.key] = getattr(a.value, kind) if kind else None
    return values


async def test_a_request_and_its_sql_arrive_as_spans(
    receiver: Receiver, tmp_path: Path, dialect: str
) -> None:
    # The app's own engine: SQLAlchemy's events reach connections opened after they were
    # set up, as in a server (the tests' shared connection predates them).
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await make_platform_admin(session)
        settings = ApiSettings(
            environment=Environment.TEST,
            database_url=url,
            otel_exporter_otlp_endpoint=receiver.url,
            hazard_escalation_seconds=0,
            score_refresh_seconds=0,
        )
        app = create_app(settings, listen=False)
        await run_traced(app, receiver, mint_token(settings, admin), dialect)
        # Shut down with the app: SQLAlchemy's instrumentation is released (the next app may
        # take it) and the provider sends nothing more.
        assert not SQLAlchemyInstrumentor().is_instrumented_by_opentelemetry
        count = len(receiver.spans)
        await run_traced_once(app)
        assert len(receiver.spans) == count


async def run_traced(app: Any, receiver: Receiver, token: str, dialect: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client,
    ):
        response = await client.post(
            "/graphql", json={"query": "query Districts { districts { totalCount } }"}
        )
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        assert (await client.get("/healthz")).status_code == 200
        traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        await client.post(
            "/graphql", json={"query": "query Again { __typename }"}, headers={"traceparent": traceparent}
        )
        assert app.state.tracing.provider.force_flush(10_000)

        assert set(receiver.paths) == {"/v1/traces"}
        (resource, server), *more = [(r, s) for r, s in receiver.spans if s.name == "query Districts"]
        assert not more
        assert resource["service.name"] == "safety-duty"
        assert server.kind == Span.SPAN_KIND_SERVER
        assert attributes(server)["graphql.operation.name"] == "Districts"
        assert attributes(server)["graphql.operation.type"] == "query"

        in_trace = {s.span_id: s for _, s in receiver.spans if s.trace_id == server.trace_id}
        database_spans = [s for s in in_trace.values() if s.kind == Span.SPAN_KIND_CLIENT]
        for span in database_spans:  # statements, and a connection opened for the request
            attrs = attributes(span)
            assert attrs.get("db.system") == dialect or attrs.get("db.system.name") == dialect, attrs
            parent = span.parent_span_id
            while parent != server.span_id:
                assert parent in in_trace, "a database span outside the request's span"
                parent = in_trace[parent].parent_span_id
        statements = [
            str(attributes(s).get("db.statement") or attributes(s).get("db.query.text") or "")
            for s in database_spans
        ]
        assert any(sql.lstrip().upper().startswith("SELECT") for sql in statements), [
            (s.name, s.kind, s.trace_id.hex()[:6]) for _, s in receiver.spans
        ]

        # Probes are not traced; a caller's trace context is continued.
        assert not [s for _, s in receiver.spans if "healthz" in s.name]
        again = next(s for _, s in receiver.spans if s.name == "query Again")
        assert again.trace_id.hex() == "0af7651916cd43dd8448eb211c80319c"
        assert again.parent_span_id.hex() == "b7ad6b7169203331"


async def run_traced_once(app: Any) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        await client.post("/graphql", json={"query": "query Late { __typename }"})


def test_nothing_when_no_endpoint_is_configured(settings: ApiSettings) -> None:
    app = create_app(settings)
    assert app.state.tracing is None
    assert not [m for m in app.user_middleware if "OpenTelemetry" in getattr(m.cls, "__name__", "")]
