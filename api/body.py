"""Request bodies the platform reads: at most `MAX_BODY_BYTES`, counted as they stream in.

A body announced (Content-Length) or found (while reading) to be larger gets 413
`PAYLOAD_TOO_LARGE` before any endpoint sees it. The body is read here, up to the limit, and
handed to the endpoint as it came: no endpoint can be made to buffer more than the limit.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiErrorCode, error_entry


def too_large_body(limit: int) -> bytes:
    entry = error_entry(
        ApiErrorCode.PAYLOAD_TOO_LARGE,
        f"请求体超过{limit}字节的上限",
        f"The request body is larger than the limit of {limit} bytes",
        limit=limit,
    )
    return json.dumps({"errors": [entry]}, ensure_ascii=False).encode("utf-8")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self.refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self.refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def refuse(self, send: Send) -> None:
        body = too_large_body(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
