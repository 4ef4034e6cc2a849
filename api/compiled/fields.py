"""A document's selections as the compiled path reads them: fields merged by response key,
fragments expanded for the object type at hand, arguments coerced per request.

Structural limits (what the compiled path does not take) raise `Unsupported` and are
remembered per document; value-dependent ones (a page size out of range, a cursor of
another list) raise `Fallback`, and that request goes through the resolvers, which answer
with the error the API has always given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values


class Unsupported(Exception):
    """The selection asks for something the compiled path does not build."""


class Fallback(Exception):
    """This request's values need the resolver path (which reports them as errors)."""


@dataclass
class Field:
    """One response key of a selection: the merged field nodes and the field's definition."""

    key: str
    name: str
    nodes: list[FieldNode]
    definition: GraphQLField | None
    parent: GraphQLObjectType
    _args: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def return_type_name(self) -> str:
        assert self.definition is not None
        return get_named_type(self.definition.type).name


@dataclass
class Selection:
    """What the compiled path needs of a request to read a document."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variable_values: Any

    def fields(self, parent: GraphQLObjectType, sets: list[SelectionSetNode]) -> list[Field]:
        """The fields of these selection sets on an object type, merged by response key in
        the order they first appear (the order of the answer's keys)."""
        found: dict[str, Field] = {}
        for selection_set in sets:
            self._collect(parent, selection_set, found, set())
        return list(found.values())

    def _collect(
        self, parent: GraphQLObjectType, sset: SelectionSetNode, found: dict[str, Field], seen: set[str]
    ) -> None:
        for sel in sset.selections:
            if sel.directives:
                raise Unsupported("directives")
            if isinstance(sel, FieldNode):
                key = sel.alias.value if sel.alias else sel.name.value
                entry = found.get(key)
                if entry is None:
                    name = sel.name.value
                    definition = None if name == "__typename" else parent.fields.get(name)
                    if definition is None and name != "__typename":
                        raise Unsupported(name)
                    found[key] = Field(key, name, [sel], definition, parent)
                else:
                    entry.nodes.append(sel)
            elif isinstance(sel, InlineFragmentNode):
                if sel.type_condition is None or self._applies(sel.type_condition.name.value, parent):
                    self._collect(parent, sel.selection_set, found, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen:
                    continue
                seen.add(name)
                fragment = self.fragments.get(name)
                if fragment is None:
                    raise Unsupported(name)
                if self._applies(fragment.type_condition.name.value, parent):
                    self._collect(parent, fragment.selection_set, found, seen)

    def _applies(self, condition: str, parent: GraphQLObjectType) -> bool:
        if condition == parent.name:
            return True
        return any(i.name == condition for i in parent.interfaces)

    def sub(self, f: Field) -> list[Field]:
        """The fields selected under `f` (whose type is an object type)."""
        named = get_named_type(f.definition.type) if f.definition else None
        if not isinstance(named, GraphQLObjectType):
            raise Unsupported(f.name)
        sets = [n.selection_set for n in f.nodes if n.selection_set is not None]
        return self.fields(named, sets)

    def args(self, f: Field) -> dict[str, Any]:
        """The field's arguments, coerced as the resolvers get them (by GraphQL name)."""
        if f._args is None:
            assert f.definition is not None
            node = f.nodes[0]
            f._args = (
                get_argument_values(f.definition, node, self.variable_values)
                if f.definition.args or node.arguments
                else {}
            )
        return f._args
