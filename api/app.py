"""Composition root: `create_app()` builds the Starlette app; its lifespan builds the engine
and session factory once. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from api.dossier import links as dossier_links
from api.edge import EdgeMiddleware, InFlight
from api.errors import ApiErrorCode, error_entry
from api.files import downloads as file_downloads
from api.hazards import public as tip_offs
from api.http import GraphQLView
from api.ide import page as ide_page
from api.multipart import multipart_body_limit, tip_off_body_limit
from api.ops.metrics import Metrics, engine_of_session_factory, pool_of_session_factory
from api.ops.scrape import metrics_endpoint
from api.ops.tracing import tracing_for
from api.protocol_errors import routing_error
from api.proxies import TrustedProxyMiddleware
from api.schema import MASKED_MESSAGE_EN, MASKED_MESSAGE_ZH, build_schema
from api.scoring import reports as compliance_reports
from api.settings import ApiSettings, get_settings
from api.unavailable import unavailable_entry
from api.unit_of_work import close_bounded
from authz.authority import Authority
from authz.credentials import Authenticator
from authz.watcher import AuthzListener
from domain.clock import today_shanghai
from domain.db import create_engine, create_session_factory
from domain.dblimits import DatabaseLimits, database_failure
from domain.files.stores import BlobStore
from domain.files.stores.opening import open_store
from domain.health import ping

log = logging.getLogger("api.app")

READINESS_TIMEOUT_SECONDS = 2.0
IDEMPOTENCY_PURGE_SECONDS = 3600.0
# Requests cancelled at shutdown get this long to send their answer (503 BUSY).
ANSWER_CANCELLED_SECONDS = 2.0
# How long the start waits for the authorization state to load before serving anyway.
STARTUP_LOAD_TIMEOUT_SECONDS = 60.0

# CORS: what a page of an allowed origin may send and read. No cookies are involved (tokens
# travel in Authorization), so credentials stay off.
CORS_METHODS = ("GET", "POST", "OPTIONS")
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID")
CORS_EXPOSED_HEADERS = ("X-Request-ID", "Retry-After", "WWW-Authenticate")


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers `SELECT 1` within `app.state.readiness_timeout` seconds:
    a database that accepts connections but never answers is as unready as one that refuses."""
    session = request.app.state.session_factory()
    try:
        async with asyncio.timeout(request.app.state.readiness_timeout):
            await ping(session)
    except Exception as exc:
        log.warning("readiness check failed: %r", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    finally:
        await close_bounded(session)
    return JSONResponse({"status": "ok", "database": "reachable"})


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """An exception out of a plain endpoint (tip-offs, report downloads): 503 with
    Retry-After when the database could not serve it, else a masked 500 in the API's error
    shape (Starlette logs the traceback)."""
    request_id = getattr(request.state, "request_id", "-")
    kind = database_failure(exc)
    if kind is not None:
        retry_after = request.app.state.settings.retry_after_seconds
        entry = unavailable_entry(kind, retry_after, requestId=request_id)
        return JSONResponse({"errors": [entry]}, status_code=503, headers={"Retry-After": str(retry_after)})
    entry = error_entry(
        ApiErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE_ZH, MASKED_MESSAGE_EN, requestId=request_id
    )
    return JSONResponse({"errors": [entry]}, status_code=500)


async def index(_: Request) -> Response:
    return RedirectResponse("/graphql")


async def _load_authority(app: Starlette, listener: AuthzListener | None) -> None:
    """Load the authorization state before the first request. A database that is down now
    does not stop the start: /readyz says so, and the first request loads it."""
    try:
        async with asyncio.timeout(STARTUP_LOAD_TIMEOUT_SECONDS):
            if listener is not None:
                await listener.reload()
            else:
                async with app.state.session_factory() as session:
                    await app.state.authority.load(session)
    except Exception:
        log.warning("authorization state not loaded at startup; the first request will", exc_info=True)


async def _escalation_loop(app: Starlette, every: float) -> None:
    """Escalate overdue major hazards now and then. Escalation is idempotent and locks the
    hazards it touches, so several processes doing it at once write each notice once."""
    from domain.hazards.service import escalate_overdue

    while True:
        try:
            async with app.state.session_factory() as session:
                written = await escalate_overdue(session, app.state.clock())
                await session.commit()
            app.state.metrics.job_succeeded("hazard_escalation")
            if written:
                log.info("escalated %d overdue major hazard notice(s)", written)
        except Exception:
            app.state.metrics.job_failed("hazard_escalation")
            log.warning("hazard escalation failed; will retry", exc_info=True)
        await asyncio.sleep(every)


async def _score_loop(app: Starlette, every: float) -> None:
    """Bring the scores to today when the day has moved on (obligations due yesterday turn
    missed, hazards turn overdue). The refresh locks the score state, so several processes
    doing it at once refresh once."""
    from domain.scoring.maintain import refresh

    while True:
        try:
            async with app.state.session_factory() as session:
                moved = await refresh(session, app.state.clock())
                await session.commit()
            app.state.metrics.job_succeeded("score_refresh")
            if moved:
                log.info("scores refreshed to %s", app.state.clock())
        except Exception:
            app.state.metrics.job_failed("score_refresh")
            log.warning("score refresh failed; will retry", exc_info=True)
        await asyncio.sleep(every)


async def _idempotency_purge_loop(app: Starlette, every: float) -> None:
    """Forget idempotency keys past their retention window (lookups ignore them already;
    this keeps the table small)."""
    from domain.db import utcnow
    from domain.idempotency.service import purge_expired

    while True:
        await asyncio.sleep(every)
        try:
            async with app.state.session_factory() as session:
                forgotten = await purge_expired(session, utcnow())
                await session.commit()
            if forgotten:
                log.info("forgot %d expired idempotency key(s)", forgotten)
        except Exception:
            log.warning("idempotency key purge failed; will retry", exc_info=True)


def create_app(
    settings: ApiSettings | None = None,
    *,
    session_factory: async_sessionmaker[AsyncSession] | None = None,
    listen: bool | None = None,
    schema: strawberry.Schema | None = None,
    file_store: BlobStore | None = None,
) -> Starlette:
    """Build the app. Tests pass a `session_factory` bound to their own connection; otherwise
    the lifespan creates the engine from `settings.database_url` and disposes of it.

    On PostgreSQL the lifespan also starts an `AuthzListener`, which keeps the authorization
    state current with changes made by other processes, and loads that state. `listen`
    overrides the default: on for an engine of the app's own, off for an injected
    `session_factory` (whose state the test drives itself).

    `schema`, when given, must be `build_schema(settings)`: tests build it once for the apps
    of many tests (a schema keeps nothing of a request, and building one takes a quarter of a
    second)."""
    settings = settings or get_settings()
    view = GraphQLView(schema or build_schema(settings), graphql_ide="graphiql", allow_queries_via_get=True)
    on_postgresql = settings.database_url.startswith("postgresql")
    use_listener = on_postgresql and (listen if listen is not None else session_factory is None)
    tracing = tracing_for(settings)  # None unless an OTLP endpoint is configured

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = None
        if session_factory is None:
            engine = create_engine(
                settings.database_url, echo=settings.sql_echo, limits=DatabaseLimits.from_settings(settings)
            )
            app.state.session_factory = create_session_factory(engine)
        if tracing is not None:
            tracing.instrument(engine_of_session_factory(app.state.session_factory))
        listener: AuthzListener | None = None
        if use_listener:
            listener = AuthzListener(
                settings.database_url,
                app.state.authority,
                app.state.session_factory,
                resync_seconds=settings.authz_resync_seconds,
            )
            # Listen first, then load: a change committed in between is both loaded and
            # notified, never missed.
            await listener.start()
        app.state.authz_listener = listener
        if engine is not None or listener is not None:
            await _load_authority(app, listener)
        escalation = None
        if engine is not None and settings.hazard_escalation_seconds > 0:
            escalation = asyncio.create_task(_escalation_loop(app, settings.hazard_escalation_seconds))
        scores = None
        if engine is not None and settings.score_refresh_seconds > 0:
            scores = asyncio.create_task(_score_loop(app, settings.score_refresh_seconds))
        purge = None
        if engine is not None:
            purge = asyncio.create_task(_idempotency_purge_loop(app, IDEMPOTENCY_PURGE_SECONDS))
        # What is alive now (the schema, the policy, the settings) lives as long as the
        # process: keep it out of the cycle collector's full passes, which otherwise walk it
        # again and again and showed as 100 ms pauses in the slowest requests.
        gc.freeze()
        try:
            yield
        finally:
            # The server cancelled the requests still running when its grace ran out: each
            # answers 503 BUSY and closes its session; let them, within a bound, before the
            # engine goes and the event loop ends under them.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(ANSWER_CANCELLED_SECONDS):
                    await app.state.in_flight.idle()
            for task in (escalation, scores, purge):
                if task is not None:
                    task.cancel()
            if listener is not None:
                await listener.stop()
            if engine is not None:
                await engine.dispose()
            await app.state.file_store.close()
            if tracing is not None:
                await asyncio.to_thread(tracing.shutdown)  # flushes over HTTP

    app = Starlette(
        routes=[
            Route("/", index),
            # Every method reaches the view, which answers the ones it refuses with a JSON 405.
            Route("/graphql", view),
            Mount(ide_page.ASSETS_PATH, app=ide_page.assets_app()),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Route("/public/tip-offs", tip_offs.submit, methods=["POST"]),
            Route("/public/tip-offs/{code}", tip_offs.status, methods=["GET"]),
            Route("/reports/{report_id}/{file_name}", compliance_reports.download, methods=["GET"]),
            Route("/dossiers/{dossier_id}/{file_name}", dossier_links.download, methods=["GET"]),
            Route("/public/signing-key", dossier_links.public_key, methods=["GET"]),
            Route("/files/{file_id}/{variant}/{file_name}", file_downloads.download, methods=["GET"]),
        ],
        lifespan=lifespan,
        exception_handlers={StarletteHTTPException: routing_error, Exception: unexpected_error},
    )
    app.state.settings = settings
    # Where evidence content lives (FILE_STORE); tests pass their own. Opening connects to nothing.
    app.state.file_store = file_store if file_store is not None else open_store(settings)
    authority = app.state.authority = Authority()
    app.state.authenticator = Authenticator(settings, generation=lambda: authority.generation)
    app.state.readiness_timeout = READINESS_TIMEOUT_SECONDS
    app.state.authz_listener = None
    # The platform's calendar date (Asia/Shanghai); tests pin it to judge fixed dates.
    app.state.clock = today_shanghai
    if session_factory is not None:
        app.state.session_factory = session_factory
    app.state.metrics = Metrics(lambda: pool_of_session_factory(getattr(app.state, "session_factory", None)))
    # The request id, metrics and body limit of every request, in one layer (api/edge.py).
    in_flight = app.state.in_flight = InFlight()
    app.add_middleware(
        EdgeMiddleware,
        metrics=app.state.metrics,
        max_bytes=settings.max_body_bytes,
        in_flight=in_flight,
        multipart_limits={
            "/graphql": multipart_body_limit(settings),
            "/public/tip-offs": tip_off_body_limit(settings),
        },
    )
    app.state.tracing = tracing
    if tracing is not None:
        tracing.install(app)
    # Outside the application (only the proxy layer wraps it), so a preflight is answered here,
    # before anything asks for credentials, and every answer, errors included, carries CORS headers.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_allowed_origins or (),
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        max_age=settings.cors_max_age_seconds,
    )
    # Outermost: every layer below sees the client address the trusted proxy saw.
    app.add_middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxy_networks)
    return app


def app_factory() -> Any:
    """Entry point for `uvicorn --factory api.app:app_factory`."""
    return create_app()
