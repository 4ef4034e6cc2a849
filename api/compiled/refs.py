"""Values the API computes from a stored text in Python, as SQL: a policy subject answered as
its node's global ID (`api.refs.subject_ref` / `subject_gid`), a stored value shown under
another name (enum names, role labels), the day of the request, and lists of rows.

Each rule is the Python one, case for case: `authz.policy.parse_subject` takes `kind:digits`
with kind `person` or `client` and one to nine ASCII digits, and answers the integer (so
`person:007` is Person 7); anything else is shown as it is stored (or null for `subject_gid`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import InstrumentedAttribute

from api.compiled.build import Build, Entity, FieldSql
from api.compiled.fields import Field
from authz.policy import SUBJECT_KINDS
from domain.reads.jsonsql import quote
from domain.reads.levels import render

_NODE_OF_SUBJECT = {"person": "Person", "client": "ServiceClient"}
assert set(_NODE_OF_SUBJECT) == set(SUBJECT_KINDS)


def _subject(b: Build, sql: str, otherwise: str) -> str:
    """CASE over the subject text `sql`: its node's global ID, else `otherwise`."""
    if b.j.pg:
        kind = f"split_part({sql}, ':', 1)"
        raw = f"substr({sql}, strpos({sql}, ':') + 1)"
        digits = f"({raw} ~ '^[0-9]{{1,9}}$')"
        colon = f"strpos({sql}, ':') > 0"
    else:
        kind = f"substr({sql}, 1, instr({sql}, ':') - 1)"
        raw = f"substr({sql}, instr({sql}, ':') + 1)"
        digits = f"(length({raw}) BETWEEN 1 AND 9 AND {raw} NOT GLOB '*[^0-9]*')"
        colon = f"instr({sql}, ':') > 0"
    whens = " ".join(
        f"WHEN {colon} AND {kind} = {quote(k)} AND {digits} "
        f"THEN {b.j.global_id(node, f'CAST({raw} AS INTEGER)')}"
        for k, node in _NODE_OF_SUBJECT.items()
    )
    return f"(CASE {whens} ELSE {otherwise} END)"


def subject_ref(column: InstrumentedAttribute[Any]) -> FieldSql:
    """`api.refs.subject_ref` (null stays null: `optional_subject_ref`)."""

    def render_(b: Build, alias: str, f: Field) -> str:
        sql = b.col(alias, column)
        return _subject(b, sql, sql)

    return render_


def subject_gid(column: InstrumentedAttribute[Any]) -> FieldSql:
    """`api.refs.subject_gid`: the node's global ID, else null."""

    def render_(b: Build, alias: str, f: Field) -> str:
        return _subject(b, b.col(alias, column), "NULL")

    return render_


def renamed(column: InstrumentedAttribute[Any], names: Mapping[str, str], keep_others: bool) -> FieldSql:
    """A stored value shown under another name (an enum stored by value, shown by name; a
    role by its label); a value not in `names`: itself (`keep_others`) or null."""

    def render_(b: Build, alias: str, f: Field) -> str:
        sql = b.col(alias, column)
        whens = " ".join(f"WHEN {quote(k)} THEN {b.j.text_literal(v)}" for k, v in names.items())
        return f"(CASE {sql} {whens} ELSE {sql if keep_others else 'NULL'} END)"

    return render_


def day(b: Build, value: date) -> str:
    """A date literal comparable with a Date column (SQLite stores ISO text)."""
    return f"DATE {quote(value.isoformat())}" if b.j.pg else quote(value.isoformat())


def days_between(b: Build, later: str, earlier: date) -> str:
    """`(later - earlier).days` for a Date column and a day."""
    if b.j.pg:
        return f"({later} - {day(b, earlier)})"
    return f"CAST(julianday({later}) - julianday({day(b, earlier)}) AS INTEGER)"


def rows(
    b: Build,
    f: Field,
    entity: Entity,
    stmt: Select[Any],
    where: Sequence[ColumnElement[bool]],
    order: Sequence[Any] = (),
) -> str:
    """A plain list (not a connection): every row of `stmt` under the parent row, in
    `order` (default: by the entity's key), as a JSON array."""
    alias = b.alias()
    node = b.object(entity, alias, b.sel.sub(f))
    order = order or (entity.key,)
    columns = b.columns(alias, entity)
    keys = [c.label(f"o{i}") for i, c in enumerate(order)]
    inner = (
        stmt.where(*where)
        .with_only_columns(*[c.expr.label(c.label) for c in columns], *keys, maintain_column_froms=True)
        .order_by(*order)
    )
    by = ", ".join(f"{alias}.o{i}" for i in range(len(keys)))
    return b.j.embed(f"(SELECT {b.j.agg(node, by)} FROM ({render(inner, b.dialect)}) AS {alias})")
