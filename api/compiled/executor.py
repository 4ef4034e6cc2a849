"""graphql-core's executor with the compiled path for root query fields.

A root field named in `ROOTS` whose whole selection the compiled path builds is answered by
one SQL statement; its JSON text goes into the result as an `orjson.Fragment`, which the
HTTP view's encoder writes out as it is. Every other field (and every root field whose
selection or values the compiled path does not take) runs its resolvers as before, in the
same response. Errors of a compiled statement are field errors at the root field, handled
exactly as a resolver's.

The SQL of a root field is cached per (field node, variables, caller's reach, day,
dialect): the document object is the parser cache's, so a screen that asks the same thing
again builds nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

import orjson
from graphql import FieldNode, GraphQLObjectType
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.compiled import SERVED, TOO_DEEP
from api.compiled.build import Build
from api.compiled.fields import Fallback, Field, Selection, Unsupported
from api.compiled.roots import ROOTS
from api.context import Context

log = logging.getLogger("api.compiled")

CACHE_SIZE = 2048
_sql: OrderedDict[tuple[Any, ...], tuple[FieldNode, str]] = OrderedDict()
# Root field nodes whose selection the compiled path does not build (bounded like `_sql`: the
# parser cache's documents come and go).
_unsupported: OrderedDict[int, FieldNode] = OrderedDict()


# Root field nodes whose statement SQLite refused for its nesting (counted in TOO_DEEP each
# time they go to the resolvers).
_too_deep: OrderedDict[int, FieldNode] = OrderedDict()


def _remember(nodes: OrderedDict[int, FieldNode], node: FieldNode) -> None:
    nodes[id(node)] = node
    if len(nodes) > CACHE_SIZE:
        nodes.popitem(last=False)


def _remember_unsupported(node: FieldNode) -> None:
    _remember(_unsupported, node)


def _retrieve(task: asyncio.Future[Any]) -> None:
    """The outcome of a statement nobody waits for any more is dropped, not reported as
    never retrieved (a failure of one still being waited for is a field error)."""
    if not task.cancelled():
        task.exception()


def too_deep(exc: BaseException) -> bool:
    """SQLite refused the statement for its nesting, not for anything in the data."""
    text = str(exc)
    return "parser stack overflow" in text or "Expression tree is too large" in text


def _freeze(value: Any) -> Any:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)


class CompiledExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        if path.prev is None and parent_type is self.schema.query_type:
            node: FieldNode = field_details_list[0].node
            ctx = self.context_value
            if node.name.value in ROOTS and isinstance(ctx, Context) and ctx.settings.compiled_reads:
                sql = self._compiled_sql(parent_type, field_details_list, ctx)
                if sql is not None:
                    return self._run(sql, parent_type, field_details_list, path, ctx)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _compiled_sql(self, parent_type: GraphQLObjectType, details: Any, ctx: Context) -> str | None:
        node: FieldNode = details[0].node
        if _unsupported.get(id(node)) is node:
            return None
        if _too_deep.get(id(node)) is node:
            TOO_DEEP[f"Query.{node.name.value}"] += 1
            return None
        dialect = ctx.session.get_bind().dialect
        variables = getattr(self.variable_values, "coerced", self.variable_values)
        key = (
            id(node),
            _freeze(variables or {}),
            ctx.reach.fingerprint,
            ctx.today,
            dialect.name,
            ctx.settings.max_page_size,
            ctx.settings.max_nodes_ids,
        )
        hit = _sql.get(key)
        if hit is not None and hit[0] is node:
            _sql.move_to_end(key)
            return hit[1]
        selection = Selection(self.schema, self.fragment_definitions, self.variable_values)
        field = Field(
            node.alias.value if node.alias else node.name.value,
            node.name.value,
            [d.node for d in details],
            parent_type.fields[node.name.value],
            parent_type,
        )
        build = Build(
            selection, ctx.reach, ctx.today, ctx.settings.max_page_size, dialect, ctx.settings.max_nodes_ids
        )
        try:
            expr = ROOTS[node.name.value](build, field)
        except Unsupported:
            _remember_unsupported(node)
            return None
        except Fallback:
            return None
        except Exception:
            # A fault of the compiler must not cost the client its answer: the resolvers give it.
            log.warning("compiled read path could not build %s", node.name.value, exc_info=True)
            return None
        sql = build.statement(expr)
        _sql[key] = (node, sql)
        if len(_sql) > CACHE_SIZE:
            _sql.popitem(last=False)
        return sql

    async def _answer(self, sql: str, ctx: Context) -> Any:
        async with ctx.db() as session:
            connection = await session.connection()
            value = (await connection.exec_driver_sql(sql)).scalar()
        return None if value is None else orjson.Fragment(value)

    def _run(
        self, sql: str, parent_type: GraphQLObjectType, details: Any, path: Path, ctx: Context
    ) -> Awaitable[Any]:
        name = details[0].node.name.value
        return_type = parent_type.fields[name].type

        async def run() -> Any:
            # Shielded: graphql-core cancels the siblings of a non-null field that failed,
            # and a statement cancelled midway would leave the request's connection unusable
            # (as api.dataloader shields its loads). The statement finishes; its answer is
            # dropped.
            task = asyncio.ensure_future(self._answer(sql, ctx))
            task.add_done_callback(_retrieve)
            try:
                value = await asyncio.shield(task)
            except Exception as exc:
                if too_deep(exc):
                    # SQLite's parser nests only so deep: this document goes through the
                    # resolvers from now on.
                    _remember(_too_deep, details[0].node)
                    TOO_DEEP[f"Query.{name}"] += 1
                    result = super(CompiledExecutionContext, self).execute_field(
                        parent_type, None, details, path, None
                    )
                    return await result if self.is_awaitable(result) else result
                self.handle_field_error(exc, return_type, details, path)
                return None
            SERVED[f"Query.{name}"] += 1
            return value

        return run()
