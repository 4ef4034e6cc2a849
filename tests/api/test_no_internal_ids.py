"""No field of the schema answers an internal id: over the demo dataset, every list a
frontend reads is queried with every field it has (deprecated ones included, nested
objects two levels down), and no string in the answers is a policy subject (`person:8`),
a role source (`assignment:45`) or a domain path of row ids (`/1/2/3/`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from sqlalchemy.ext.asyncio import AsyncSession

from api.schema import build_schema
from api.settings import ApiSettings
from domain.clock import today_shanghai
from seeds.loader import load_dataset

INTERNAL = re.compile(
    r"\b(person|client|assignment|charge|grant|contract|member|joint):\d+"  # subjects, sources
    r"|(^|[^\w])/(\d+/)+\*?($|[^\w])"  # domain paths of row ids
)
# Lists a frontend reads, each with the arguments it needs.
ROOTS = {
    "hazards": "first: 30",
    "dutyRecords": "first: 30",
    "criticalPeriods": "first: 10",
    "dutyLists": "first: 10",
    "roleGrants": "first: 20",
    "roleLinks": "first: 50",
    "auditEvents": "first: 50",
    "permissions": "first: 20",
    "agencyContracts": "first: 10",
    "serviceClients": "first: 10",
    "scoringSchemes": "first: 5",
    "tipOffs": "first: 10",
    "persons": "first: 20",
}
SKIP_TYPES = {"JSON"}  # audit records and rule definitions: data as written, not references


def _selection(schema: GraphQLSchema, gtype: Any, depth: int) -> str:
    named = get_named_type(gtype)
    if isinstance(named, GraphQLInterfaceType):
        return "__typename id"  # `Node`: every node type is read through its own list
    if isinstance(named, GraphQLUnionType):
        parts = ["__typename"]
        if depth > 0:
            parts += [f"... on {m.name} {{ {_selection(schema, m, depth - 1)} }}" for m in named.types]
        return " ".join(parts)
    assert isinstance(named, GraphQLObjectType)
    fields = []
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in field.args.values()):
            continue  # needs arguments
        target = get_named_type(field.type)
        if target.name in SKIP_TYPES:
            continue
        if isinstance(target, GraphQLObjectType | GraphQLUnionType | GraphQLInterfaceType):
            if depth == 0 or target.name.endswith("Connection"):
                continue
            fields.append(f"{name} {{ {_selection(schema, target, depth - 1)} }}")
        else:
            fields.append(name)
    return " ".join(fields) or "__typename"


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


async def test_no_answer_holds_an_internal_id(session: AsyncSession, app: Any, gql: Any) -> None:
    await load_dataset(session, today=today_shanghai())
    await session.commit()
    await app.state.authority.load(session)
    schema = build_schema(ApiSettings())._schema
    query_type = schema.query_type
    assert query_type is not None

    answered: dict[str, int] = {}
    offending: list[tuple[str, str]] = []
    for root, args in ROOTS.items():
        node_type = get_named_type(query_type.fields[root].type)
        assert isinstance(node_type, GraphQLObjectType)
        nodes = get_named_type(node_type.fields["nodes"].type)
        query = f"{{ {root}({args}) {{ nodes {{ {_selection(schema, nodes, 2)} }} }} }}"
        print("ROOT", root, flush=True)
        body = await gql(query)
        assert "errors" not in body, (root, body["errors"])
        answered[root] = len(body["data"][root]["nodes"])
        offending += [(p, s) for p, s in _strings(body["data"], root) if INTERNAL.search(s)]
    viewer = await gql(f"{{ viewer {{ {_selection(schema, schema.type_map['Viewer'], 2)} }} }}")
    assert "errors" not in viewer, viewer
    offending += [(p, s) for p, s in _strings(viewer["data"], "viewer") if INTERNAL.search(s)]

    # The lists had something to show (else the check proves nothing).
    for root in ("hazards", "dutyRecords", "roleGrants", "roleLinks", "auditEvents", "agencyContracts"):
        assert answered[root] > 0, (root, answered)
    assert offending == []


def test_the_pattern_catches_internal_ids() -> None:
    for text in ("person:8", "client:3", "charge:3/assignment:45", "/1/2/3/12/", "/1/2/*", "在 /1/4/ 可"):
        assert INTERNAL.search(text), text
    for text in ("2026-11-22", "UGVyc29uOjg=", "/", "*", "每月至少1次", "GB/T 33000-2016"):
        assert not INTERNAL.search(text), text
