"""Answers for a database that cannot serve now (unreachable, too slow, busy).

Such a failure is not a bug and not the client's fault: the client should retry later. It
is answered in the API's one error shape with a retryable code (`DATABASE_UNAVAILABLE`,
`TIMEOUT` or `BUSY`, `extensions.retryable` true, `extensions.retryAfter` seconds), never
masked as INTERNAL_SERVER_ERROR; when the whole request failed so, with HTTP 503 and a
`Retry-After` header.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from api.errors import ApiErrorCode, error_entry
from domain.dblimits import DatabaseFailure, database_failure

log = logging.getLogger("api.unavailable")

CODES = {
    DatabaseFailure.UNAVAILABLE: ApiErrorCode.DATABASE_UNAVAILABLE,
    DatabaseFailure.TIMEOUT: ApiErrorCode.TIMEOUT,
    DatabaseFailure.BUSY: ApiErrorCode.BUSY,
}
MESSAGES = {
    DatabaseFailure.UNAVAILABLE: (
        "数据库暂时无法访问，请稍后重试",
        "The database cannot be reached now; try again later",
    ),
    DatabaseFailure.TIMEOUT: ("请求处理超时，请稍后重试", "The request took too long; try again later"),
    DatabaseFailure.BUSY: ("系统繁忙，请稍后重试", "The platform is busy; try again later"),
}


def unavailable_entry(kind: DatabaseFailure, retry_after: int, **extensions: Any) -> dict[str, Any]:
    zh, en = MESSAGES[kind]
    return error_entry(CODES[kind], zh, en, retryAfter=retry_after, **extensions)


def unavailable_error(error: GraphQLError, retry_after: int, request_id: str | None) -> GraphQLError | None:
    """The error to show for a field that failed because the database could not serve it,
    or None when the failure is something else."""
    original = error.original_error
    kind = database_failure(original) if original is not None else None
    if kind is None:
        return None
    log.warning(
        "database %s at %s (request %s): %s",
        kind.value,
        ".".join(str(p) for p in error.path or []),
        request_id,
        original,
    )
    entry = unavailable_entry(kind, retry_after, requestId=request_id)
    return GraphQLError(entry["message"], nodes=error.nodes, path=error.path, extensions=entry["extensions"])


def is_unavailable(errors: list[GraphQLError] | None) -> bool:
    """Every error is a retryable database failure: the request as a whole could not be
    served (answered 503 when no field has data either)."""
    return bool(errors) and all(
        (e.extensions or {}).get("code") in {c.value for c in CODES.values()} for e in errors or ()
    )
