"""Requested-nodes limit: the breadth that depth, token and alias limits do not bound.

A document asks for at most `first` rows of each connection for every row of the
connection above it; the sum over its connections of the product of `first` along the
path is the number of nodes it may return (GitHub's rule). `first` omitted counts as the
default page size. `nodes(ids)` counts its IDs. Computed after validation, with the
variables, so the parser and validation caches are untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from api.connection import DEFAULT_PAGE_SIZE
from api.errors import ApiError, ApiErrorCode
from api.selections import selected_fields


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for arg in field.arguments or ():
        if arg.name.value != name:
            continue
        value = arg.value
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return list(value.values)
    return None


class _Counter:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any], cap: int):
        self.schema = schema
        self.variables = variables
        self.cap = cap
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def _page(self, field: FieldNode) -> int:
        first = _argument(field, "first", self.variables)
        if not isinstance(first, int) or isinstance(first, bool):
            return DEFAULT_PAGE_SIZE
        return max(0, min(first, self.cap))

    def count(self, selection_set: SelectionSetNode, parent: GraphQLNamedType, multiplier: int) -> int:
        total = 0
        for field, owner in selected_fields(self.schema, self.fragments, selection_set, parent):
            if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
                continue
            definition = owner.fields.get(field.name.value)
            if definition is None:
                continue
            named = get_named_type(definition.type)
            inner = multiplier
            if named.name.endswith("Connection"):
                inner = multiplier * self._page(field)
                total += inner
            elif field.name.value == "nodes":
                ids = _argument(field, "ids", self.variables)
                inner = multiplier * (len(ids) if isinstance(ids, list) else 1)
                total += inner
            if field.selection_set is not None:
                total += self.count(field.selection_set, named, inner)
        return total


def requested_nodes(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    cap: int,
) -> int:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Counter(schema, document, variables or {}, cap).count(operation.selection_set, root, 1)


class RequestedNodesLimiter(SchemaExtension):
    """Refuses, before execution, a document that may return more than `limit` nodes."""

    def __init__(self, *, limit: int, page_cap: int) -> None:
        self.limit = limit
        self.page_cap = page_cap
        self.requested = 0

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if not ctx.pre_execution_errors and ctx.graphql_document is not None:
            self.requested = requested_nodes(
                ctx.schema._schema, ctx.graphql_document, ctx.operation_name, ctx.variables, self.page_cap
            )
            if self.requested > self.limit:
                ctx.pre_execution_errors = [
                    ApiError(
                        ApiErrorCode.TOO_MANY_NODES,
                        f"请求可能返回{self.requested}个节点，超过上限{self.limit}；请减小 first",
                        f"The document may return {self.requested} nodes, more than the limit of "
                        f"{self.limit}; ask for smaller pages (`first`)",
                        requested=self.requested,
                        limit=self.limit,
                    )
                ]
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": {"requestedNodes": self.requested, "limit": self.limit}}
