"""Keyset pagination in SQL, for one list or for many parents' lists in one query.

A page asks for `first` rows after a key (the ordering columns' values of the last row
seen). Orderings always end with the primary key so keys are unique. Lists of many parents
(the posts of 100 units) are fetched in one query: rows are numbered per parent with
ROW_NUMBER() and cut at `first + 1`, which both SQLite (≥ 3.25) and PostgreSQL run.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

T = TypeVar("T")


class InvalidCursor(ValueError):
    pass


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


@dataclass(frozen=True)
class Ordering(Generic[T]):
    """Ascending order by `columns`; `key` reads the same values off a loaded row."""

    columns: tuple[Any, ...]
    key: Callable[[T], tuple[Any, ...]]

    def decode(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """Turn JSON values of a cursor back into typed key values, or raise InvalidCursor."""
        if len(raw) != len(self.columns):
            raise InvalidCursor("cursor does not belong to this list")
        out: list[Any] = []
        for value, column in zip(raw, self.columns, strict=True):
            python_type = column.type.python_type
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
    return Page(rows, [ordering.key(r) for r in rows], has_next, page.after is not None)


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
        result[parent] = Page(rows, [ordering.key(r) for r in rows], has_next, page.after is not None)
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
