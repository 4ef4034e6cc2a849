"""The `Idempotency-Key` request header on GraphQL mutations (IETF httpapi draft "The
Idempotency-Key HTTP Header Field"): a client that may retry a write sends a key of its
choosing (a UUID); a retry with the same key gets the first answer and writes nothing.

- The key belongs to the caller: the same key from another caller is another key.
- A retry within `IDEMPOTENCY_RETENTION_HOURS` with the same document, operation and
  variables gets the stored answer, byte for byte, with `Idempotent-Replayed: true`.
- The same key with a different request: 422 `IDEMPOTENCY_KEY_REUSED`, nothing run.
- A malformed key: 400 `INVALID_VALUE`.
- Queries ignore the header (reading twice is harmless).
- The key and its answer are written in the request's own transaction (see
  `domain.idempotency.service`): an answer that was not committed left no key, so a retry
  after a crash or a 503 runs afresh. Two first uses of one key at once: the second finds
  the first's row when it commits, undoes its own writes and answers with the first's.
- A keyed request in which any part failed retryably (the database) commits nothing and is
  answered 503, so that its retry is safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql.utilities import get_operation_ast
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData

from api.errors import RETRYABLE_CODES, ApiErrorCode, error_entry
from api.unit_of_work import request_session
from domain.db import utcnow
from domain.dblimits import DatabaseFailure
from domain.idempotency.service import StoredAnswer, find, fingerprint, keep, valid_key

HEADER = "idempotency-key"
REPLAYED = "Idempotent-Replayed"


@dataclass(frozen=True)
class PendingKey:
    subject: str
    key: str
    fingerprint: str


class KeyedAnswer(Exception):
    """The request is answered without running it: a replay, or a refusal of its key."""

    def __init__(self, response: Response) -> None:
        super().__init__("answered from the idempotency key")
        self.response = response


class RetryWholeRequest(Exception):
    """A keyed write failed in part for a retryable reason: nothing of it is committed."""

    def __init__(self, kind: DatabaseFailure) -> None:
        super().__init__(kind.value)
        self.kind = kind


def is_mutation(query: str | None, operation_name: str | None) -> bool:
    if not query:
        return False
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except GraphQLError:
        return False
    return isinstance(operation, OperationDefinitionNode) and operation.operation is OperationType.MUTATION


def replay(answer: StoredAnswer) -> Response:
    return Response(
        answer.body, status_code=answer.status, media_type=answer.media_type, headers={REPLAYED: "true"}
    )


def refusal(status: int, code: ApiErrorCode, zh: str, en: str, media_type: str) -> Response:
    body = {"errors": [error_entry(code, zh, en, header="Idempotency-Key")]}
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        status_code=status,
        media_type=media_type,
    )


REUSED = (
    "该幂等键已用于另一个请求",
    "This Idempotency-Key was used for a different request",
)
MALFORMED = (
    "幂等键格式不正确：应为1至255个可见ASCII字符",
    "The Idempotency-Key must be 1 to 255 visible ASCII characters",
)


async def check_key(request: Request, data: GraphQLRequestData, media_type: str) -> None:
    """Before a mutation runs: answer it from its key (raising `KeyedAnswer`), or remember
    the key for `keep_answer`."""
    key = request.headers.get(HEADER)
    caller = getattr(request.state, "caller", None)
    if key is None or request.method != "POST" or caller is None:
        return
    if not is_mutation(data.query, data.operation_name):
        return
    if not valid_key(key):
        raise KeyedAnswer(refusal(400, ApiErrorCode.INVALID_VALUE, *MALFORMED, media_type))
    pending = PendingKey(caller.subject, key, fingerprint(data.query, data.operation_name, data.variables))
    session = request_session(request)
    found = await find(session, pending.subject, key, utcnow())
    if session.get_bind().dialect.name == "sqlite":
        # End the read: the mutation begins its own write transaction (BEGIN IMMEDIATE).
        await session.rollback()
    if found is not None:
        raise KeyedAnswer(answer_for(found, pending, media_type))
    request.state.idempotency = pending


def answer_for(found: StoredAnswer, pending: PendingKey, media_type: str) -> Response:
    if found.fingerprint != pending.fingerprint:
        return refusal(422, ApiErrorCode.IDEMPOTENCY_KEY_REUSED, *REUSED, media_type)
    return replay(found)


def retryable_failure(errors: list[GraphQLError] | None) -> DatabaseFailure | None:
    for error in errors or ():
        code = (error.extensions or {}).get("code")
        if code in RETRYABLE_CODES:
            return {
                ApiErrorCode.TIMEOUT: DatabaseFailure.TIMEOUT,
                ApiErrorCode.BUSY: DatabaseFailure.BUSY,
            }.get(code, DatabaseFailure.UNAVAILABLE)
    return None


async def keep_answer(
    request: Request,
    session: AsyncSession,
    *,
    errors: list[GraphQLError] | None,
    body: bytes,
    status: int,
    media_type: str,
    retention: timedelta,
) -> None:
    """Before the request's commit: store the answer under its key (when it has one). A key
    that another request committed meanwhile: undo this one and answer with that one's."""
    pending: PendingKey | None = getattr(request.state, "idempotency", None)
    if pending is None:
        return
    failure = retryable_failure(errors)
    if failure is not None:
        await session.rollback()
        raise RetryWholeRequest(failure)
    answer = StoredAnswer(pending.fingerprint, status, media_type, body)
    try:
        await keep(session, pending.subject, pending.key, answer, utcnow(), retention)
    except IntegrityError:
        await session.rollback()
        found = await find(session, pending.subject, pending.key, utcnow())
        if found is None:
            raise
        raise KeyedAnswer(answer_for(found, pending, media_type)) from None
