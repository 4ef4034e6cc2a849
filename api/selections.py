"""Walking a document's selections before execution (the cost limit, the text checks): the
fields of a selection set with the type each is selected on, through inline fragments and
fragment spreads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)


def selected_fields(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    seen_fragments: set[str] | None = None,
) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
    """Each field with its parent type. With `seen_fragments`, a named fragment is walked once
    (what it holds is the same wherever it is spread); without, once per spread (each spread
    costs again)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            cond = selection.type_condition
            target = schema.get_type(cond.name.value) if cond else parent
            yield from selected_fields(
                schema, fragments, selection.selection_set, target or parent, seen_fragments
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or (seen_fragments is not None and name in seen_fragments):
                continue
            if seen_fragments is not None:
                seen_fragments.add(name)
            target = schema.get_type(fragment.type_condition.name.value)
            yield from selected_fields(
                schema, fragments, fragment.selection_set, target or parent, seen_fragments
            )
