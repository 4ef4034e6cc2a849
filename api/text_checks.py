"""Every string argument and input field of a request passes `domain.text.check_text` before
any resolver runs.

- Query arguments (at any depth, and those of fields selected inside a mutation's payload)
  are checked after validation, before execution, by `TextInputChecks`: a failure is a
  request error `{code: INVALID_VALUE | TOO_LONG, argument: "filter.search"}` and nothing
  runs.
- The arguments of a mutation (its `input`) are checked by `MutationInputCheck`, a field
  extension every mutation field gets when the schema is built: a failure is the payload's
  `userErrors` (`field` the path, e.g. ["input", "items", "0", "text"]), and the mutation's
  resolver does not run, so nothing is written.

The values checked are the coerced ones (variables substituted), walked along the GraphQL
input types: `String` values under the rule of their field (`domain.text.FIELD_RULES`),
`ID` values under `ID_RULE`, every string inside a `JSON` value under `JSON_TEXT`. Other
custom scalars (dates, decimals) are left to their parsers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types.field import StrawberryField

from api.errors import ApiError, UserError
from api.selections import selected_fields
from domain.text import ID_RULE, JSON_TEXT, TextError, rule_for, text_error

MAX_REPORTED = 20
"""At most this many problems are reported for one request (the client fixes and retries)."""


@dataclass(frozen=True)
class TextProblemAt:
    path: tuple[str, ...]
    error: TextError


def _walk(type_: GraphQLInputType, value: Any, path: tuple[str, ...], name: str) -> Iterator[TextProblemAt]:
    """The problems of the string values inside `value` of GraphQL input type `type_`; `name`
    is the nearest field or argument name (whose rule applies)."""
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        yield from _walk(type_.of_type, value, path, name)
    elif isinstance(type_, GraphQLList):
        if isinstance(value, list | tuple):
            for i, item in enumerate(value):
                yield from _walk(type_.of_type, item, (*path, str(i)), name)
        else:  # a single value given for a list
            yield from _walk(type_.of_type, value, path, name)
    elif isinstance(type_, GraphQLInputObjectType):
        if isinstance(value, Mapping):
            for field_name, field in type_.fields.items():
                key = field.out_name or field_name
                if key in value:
                    yield from _walk(field.type, value[key], (*path, field_name), field_name)
    elif (type_ is GraphQLString or type_ is GraphQLID) and isinstance(value, str):
        error = text_error(value, ID_RULE if type_ is GraphQLID else rule_for(name))
        if error is not None:
            yield TextProblemAt(path, error)
    elif isinstance(type_, GraphQLScalarType) and type_.name == "JSON":
        yield from _walk_json(value, path)


def _walk_json(value: Any, path: tuple[str, ...]) -> Iterator[TextProblemAt]:
    """The strings (keys included) anywhere in a JSON value, each under `JSON_TEXT`: what
    PostgreSQL's jsonb cannot hold (NUL) and what no rule's text should (controls, overrides).
    Iterative: a JSON value may be nested as deep as the parser allowed."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, path)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            error = text_error(item, JSON_TEXT)
            if error is not None:
                yield TextProblemAt(at, error)
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                stack.append((key, (*at, str(key)[:50])))
                stack.append((inner, (*at, str(key)[:50])))
        elif isinstance(item, list | tuple):
            stack.extend((inner, (*at, str(i))) for i, inner in enumerate(item))


def argument_problems(
    field: GraphQLField, node: FieldNode, variables: VariableValues | dict[str, Any] | None
) -> list[TextProblemAt]:
    """The problems of one field's arguments; none when they do not coerce (execution then
    reports that, as GraphQL specifies)."""
    if not node.arguments:
        return []
    if isinstance(variables, dict):  # Strawberry's executor hands resolvers the plain dict
        variables = VariableValues(sources={}, coerced=variables)
    try:
        values = get_argument_values(field, node, variables)
    except GraphQLError:
        return []
    problems: list[TextProblemAt] = []
    for arg_name, arg in field.args.items():
        if arg_name in values:
            problems.extend(_walk(arg.type, values[arg_name], (arg_name,), arg_name))
            if len(problems) >= MAX_REPORTED:
                break
    return problems[:MAX_REPORTED]


class _DocumentWalker:
    """The argument problems of every field an operation selects, except the root fields of
    a mutation (their arguments are `MutationInputCheck`'s)."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: VariableValues) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.seen_fragments: set[str] = set()
        self.problems: list[TextProblemAt] = []

    def walk(self, selection_set: SelectionSetNode, parent: GraphQLNamedType, *, check: bool = True) -> None:
        for node, owner in selected_fields(
            self.schema, self.fragments, selection_set, parent, self.seen_fragments
        ):
            if len(self.problems) >= MAX_REPORTED:
                return
            if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
                continue
            field = owner.fields.get(node.name.value)
            if field is None:
                continue
            if check:
                self.problems.extend(argument_problems(field, node, self.variables))
            if node.selection_set is not None:
                self.walk(node.selection_set, get_named_type(field.type))


def request_problems(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
) -> list[TextProblemAt]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return []
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return []
    coerced = get_variable_values(schema, operation.variable_definitions or (), raw_variables or {})
    if isinstance(coerced, list):  # the variables do not coerce: execution says so
        return []
    walker = _DocumentWalker(schema, document, coerced)
    walker.walk(operation.selection_set, root, check=operation.operation is not OperationType.MUTATION)
    return walker.problems[:MAX_REPORTED]


def _api_error(problem: TextProblemAt) -> ApiError:
    argument = ".".join(problem.path)
    return ApiError(
        problem.error.code,
        f"参数 {argument}：{problem.error.message_zh}",
        f"Argument `{argument}`: {problem.error.message_en}",
        argument=argument,
    )


class TextInputChecks(SchemaExtension):
    """Refuses, after validation and before execution, a request whose query arguments hold
    text that `domain.text` refuses."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if not ctx.pre_execution_errors and ctx.graphql_document is not None:
            problems = request_problems(
                ctx.schema._schema, ctx.graphql_document, ctx.operation_name, ctx.variables
            )
            if problems:
                ctx.pre_execution_errors = [_api_error(p) for p in problems]
        yield


class MutationInputCheck(FieldExtension):
    """Answers a mutation whose input holds refused text with its payload's `userErrors`,
    without running the mutation."""

    def __init__(self, payload: type) -> None:
        definition = getattr(payload, "__strawberry_definition__", None)
        names = [f.python_name for f in definition.fields] if definition else []
        if "user_errors" not in names:
            raise TypeError(f"{payload.__name__} has no user_errors: a mutation must return a payload")
        self.payload = payload
        self.others = [n for n in names if n != "user_errors"]

    def refusal(self, info: strawberry.Info) -> Any:
        raw = info._raw_info
        field = raw.parent_type.fields[raw.field_name]
        problems = argument_problems(field, raw.field_nodes[0], raw.variable_values)
        if not problems:
            return None
        errors = [
            UserError(
                code=p.error.code,
                field=list(p.path),
                message=p.error.message_zh,
                message_en=p.error.message_en,
            )
            for p in problems
        ]
        return self.payload(**dict.fromkeys(self.others), user_errors=errors)

    def resolve(self, next_: Any, source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        refused = self.refusal(info)
        return refused if refused is not None else next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        refused = self.refusal(info)
        if refused is not None:
            return refused
        return await next_(source, info, **kwargs)


def check_mutation_inputs(fields: list[StrawberryField]) -> None:
    """Give every mutation field the `MutationInputCheck` (once: the fields are shared by every
    schema built in the process)."""
    for field in fields:
        if any(isinstance(e, MutationInputCheck) for e in field.extensions):
            continue
        payload = field.type
        if not isinstance(payload, type):
            raise TypeError(f"mutation {field.python_name} must return a payload type")
        field.extensions.append(MutationInputCheck(payload))
