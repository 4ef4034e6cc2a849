"""Errors as the API shows them.

Mutations return expected failures as `userErrors` (code, field path, Chinese and English
message) and keep nothing they wrote. Queries given bad arguments raise `BadInput`, a
GraphQL error with a code that is never masked. Everything else is unexpected: masked,
logged with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from api.context import Info
from domain.db import WRITE_TRANSACTION
from domain.errors import DomainError, ErrorCode, FieldError

log = logging.getLogger("api.errors")
T = TypeVar("T")

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

    @classmethod
    def from_domain(cls, error: FieldError) -> UserError:
        return cls(
            code=error.code,
            field=["input", *error.field],
            message=error.message_zh,
            message_en=error.message_en,
        )


class BadInput(GraphQLError):
    """A query argument is out of range or malformed: a client error, shown as is."""

    def __init__(self, message_en: str, message_zh: str, argument: str, code: str = "BAD_USER_INPUT"):
        super().__init__(
            f"{message_zh} / {message_en}",
            extensions={"code": code, "argument": argument, "messageEn": message_en, "message": message_zh},
        )


async def run_mutation(
    info: Info, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run `work` so that on any failure nothing it wrote survives.

    The payload reads the database as the mutation left it: loaders cached by an earlier
    mutation of the same request are dropped (mutations run one after another, each
    payload resolved before the next mutation starts)."""
    ctx = info.context
    ctx.reset_loaders()
    async with ctx.db() as session:
        # The request's first mutation runs in the request's transaction (begun here, or by
        # authentication's reads on PostgreSQL), and a failure rolls it all back; a later
        # mutation of the same request runs in a savepoint, so that a failure undoes its own
        # writes and not those of the mutations before it.
        first = not ctx.wrote
        ctx.wrote = True
        if first and not session.in_transaction():
            await session.connection(execution_options=WRITE_TRANSACTION)
        try:
            if first:
                try:
                    result = await work(session)
                except BaseException:
                    await session.rollback()
                    raise
            else:
                async with session.begin_nested():
                    result = await work(session)
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
