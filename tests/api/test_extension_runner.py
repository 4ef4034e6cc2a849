"""The prepared extension runner runs the hooks Strawberry's own runner runs, in the same
order, whatever their kind (generator, async generator, coroutine, plain function), and
lets an exception of the operation through the hooks as Strawberry's does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from api.extension_runner import PreparedExtensionsRunner

calls: list[str] = []


class Generators(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        calls.append("gen operation in")
        yield
        calls.append("gen operation out")

    def on_validate(self) -> Iterator[None]:
        calls.append("gen validate in")
        yield
        calls.append("gen validate out")


class AsyncGenerators(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        calls.append("agen operation in")
        yield
        calls.append("agen operation out")

    async def on_execute(self) -> AsyncIterator[None]:
        calls.append("agen execute in")
        yield
        calls.append("agen execute out")


class Plain(SchemaExtension):
    def on_parse(self) -> None:  # type: ignore[override]
        calls.append("plain parse")

    async def on_execute(self) -> None:  # type: ignore[override]
        calls.append("coroutine execute")


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        calls.append("resolve")
        return "world"

    @strawberry.field
    def broken(self) -> str:
        raise ValueError("broken")


class PlainRunnerSchema(strawberry.Schema):
    pass


class PreparedRunnerSchema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return PreparedExtensionsRunner(execution_context=execution_context, extensions=extensions)


@pytest.mark.parametrize("query", ["{ hello }", "{ broken }", "{ nope }", "{"])
async def test_the_same_hooks_in_the_same_order(query: str) -> None:
    seen: list[tuple[list[str], object]] = []
    for schema_class in (PlainRunnerSchema, PreparedRunnerSchema):
        schema = schema_class(query=Query, extensions=[Generators, AsyncGenerators, Plain])
        calls.clear()
        result = await schema.execute(query)
        seen.append((list(calls), (result.data, [e.message for e in result.errors or ()])))
    assert seen[0] == seen[1]
    assert "gen operation in" in seen[0][0] and seen[0][0][-1] == "gen operation out"
