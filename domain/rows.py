"""Rows by id and rows by parent, the shapes every per-request loader and guard asks for.

Each takes an optional predicate (a caller's visibility, from authz) so that a row the
caller may not read is answered exactly as a row that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

M = TypeVar("M")

# (statement selecting (parent key, row) pairs, the parent column the keys filter)
Relation = tuple[Select[Any, Any], Any]


def _id(model: type[Any]) -> Any:
    return cast(Any, model).id


async def rows_by_ids(
    session: AsyncSession, model: type[M], ids: Sequence[int], where: ColumnElement[bool] | None = None
) -> dict[int, M]:
    """The rows of these ids (that also satisfy `where`), by id; absent ids are left out."""
    stmt = select(model).where(_id(model).in_(list(ids)))
    if where is not None:
        stmt = stmt.where(where)
    return {cast(Any, r).id: r for r in (await session.scalars(stmt)).all()}


async def row_by_id(
    session: AsyncSession, model: type[M], row_id: int, where: ColumnElement[bool] | None = None
) -> M | None:
    """The row of this id if it exists (and satisfies `where`)."""
    stmt = select(model).where(_id(model) == row_id)
    if where is not None:
        stmt = stmt.where(where)
    return cast(M | None, await session.scalar(stmt))


async def has_row(
    session: AsyncSession, model: type[Any], row_id: int, where: ColumnElement[bool] | None = None
) -> bool:
    """Whether a row of this id exists (and satisfies `where`); reads the id alone."""
    stmt = select(_id(model)).where(_id(model) == row_id)
    if where is not None:
        stmt = stmt.where(where)
    return await session.scalar(stmt) is not None


async def value_by_id(
    session: AsyncSession, column: Any, row_id: int, where: ColumnElement[bool] | None = None
) -> Any:
    """One column of the row of this id (of the column's own table; and satisfying
    `where`), None if no row. Reads the column alone: the row is not loaded into the
    session, so a later locked read of it is not served from memory."""
    stmt = select(column).where(_id(column.class_) == row_id)
    if where is not None:
        stmt = stmt.where(where)
    return await session.scalar(stmt)


def children(parent: Any, entity: Any, *order_by: Any, where: ColumnElement[bool] | None = None) -> Relation:
    """A relation of rows to their parent key through a column of their own, in this order."""
    stmt = select(parent, entity).order_by(*order_by)
    if where is not None:
        stmt = stmt.where(where)
    return stmt, parent


async def rows_by_key(session: AsyncSession, relation: Relation, keys: Sequence[int]) -> dict[int, list[Any]]:
    """Every row of a relation for these parent keys, in one query, by key (in the
    relation's order); keys with no row are left out."""
    stmt, parent = relation
    found: dict[int, list[Any]] = defaultdict(list)
    for row in (await session.execute(stmt.where(parent.in_(list(keys))))).all():
        found[row[0]].append(row[1])
    return found
