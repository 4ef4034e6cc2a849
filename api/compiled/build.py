"""Builds one SQL statement whose single value is a root field's JSON answer.

An object is `json_build_object` / `json_object` over its row's columns; a relation is a
correlated subquery: a connection aggregates a keyset page of the domain's own statement
(`domain.reads.levels`), an object by key selects its one visible row. Each level reads the
columns its selection needs from a derived table named by the builder (`cq1`, `cq2` …), so
correlations name exactly the parent row meant.

Meaning is the resolvers': the statements, filters, reach predicates and orders are the ones
the loaders use; page sizes and cursors are checked by the same functions; values are
rendered as Strawberry renders them (`domain.reads.jsonsql`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column
from sqlalchemy.engine import Dialect

from api.compiled.fields import Fallback, Field, Selection, Unsupported
from authz.reach import Reach
from domain.pagination import InvalidCursor, Ordering, check_scalar
from domain.reads.jsonsql import JsonSql
from domain.reads.levels import Column, count_sql, page_sql, row_sql

FieldSql = Callable[["Build", str, Field], str]


@dataclass(frozen=True)
class Entity:
    """A table-backed GraphQL object type: how each field it compiles is rendered, given the
    alias of the derived table its row is in."""

    name: str
    fields: dict[str, FieldSql]
    key: Any  # the primary key column, always selected


ENTITIES: dict[str, Entity] = {}


def register(entity: Entity) -> Entity:
    """Make a type buildable by name (its module is imported by api.compiled.roots)."""
    ENTITIES[entity.name] = entity
    return entity


def entity(name: str) -> Entity:
    """A registered type, looked up when a document is built: the types refer to each other
    by name, so their modules do not import each other."""
    return ENTITIES[name]


@dataclass
class Build:
    sel: Selection
    reach: Reach
    today: date
    max_page_size: int
    dialect: Dialect
    max_nodes_ids: int = 100
    j: JsonSql = field(init=False)
    needs: dict[str, dict[str, ColumnElement[Any]]] = field(default_factory=dict)
    # The root connections' pages, each read once (WITH alias AS (page)).
    ctes: list[tuple[str, str]] = field(default_factory=list)
    _n: int = 0

    def __post_init__(self) -> None:
        self.j = JsonSql(self.dialect.name)

    def alias(self) -> str:
        self._n += 1
        name = f"cq{self._n}"
        self.needs[name] = {}
        return name

    def col(self, alias: str, column: Any) -> str:
        """The SQL of a model column of the row at `alias` (selected by its level)."""
        label = f"c_{column.key}"
        self.needs[alias][label] = column
        return f"{alias}.{label}"

    def ref(self, alias: str, column: Any) -> ColumnElement[Any]:
        """A column of the row at `alias`, for a nested level's correlation to compare with
        (the row's own level selects it)."""
        return literal_column(self.col(alias, column))

    def expr(self, alias: str, label: str, expr: ColumnElement[Any]) -> str:
        """The SQL of an expression over the row at `alias`, computed by its level (where the
        row's table is in scope: a reach predicate on the row, say)."""
        self.needs[alias][label] = expr
        return f"{alias}.{label}"

    def columns(self, alias: str, entity: Entity) -> list[Column]:
        needed = dict(self.needs[alias])
        needed.setdefault(f"c_{entity.key.key}", entity.key)
        return [Column(label, expr) for label, expr in needed.items()]

    # --- objects --------------------------------------------------------------------------

    def object(self, entity: Entity, alias: str, fields: Sequence[Field]) -> str:
        pairs: list[tuple[str, str]] = []
        for f in fields:
            if f.name == "__typename":
                pairs.append((f.key, self.j.text_literal(entity.name)))
                continue
            render = entity.fields.get(f.name)
            if render is None:
                raise Unsupported(f"{entity.name}.{f.name}")
            pairs.append((f.key, render(self, alias, f)))
        return self.j.obj(pairs)

    def row(self, f: Field, entity: Entity, stmt: Select[Any], where: Sequence[ColumnElement[bool]]) -> str:
        """An object by key: its one row of `stmt` (which holds the reach predicate), or null."""
        return self.row_of(self.sel.sub(f), entity, stmt, where)

    def row_of(
        self, fields: Sequence[Field], entity: Entity, stmt: Select[Any], where: Sequence[ColumnElement[bool]]
    ) -> str:
        """An object with these fields, from the one row of `stmt` matching `where`, or null."""
        alias = self.alias()
        node = self.object(entity, alias, fields)
        sql = row_sql(stmt, self.columns(alias, entity), where=where, dialect=self.dialect)
        return self.j.embed(f"(SELECT {node} FROM ({sql}) AS {alias})")

    def statement(self, expr: str) -> str:
        """The SQL whose one value is `expr` as JSON text."""
        with_ = ", ".join(f"{name} AS ({sql})" for name, sql in self.ctes)
        return (f"WITH {with_} " if with_ else "") + f"SELECT CAST({expr} AS TEXT)"

    # --- connections ----------------------------------------------------------------------

    def page_args(self, f: Field, ordering: Ordering[Any]) -> tuple[int, tuple[Any, ...] | None]:
        """`first` and `after` as `api.connection.page_request` reads them; anything it would
        refuse goes to the resolver path, which refuses it."""
        args = self.sel.args(f)
        first = args.get("first")
        size = 20 if first is None else first
        if not 0 <= size <= self.max_page_size:
            raise Fallback("first")
        after = args.get("after")
        if after is None:
            return size, None
        from api.connection import decode_cursor  # the one reader of cursors
        from api.errors import BadInput

        try:
            key = ordering.decode([check_scalar(v) for v in decode_cursor(after, ordering.tag)])
        except (BadInput, InvalidCursor, ValueError) as exc:
            raise Fallback("after") from exc
        if any(v is None for v in key):
            raise Fallback("after")  # a null in a key: compared as the resolvers bind it
        return size, key

    def connection(
        self,
        f: Field,
        entity: Entity,
        stmt: Select[Any],
        ordering: Ordering[Any],
        where: Sequence[ColumnElement[bool]] = (),
    ) -> str:
        """A Relay connection over `stmt` (filters and reach applied) restricted by `where`
        (the correlation to the parent row; none at the root, whose page is read once as a
        common table expression)."""
        first, after = self.page_args(f, ordering)
        alias = self.alias()
        j = self.j
        fields = self.sel.sub(f)
        numbered = any(cf.name == "pageInfo" for cf in fields)
        keys = [f"{alias}.k{i}" for i in range(len(ordering.columns))]
        order = ", ".join(keys)
        parts: list[tuple[str, Callable[[str], str]]] = []
        # A list of items from a source: `listed(item, source)`.
        listed = partial(self._list, alias=alias, order=order, first=first, numbered=numbered)
        for cf in fields:
            if cf.name == "__typename":
                literal = j.text_literal(cf.parent.name)
                parts.append((cf.key, _constant(literal)))
            elif cf.name == "nodes":
                node = self.object(entity, alias, self.sel.sub(cf))
                parts.append((cf.key, partial(listed, node)))
            elif cf.name == "edges":
                edge = self._edge(cf, entity, alias, ordering.tag, keys)
                parts.append((cf.key, partial(listed, edge)))
            elif cf.name == "pageInfo":
                info = self._page_info(cf, alias, ordering.tag, keys, first, after is not None)
                parts.append((cf.key, info))
            elif cf.name == "totalCount":
                total = count_sql(stmt, where=where, dialect=self.dialect)
                parts.append((cf.key, _constant(f"({total})")))
            else:
                raise Unsupported(cf.name)
        page = page_sql(
            stmt,
            self.columns(alias, entity),
            ordering,
            first=first,
            after=after,
            numbered=numbered,
            where=where,
            dialect=self.dialect,
        )
        if not where:
            self.ctes.append((alias, page))
            source = alias
        else:
            source = f"({page}) AS {alias}"
        return j.obj([(key, make(source)) for key, make in parts])

    def _edge(self, f: Field, entity: Entity, alias: str, tag: str, keys: list[str]) -> str:
        pairs: list[tuple[str, str]] = []
        for ef in self.sel.sub(f):
            if ef.name == "__typename":
                pairs.append((ef.key, self.j.text_literal(ef.parent.name)))
            elif ef.name == "cursor":
                pairs.append((ef.key, self.j.cursor(tag, keys)))
            elif ef.name == "node":
                pairs.append((ef.key, self.object(entity, alias, self.sel.sub(ef))))
            else:
                raise Unsupported(ef.name)
        return self.j.obj(pairs)

    def _list(self, item: str, source: str, alias: str, order: str, first: int, numbered: bool) -> str:
        cut = f" WHERE {alias}.rn <= {first}" if numbered else ""
        return self.j.embed(f"(SELECT {self.j.agg(item, order)} FROM {source}{cut})")

    def _page_info(
        self, f: Field, alias: str, tag: str, keys: list[str], first: int, has_previous: bool
    ) -> Callable[[str], str]:
        j = self.j
        fields = self.sel.sub(f)
        cursor = j.cursor(tag, keys)

        def make(source: str) -> str:
            pairs: list[tuple[str, str]] = []
            for pf in fields:
                if pf.name == "__typename":
                    pairs.append((pf.key, j.text_literal(pf.parent.name)))
                elif pf.name == "hasNextPage":
                    pairs.append((pf.key, j.boolean(f"((SELECT count(*) FROM {source}) > {first})")))
                elif pf.name == "hasPreviousPage":
                    pairs.append((pf.key, j.boolean_literal(has_previous)))
                elif pf.name == "startCursor":
                    pairs.append(
                        (pf.key, f"(SELECT {cursor} FROM {source} WHERE {alias}.rn = 1 AND {first} > 0)")
                    )
                elif pf.name == "endCursor":
                    last = (
                        f"(SELECT {cursor} FROM {source} WHERE {alias}.rn <= {first} "
                        f"ORDER BY {alias}.rn DESC LIMIT 1)"
                    )
                    pairs.append((pf.key, last))
                else:
                    raise Unsupported(pf.name)
            return j.obj(pairs)

        return make


def _constant(sql: str) -> Callable[[str], str]:
    """A part of a connection's object that does not depend on its source."""
    return lambda _source: sql
