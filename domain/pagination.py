"""Keyset pagination in SQL, for one list or for many parents' lists in one query.

A page asks for `first` rows after a key (the ordering columns' values of the last row
seen). Orderings always end with the primary key so keys are unique. Lists of many parents
(the posts of 100 units) are fetched in one query: rows are numbered per parent with
ROW_NUMBER() and cut at `first + 1`, which both SQLite (≥ 3.25) and PostgreSQL run.

A key read back from a cursor is checked before it reaches SQL: its length and the types of
its values against the order's columns, and its integers against the column's range on
PostgreSQL (integer: 32 bits, bigint: 64; SQLite holds both).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Integer, Select, SmallInteger, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

T = TypeVar("T")


class InvalidCursor(ValueError):
    pass


# Integers a key column can hold on both databases (PostgreSQL bigint, SQLite's int64): a
# cursor holding any other is refused before it reaches SQL.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def int_range(column_type: Any) -> tuple[int, int]:
    """The integers a column of this type holds on PostgreSQL (integer is 32 bits there)."""
    if isinstance(column_type, BigInteger):
        return INT64_MIN, INT64_MAX
    if isinstance(column_type, SmallInteger):
        return -(2**15), 2**15 - 1
    if isinstance(column_type, Integer):
        return -(2**31), 2**31 - 1
    return INT64_MIN, INT64_MAX


def list_tag(description: str) -> str:
    """A short, stable tag for a list's order, written into its cursors so that a cursor of
    one list is refused by another."""
    return hashlib.blake2s(description.encode(), digest_size=4).hexdigest()


def check_scalar(value: Any) -> Any:
    """A JSON value that may stand in a key: null, a string, a finite number, an integer in
    the int64 range; anything else raises InvalidCursor."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise InvalidCursor("cursor value has the wrong type")
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise InvalidCursor("cursor integer out of range")
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise InvalidCursor("cursor value has the wrong type")


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: tuple[Any, ...] | None = None


@dataclass
class Page(Generic[T]):
    items: list[T]
    keys: list[tuple[Any, ...]]
    has_next: bool
    has_previous: bool
    tag: str = field(default="")
    """The list's `Ordering.tag`, for its cursors."""


@dataclass(frozen=True)
class Ordering(Generic[T]):
    """Ascending order by `columns`; `key` reads the same values off a loaded row."""

    columns: tuple[Any, ...]
    key: Callable[[T], tuple[Any, ...]]

    @cached_property
    def tag(self) -> str:
        """Names this order (its columns, with their tables) in cursors."""
        return list_tag(",".join(str(c) for c in self.columns))

    def decode(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """Turn JSON values of a cursor back into typed key values, or raise InvalidCursor."""
        if len(raw) != len(self.columns):
            raise InvalidCursor("cursor does not belong to this list")
        out: list[Any] = []
        for value, column in zip(raw, self.columns, strict=True):
            check_scalar(value)
            try:
                python_type = column.type.python_type
            except NotImplementedError:
                python_type = object
            try:
                if value is None:
                    out.append(None)
                elif python_type is date:
                    out.append(date.fromisoformat(value))
                elif python_type is datetime:
                    out.append(datetime.fromisoformat(value))
                elif python_type is int:
                    if isinstance(value, bool) or not isinstance(value, int):
                        raise TypeError
                    low, high = int_range(column.type)
                    if not low <= value <= high:
                        raise InvalidCursor("cursor integer out of the column's range")
                    out.append(value)
                elif python_type is str:
                    if not isinstance(value, str):
                        raise TypeError
                    out.append(value)
                else:
                    out.append(value)
            except (TypeError, ValueError) as exc:
                raise InvalidCursor("cursor value has the wrong type") from exc
        return tuple(out)

    def after(self, key: tuple[Any, ...]) -> ColumnElement[bool]:
        return tuple_(*self.columns) > tuple_(
            *(literal(v, type_=c.type) for v, c in zip(key, self.columns, strict=True))
        )


async def fetch_page(
    session: AsyncSession, stmt: Select[Any], ordering: Ordering[T], page: PageRequest
) -> Page[T]:
    if page.after is not None:
        stmt = stmt.where(ordering.after(page.after))
    stmt = stmt.order_by(*ordering.columns).limit(page.first + 1)
    rows: list[T] = list((await session.scalars(stmt)).all())
    has_next = len(rows) > page.first
    rows = rows[: page.first]
    return Page(rows, [ordering.key(r) for r in rows], has_next, page.after is not None, ordering.tag)


async def fetch_pages(
    session: AsyncSession,
    stmt: Select[Any],
    entity: Any,
    partition: ColumnElement[Any],
    parents: Sequence[Hashable],
    ordering: Ordering[T],
    page: PageRequest,
) -> dict[Hashable, Page[T]]:
    """One page of `entity` rows for each parent value of `partition`, in one query.

    `stmt` selects `entity` (with any joins and filters); `partition` is the column or
    expression that names each row's parent and is restricted to `parents`.
    """
    stmt = stmt.where(partition.in_(list(parents)))
    if page.after is not None:
        stmt = stmt.where(ordering.after(page.after))
    row_number = func.row_number().over(partition_by=partition, order_by=ordering.columns)
    inner = stmt.add_columns(partition.label("partition_key"), row_number.label("row_num")).subquery()
    row_alias = aliased(entity, inner)
    outer = (
        select(row_alias, inner.c["partition_key"])
        .where(inner.c["row_num"] <= page.first + 1)
        .order_by(inner.c["partition_key"], inner.c["row_num"])
    )
    grouped: dict[Hashable, list[T]] = {p: [] for p in parents}
    for item, parent in (await session.execute(outer)).all():
        grouped.setdefault(parent, []).append(item)
    result: dict[Hashable, Page[T]] = {}
    for parent, rows in grouped.items():
        has_next = len(rows) > page.first
        rows = rows[: page.first]
        result[parent] = Page(
            rows, [ordering.key(r) for r in rows], has_next, page.after is not None, ordering.tag
        )
    return result


async def count(session: AsyncSession, stmt: Select[Any]) -> int:
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return int(total or 0)


async def count_grouped(
    session: AsyncSession,
    stmt: Select[Any],
    partition: ColumnElement[Any],
    parents: Sequence[Hashable],
) -> dict[Hashable, int]:
    inner = stmt.where(partition.in_(list(parents))).add_columns(partition.label("partition_key"))
    sub = inner.order_by(None).subquery()
    rows = await session.execute(
        select(sub.c["partition_key"], func.count()).group_by(sub.c["partition_key"])
    )
    counts: dict[Hashable, int] = {p: 0 for p in parents}
    for parent, n in rows.all():
        counts[parent] = int(n)
    return counts
