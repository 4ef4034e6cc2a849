"""Request bodies the platform reads: at most `MAX_BODY_BYTES`, counted as they stream in.

A body announced (Content-Length) or found (while reading) to be larger gets 413
`PAYLOAD_TOO_LARGE` before any endpoint sees it. The body is read here (by `api.edge`), up
to the limit, and handed to the endpoint as it came: no endpoint can be made to buffer more
than the limit.
"""

from __future__ import annotations

import json

from starlette.types import Message, Receive, Send

from api.errors import ApiErrorCode, error_entry


def too_large_body(limit: int) -> bytes:
    entry = error_entry(
        ApiErrorCode.PAYLOAD_TOO_LARGE,
        f"请求体超过{limit}字节的上限",
        f"The request body is larger than the limit of {limit} bytes",
        limit=limit,
    )
    return json.dumps({"errors": [entry]}, ensure_ascii=False).encode("utf-8")


class BodyTooLarge(Exception):
    """The body is over the limit: answer with `refuse`."""


class ClientGone(Exception):
    """The client went away before the whole body came."""


async def read_body(receive: Receive, declared: bytes | None, max_bytes: int) -> bytes:
    """The whole body, at most `max_bytes` (`declared` is the Content-Length header, if any);
    raises `BodyTooLarge` or `ClientGone`."""
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the endpoint the body read, then what comes after (a disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def refuse(send: Send, max_bytes: int) -> None:
    body = too_large_body(max_bytes)
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
