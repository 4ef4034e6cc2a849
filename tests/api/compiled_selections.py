"""The selections of the random documents (tests/api/compiled_documents.py): one function per
type, each drawing its fields, nested objects and connections down to a depth.

`path` is the response keys from the root down to the object, or None below a list (only a
connection reached without a list can take a cursor slot: its `endCursor` is one value)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from tests.api.compiled_documents import (
    ASSIGNMENT_SCALARS,
    COMPILED_ROOTS,
    ENTERPRISE_SCALARS,
    OTHER_ROOTS,
    PAGE_INFO,
    PERSON_SCALARS,
    POST_SCALARS,
    UNIT_SCALARS,
    Document,
    Pools,
    _Builder,
)

Path = tuple[str, ...] | None
Selector = Callable[[_Builder, Path, int], str]


def _below(path: Path, key: str) -> Path:
    return None if path is None else (*path, key)


def _relations(b: _Builder, names: tuple[str, ...], depth: int) -> list[str]:
    if depth <= 0:
        return []
    return b.draw(st.lists(st.sampled_from(names), max_size=2))


def connection(b: _Builder, node: Selector, path: Path, depth: int, slotted: bool) -> str:
    """A connection's selection: any of totalCount, pageInfo, edges and nodes (some twice
    under aliases); with a slot, also `pageInfo { endCursor }` where the test reads it."""
    keys: set[str] = set()
    fields: list[str] = []
    parts = b.draw(
        st.lists(
            st.sampled_from(["totalCount", "pageInfo", "edges", "nodes", "__typename"]),
            min_size=1,
            max_size=4,
        )
    )
    for part in parts:
        _, prefix = b.key(part, keys)
        if part in ("totalCount", "__typename"):
            fields.append(prefix + part)
        elif part == "pageInfo":
            fields.append(prefix + "pageInfo " + b.wrap("PageInfo", b.scalars(PAGE_INFO, set())))
        elif part == "nodes":
            fields.append(prefix + "nodes " + node(b, None, depth - 1))
        else:
            edge_keys: set[str] = set()
            edge: list[str] = []
            for name in b.draw(
                st.lists(st.sampled_from(["cursor", "node", "__typename"]), min_size=1, max_size=2)
            ):
                _, edge_prefix = b.key(name, edge_keys)
                edge.append(edge_prefix + name + (" " + node(b, None, depth - 1) if name == "node" else ""))
            fields.append(prefix + "edges { " + " ".join(edge) + " }")
    if slotted:
        fields.append("pageInfo { endCursor }")
    return b.wrap(CONNECTIONS[node.__name__], fields)


def _connection_field(
    b: _Builder,
    keys: set[str],
    name: str,
    args: list[tuple[str, str]],
    node: Selector,
    path: Path,
    depth: int,
) -> str:
    key, prefix = b.key(name, keys)
    here = _below(path, key)
    before = len(b.slots)
    args = args + b.first() + b.after(here)
    b.bad_ok = False  # below: see _Builder.bad_ok
    slotted = len(b.slots) > before
    args = list(b.draw(st.permutations(args)))
    return prefix + name + b.args(args) + " " + connection(b, node, here, depth, slotted)


def unit(b: _Builder, path: Path, depth: int, keys: set[str] | None = None) -> str:
    keys = set() if keys is None else keys
    fields = b.scalars(UNIT_SCALARS, keys) + b.extra("OrgUnit", keys)
    for rel in _relations(b, ("parent", "children", "posts", "enterprise"), depth):
        if rel == "children":
            fields.append(_connection_field(b, keys, "children", b.unit_filter(), unit, path, depth))
        elif rel == "posts":
            fields.append(_connection_field(b, keys, "posts", b.post_filter(), post, path, depth))
        elif rel == "parent":
            key, prefix = b.key(rel, keys)
            fields.append(prefix + "parent " + unit(b, _below(path, key), depth - 1))
        else:
            _, prefix = b.key(rel, keys)
            inner: set[str] = set()
            chosen = b.scalars(ENTERPRISE_SCALARS, inner) + b.extra("EnterpriseProfile", inner)
            fields.append(prefix + "enterprise " + b.wrap("EnterpriseProfile", chosen))
    return b.wrap("OrgUnit", fields)


def post(b: _Builder, path: Path, depth: int, keys: set[str] | None = None) -> str:
    keys = set() if keys is None else keys
    fields = b.scalars(POST_SCALARS, keys) + b.extra("Post", keys)
    for rel in _relations(b, ("unit", "holders", "assignments"), depth):
        if rel == "unit":
            key, prefix = b.key(rel, keys)
            fields.append(prefix + "unit " + unit(b, _below(path, key), depth - 1))
        elif rel == "holders":
            fields.append(_connection_field(b, keys, "holders", b.day(), assignment, path, depth))
        else:
            args = []
            if b.chance(0.6):
                args.append(("includeHistory", b.value(b.draw(st.booleans()), "Boolean!")))
            _, prefix = b.key(rel, keys)
            args += b.first()
            fields.append(
                prefix + "assignments" + b.args(args) + " " + connection(b, assignment, None, depth, False)
            )
    return b.wrap("Post", fields)


def assignment(b: _Builder, path: Path, depth: int, keys: set[str] | None = None) -> str:
    keys = set() if keys is None else keys
    fields = b.scalars(ASSIGNMENT_SCALARS, keys) + b.extra("Assignment", keys)
    for rel in _relations(b, ("person", "post", "corrects"), depth):
        key, prefix = b.key(rel, keys)
        below = _below(path, key)
        if rel == "person":
            inner = person(b, below, depth - 1)
        elif rel == "post":
            inner = post(b, below, depth - 1)
        else:
            inner = assignment(b, below, depth - 1)
        fields.append(f"{prefix}{rel} {inner}")
    return b.wrap("Assignment", fields)


def person(b: _Builder, path: Path, depth: int, keys: set[str] | None = None) -> str:
    keys = set() if keys is None else keys
    return b.wrap("Person", b.scalars(PERSON_SCALARS, keys) + b.extra("Person", keys))


def responsible(b: _Builder, path: Path, depth: int) -> str:
    keys: set[str] = set()
    fields = b.extra("ResponsiblePersons", keys)
    parts = ("enterprise", "on", "administrative", "supervisory", "enterpriseResponsible", "__typename")
    for name in b.draw(st.lists(st.sampled_from(parts), min_size=1, max_size=4)):
        key, prefix = b.key(name, keys)
        if name in ("on", "__typename"):
            fields.append(prefix + name)
        elif name == "enterprise":
            fields.append(prefix + "enterprise " + unit(b, _below(path, key), depth - 1))
        else:
            fields.append(prefix + name + " " + assignment(b, _below(path, key), depth - 1))
    return b.wrap("ResponsiblePersons", fields)


CONNECTIONS = {
    "unit": "OrgUnitConnection",
    "post": "PostConnection",
    "assignment": "AssignmentConnection",
    "responsible": "ResponsiblePersonsConnection",
}


def any_node(b: _Builder, path: Path, depth: int) -> str:
    """A `Node`'s selection: `id`, `__typename` and fragments on the four types. The fragments
    share their response keys (fields of one key on two types must have one shape)."""
    keys: set[str] = set()
    fields = b.draw(st.lists(st.sampled_from(["id", "__typename"]), max_size=2, unique=True))
    keys.update(fields)
    types = [("OrgUnit", unit), ("Post", post), ("Assignment", assignment), ("Person", person)]
    for type_name, select in b.draw(st.lists(st.sampled_from(types), min_size=1, max_size=3, unique=True)):
        inner = select(b, path, depth, keys)
        if b.chance(0.3):
            name = b.fresh("F")
            b.fragments.append(f"fragment {name} on {type_name} {inner}")
            fields.append(f"...{name}")
        else:
            fields.append(f"... on {type_name} {inner}")
    return "{ " + " ".join(fields) + " }"


def _some_id(b: _Builder) -> str:
    pools = b.pools
    return b.global_id(b.draw(st.sampled_from([pools.units, pools.posts, pools.persons, pools.assignments])))


def root(b: _Builder, keys: set[str], depth: int, alone: bool) -> tuple[str, str | None]:
    """One root field and the compiled root it is (None for another). Its arguments may
    fail it if it is nullable (the error stops there) or `alone`."""
    if b.chance(0.15):
        b.pure = False
        text = b.draw(st.sampled_from(OTHER_ROOTS))
        _, prefix = b.key(text.split("(")[0].split(" ")[0], keys)
        return prefix + text, None
    name = b.draw(st.sampled_from(COMPILED_ROOTS))
    b.bad_ok = alone or name in ("unit", "node", "placardBoard")
    if name in ("units", "districts", "placardBoard"):
        args: list[tuple[str, str]] = []
        if name == "units":
            args = b.unit_filter()
            if b.chance(0.4):
                args.append(("under", b.value(b.global_id(b.pools.units), "ID")))
        elif name == "placardBoard":
            args = [("parkId", b.value(b.global_id(b.pools.units), "ID!")), *b.day()]
        node = responsible if name == "placardBoard" else unit
        return _connection_field(b, keys, name, args, node, (), depth), name
    key, prefix = b.key(name, keys)
    if name == "unit":
        arg = b.value(b.global_id(b.pools.units), "ID!")
        b.bad_ok = False
        return f"{prefix}unit(id: {arg}) {unit(b, (key,), depth)}", name
    if name == "node":
        arg = b.value(_some_id(b), "ID!")
        b.bad_ok = False
        return f"{prefix}node(id: {arg}) {any_node(b, (key,), depth)}", name
    ids = [_some_id(b) for _ in range(b.draw(st.integers(0, 4)))]
    arg = b.value(ids, "[ID!]!")
    b.bad_ok = False
    return f"{prefix}nodes(ids: {arg}) {any_node(b, None, depth)}", name


@st.composite
def documents(draw: st.DrawFn, pools: Pools, depth: int = 3) -> Document:
    """A document over the compiled part (and sometimes beyond) for the world of `pools`."""
    b = _Builder(draw, pools)
    keys: set[str] = set()
    fields: list[str] = []
    served: set[str] = set()
    all_compiled = True
    count = draw(st.integers(1, 3))
    for _ in range(count):
        b.pure = True
        text, compiled = root(b, keys, draw(st.integers(1, depth)), count == 1)
        fields.append(text)
        if compiled is None or not b.pure:
            all_compiled = False
        else:
            served.add(compiled)
    body = " ".join(fields)
    if draw(st.integers(0, 9)) == 0:
        all_compiled = False  # roots in a fragment on Query: not in the plan
        name = b.fresh("Q")
        b.fragments.append(f"fragment {name} on Query {{ {body} }}")
        body = f"...{name}"
    head = f"query Q({', '.join(b.definitions)})" if b.definitions else "query"
    query = " ".join([f"{head} {{ {body} }}", *b.fragments])
    return Document(query, b.variables, b.slots, frozenset(served if all_compiled else ()))
