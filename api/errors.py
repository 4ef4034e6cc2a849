"""Errors as the API shows them.

One shape for every error the API produces, whatever layer finds it:

- `userErrors` of a mutation payload: `{code, field, message, messageEn}`;
- GraphQL errors (top-level `errors`, from resolvers, validation, limits, the HTTP view):
  `{"message": <Chinese>, "extensions": {"code": <CODE>, "messageEn": <English>, …}}`;
- errors of the plain HTTP endpoints (tip-offs, report downloads, /metrics …): the same
  GraphQL error entries under `errors`.

`message` is always Chinese and `messageEn` always English; `code` is machine-readable and
stable (`ApiErrorCode` for request-level errors, `ErrorCode` for userErrors). Build GraphQL
errors with `ApiError` and protocol error entries with `error_entry`; nothing else writes
error dictionaries by hand.

Mutations return expected failures as `userErrors` and keep nothing they wrote. Queries
given bad arguments raise `BadInput`, a GraphQL error with a code that is never masked.
Everything else is unexpected: masked, logged with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from strawberry import relay

from api import unit_of_work
from api.context import Info
from domain.errors import DomainError, ErrorCode, FieldError

log = logging.getLogger("api.errors")
T = TypeVar("T")
N = TypeVar("N")
P = TypeVar("P")

UserErrorCode = strawberry.enum(
    ErrorCode, name="UserErrorCode", description="用户错误代码 — Machine-readable code of a user error"
)


@strawberry.type(description="用户错误 — An expected failure of a mutation's input; nothing was written")
class UserError:
    code: ErrorCode = strawberry.field(description="错误代码 — Error code")
    field: list[str] = strawberry.field(
        description="出错的输入字段路径 — Path of the input field at fault (empty: the input as a whole)"
    )
    message: str = strawberry.field(description="中文说明 — Message in Chinese")
    message_en: str = strawberry.field(description="英文说明 — Message in English")
    candidates: list[relay.GlobalID] = strawberry.field(
        default_factory=list,
        description="可选项 — Objects to choose among, e.g. the duty items an AMBIGUOUS_DUTY record could "
        "fulfil; empty for other errors",
    )

    @classmethod
    def from_domain(cls, error: FieldError) -> UserError:
        return cls(
            code=error.code,
            field=["input", *error.field],
            message=error.message_zh,
            message_en=error.message_en,
            candidates=[relay.GlobalID(type_name, str(pk)) for type_name, pk in error.candidates],
        )


class ApiErrorCode(StrEnum):
    """Codes of request-level (top-level `errors`) failures. Clients branch on these; each is
    documented in the README's error table. Retryable ones say so in `extensions.retryable`."""

    # Protocol (HTTP) errors
    BAD_REQUEST = "BAD_REQUEST"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    # Credentials and access
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    # The document
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    OPERATION_NOT_FOUND = "OPERATION_NOT_FOUND"
    TOO_MANY_NODES = "TOO_MANY_NODES"
    # Arguments and input values
    BAD_USER_INPUT = "BAD_USER_INPUT"
    INVALID_VALUE = "INVALID_VALUE"
    TOO_LONG = "TOO_LONG"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_SIZE_OUT_OF_RANGE = "PAGE_SIZE_OUT_OF_RANGE"
    # Safe retries
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE"
    # The platform cannot serve now: retry later (HTTP 503 with Retry-After when the whole
    # request failed)
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    TIMEOUT = "TIMEOUT"
    BUSY = "BUSY"
    # A bug: masked, logged with the request id
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


RETRYABLE_CODES = frozenset(
    {ApiErrorCode.DATABASE_UNAVAILABLE, ApiErrorCode.TIMEOUT, ApiErrorCode.BUSY, ApiErrorCode.RATE_LIMITED}
)


def error_entry(code: str, message_zh: str, message_en: str, **extensions: Any) -> dict[str, Any]:
    """One error in the API's shape, for bodies written outside GraphQL execution (protocol
    errors, plain HTTP endpoints): `{"message": zh, "extensions": {"code", "messageEn", …}}`."""
    ext: dict[str, Any] = {"code": str(code), "messageEn": message_en}
    if code in RETRYABLE_CODES:
        ext["retryable"] = True
    ext.update(extensions)
    return {"message": message_zh, "extensions": ext}


def endpoint_error_entry(
    code: str, message_zh: str, message_en: str, field: list[str] | None = None
) -> dict[str, Any]:
    """An error of a plain HTTP endpoint (tip-offs, report downloads): `error_entry` with the
    input `field` at fault in `extensions`. The top-level `code`, `field` and `messageEn`
    repeat it for clients written before the one shape: deprecated, read `extensions`."""
    fields = list(field or [])
    entry = error_entry(code, message_zh, message_en, field=fields)
    return {**entry, "code": str(code), "field": fields, "messageEn": message_en}


class ApiError(GraphQLError):
    """A GraphQL error in the API's shape: `message` Chinese, `extensions.code` and
    `extensions.messageEn`. Never masked (it is a GraphQLError raised on purpose)."""

    def __init__(self, code: str, message_zh: str, message_en: str, **extensions: Any) -> None:
        entry = error_entry(code, message_zh, message_en, **extensions)
        super().__init__(message_zh, extensions=entry["extensions"])
        self.code = str(code)
        self.message_en = message_en


class BadInput(ApiError):
    """A query argument is out of range or malformed: a client error, shown as is, in the one
    shape (`message` Chinese, `extensions.code`, `extensions.messageEn`, and the `argument`)."""

    def __init__(self, message_en: str, message_zh: str, argument: str, code: str = "BAD_USER_INPUT"):
        super().__init__(code, message_zh, message_en, argument=argument)


async def run_mutation(
    info: Info, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run `work` as one of the request's writes (`api.unit_of_work.write`), so that on any
    failure nothing it wrote survives; domain errors, a stale version and a conflicting
    concurrent write come back as user errors, anything else propagates.

    The payload reads the database as the mutation left it: loaders cached by an earlier
    mutation of the same request are dropped (mutations run one after another, each
    payload resolved before the next mutation starts)."""
    ctx = info.context
    ctx.reset_loaders()
    async with ctx.db() as session:
        try:
            result = await unit_of_work.write(ctx, session, work)
        except DomainError as exc:
            return None, [UserError.from_domain(e) for e in exc.errors]
        except StaleDataError:
            return None, [
                UserError.from_domain(
                    FieldError(
                        ErrorCode.STALE_VERSION,
                        ("version",),
                        "数据已被他人修改，请刷新后重试",
                        "The record was changed by someone else; reload it and try again",
                    )
                )
            ]
        except IntegrityError:
            log.warning("integrity conflict in mutation", extra={"request_id": ctx.request_id}, exc_info=True)
            return None, [
                UserError.from_domain(
                    FieldError(
                        ErrorCode.CONFLICT,
                        (),
                        "与同时进行的其他修改冲突，请重试",
                        "The change conflicts with a concurrent one; try again",
                    )
                )
            ]
    return result, []


async def mutate(
    info: Info,
    work: Callable[[AsyncSession], Awaitable[T]],
    payload: Callable[[T | None, list[UserError]], P],
) -> P:
    """A mutation from input to payload: `work` runs as `run_mutation` runs it, and
    `payload` builds the answer from what it returned (None if it failed) and the user
    errors (empty if it did not). The payload types' `of` classmethods are such builders,
    typed by the domain result they take, so a resolver's `work` and its payload agree."""
    result, errors = await run_mutation(info, work)
    return payload(result, errors)


def present(from_row: Callable[[T], N], row: T | None) -> N | None:
    """A payload's object: the row as its GraphQL type, or None when the mutation failed."""
    return from_row(row) if row is not None else None
