"""The nested SELECTs of a compiled read, made from the domain's own read statements.

A level is one relation read under its parent row: the domain statement that lists it (with
its filters and the caller's reach predicate, exactly as the resolvers' loaders use it),
restricted to the parent row by a correlation, cut to a keyset page, and reduced to the
columns the answer needs. Levels are rendered to SQL text with their values inlined
(`literal_binds`): a level's text depends only on its arguments and the caller's reach, so
the API caches it, and the enclosing statement refers to a parent row by its alias.

Values inlined are integers, dates, enum names, materialized paths and, from clients, a
search term and the string parts of a cursor: SQLAlchemy renders each as a literal of its
column type (quotes doubled; PostgreSQL's standard_conforming_strings is on by default), and
`domain.text` has already refused control characters in client text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.engine import Dialect

from domain.pagination import Ordering

ROW_NUMBER = "rn"


def render(stmt: Select[Any], dialect: Dialect) -> str:
    """SQL text of a statement with every value inlined."""
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


@dataclass(frozen=True)
class Column:
    """A column the answer needs, under the label it has in the level's derived table."""

    label: str
    expr: ColumnElement[Any]


def page_sql(
    stmt: Select[Any],
    columns: Sequence[Column],
    ordering: Ordering[Any],
    *,
    first: int,
    after: tuple[Any, ...] | None,
    numbered: bool,
    where: Sequence[ColumnElement[bool]] = (),
    dialect: Dialect,
) -> str:
    """One keyset page of `stmt` in its order, with `columns` and the order's key columns
    (`k0`, `k1` …). `numbered`: first + 1 rows, numbered from 1 (`rn`), to tell whether
    more follow; else exactly the page (a window function less a level)."""
    stmt = stmt.where(*where)
    if after is not None:
        stmt = stmt.where(ordering.after(after))
    keys = [c.label(f"k{i}") for i, c in enumerate(ordering.columns)]
    extra = [func.row_number().over(order_by=ordering.columns).label(ROW_NUMBER)] if numbered else []
    stmt = (
        stmt.with_only_columns(
            *[c.expr.label(c.label) for c in columns], *keys, *extra, maintain_column_froms=True
        )
        .order_by(*ordering.columns)
        .limit(first + 1 if numbered else first)
    )
    return render(stmt, dialect)


def count_sql(stmt: Select[Any], *, where: Sequence[ColumnElement[bool]] = (), dialect: Dialect) -> str:
    """The number of rows of `stmt` (a connection's totalCount)."""
    inner = stmt.where(*where).order_by(None).subquery()
    return render(select(func.count()).select_from(inner), dialect)


def row_sql(
    stmt: Select[Any],
    columns: Sequence[Column],
    *,
    where: Sequence[ColumnElement[bool]] = (),
    dialect: Dialect,
) -> str:
    """The one row of `stmt` (an object by its key), with `columns`."""
    stmt = stmt.where(*where).with_only_columns(
        *[c.expr.label(c.label) for c in columns], maintain_column_froms=True
    )
    return render(stmt.limit(1), dialect)


def exists_sql(stmt: Select[Any], dialect: Dialect) -> str:
    """EXISTS over `stmt`, on no enclosing row."""
    return f"EXISTS ({render(stmt, dialect)})"
