"""What every HTTP request gets around the application, in one ASGI layer (three layers of
their own cost a request a wrapped `send` and an awaited frame each):

1. Its id: the caller's X-Request-ID if sane, else a new one; in the scope's state
   (`request.state.request_id`), in `request_id_var` while the request runs (every log
   line), and in the X-Request-ID header of every answer.
2. Its metrics (`api.ops.metrics`), except for UNOBSERVED_PATHS: status, duration, error
   codes of JSON answers; an exception out of the app counts as INTERNAL_SERVER_ERROR.
3. Its body, read here up to MAX_BODY_BYTES (`api.body`): 413 before any endpoint sees a
   larger one. A `multipart/form-data` body to a path that takes files (`multipart_limits`:
   /graphql, /public/tip-offs) has that path's own, larger limit (`api.multipart`).

In that order: the 413 is counted and carries the request id.

It also counts the requests in flight (`InFlight`): a stopping server's lifespan waits, within
a bound, for the requests the server gave up on to send their answer (503 BUSY, api/http.py)
before it closes the database and the event loop ends under them.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.body import BodyTooLarge, ClientGone, read_body, refuse, replaying
from api.ops.logs import request_id_var
from api.ops.metrics import UNOBSERVED_PATHS, Metrics, observe_request

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class InFlight:
    """How many HTTP requests are running, and a wait until none is."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.count += 1
        self._idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def idle(self) -> None:
        """Returns once no request is running."""
        await self._idle.wait()


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        max_bytes: int,
        in_flight: InFlight,
        multipart_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_bytes = max_bytes
        self.in_flight = in_flight
        # Body limits of multipart/form-data requests, by path.
        self.multipart_limits = dict(multipart_limits or {})

    def limit_of(self, scope: Scope, headers: dict[bytes, bytes]) -> int:
        """The body limit of a request: its path's multipart limit for a multipart body to
        a path that takes files, MAX_BODY_BYTES otherwise."""
        limit = self.multipart_limits.get(scope["path"])
        if limit is not None:
            media = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
            if media == b"multipart/form-data":
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode())
        observed = scope["path"] not in UNOBSERVED_PATHS
        started = time.perf_counter()
        status = 500
        is_json = False
        body: list[bytes] = []

        async def edge_send(message: Message) -> None:
            nonlocal status, is_json
            if message["type"] == "http.response.start":
                if observed:
                    status = message["status"]
                    content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                    is_json = b"json" in content_type
                message.setdefault("headers", []).append(id_header)
            elif is_json and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
            await send(message)

        token = request_id_var.set(request_id)
        self.in_flight.enter()
        try:
            limit = self.limit_of(scope, headers)
            try:
                content = await read_body(receive, headers.get(b"content-length"), limit)
            except BodyTooLarge:
                await refuse(edge_send, limit)
                return
            except ClientGone:
                return
            await self.app(scope, replaying(content, receive), edge_send)
        except Exception:  # answered with a 500 by the server; a cancelled request is not an error
            if observed:
                self.metrics.errors.labels("INTERNAL_SERVER_ERROR").inc()
            raise
        finally:
            if observed:
                whole = body[0] if len(body) == 1 else b"".join(body)  # one chunk, as a rule: no copy
                observe_request(self.metrics, scope, status, time.perf_counter() - started, whole)
            request_id_var.reset(token)
            self.in_flight.leave()
