"""Random GraphQL documents over the part of the schema the compiled read path answers
(api.compiled), for tests/api/test_compiled_equivalence.py.

A document is drawn for one built world (`Pools`: its global IDs, names and the day) and
holds, at random: the compiled roots (`units`, `districts`, `unit`, `placardBoard`, `node`,
`nodes`) and sometimes a root the compiled path does not answer (`viewer`, `persons`, …);
below them the fields of OrgUnit, Post, Assignment, Person, EnterpriseProfile and
ResponsiblePersons; connections with any subset of `totalCount`, `pageInfo`, `edges` and
`nodes`; `first` in and out of range or omitted; `after` omitted, garbage, or a cursor slot
(`Slot`) that the test fills from a first answer; aliases, `__typename`, named and inline
fragments, arguments as literals, variables or variables' defaults; IDs that exist, do not,
are of another type or do not parse. Now and then a field or directive outside the planned
compiled part: the document is then not `pure`, and the compiled path may hand it to the
resolvers (the test does not demand that it served it).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st
from strawberry.relay import to_base64

from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind

COMPILED_ROOTS = ("units", "districts", "unit", "placardBoard", "node", "nodes")


class Enum(str):
    """An enum value: bare in a literal, a string among the variables."""


def b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# `after` values no list wrote: not base64, not JSON, JSON of the wrong shape or tag, nested
# past the parser's recursion limit.
GARBAGE_CURSORS = (
    "",
    "garbage",
    "====",
    "游标",
    b64("null"),
    b64("[]"),
    b64('{"a": 1}'),
    b64('["nope", 1]'),
    b64("[" * 3000),
)


def tamper(cursor: str, how: int) -> str:
    """A cursor a real one became: keys dropped, added, of the wrong type or out of range,
    another list's tag, a character changed."""
    try:
        tag, *key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        return cursor + "x"
    variants: list[list[Any]] = [
        [tag],
        [tag, *key, 1],
        [tag, *("x" for _ in key)],
        [tag, *key[:-1], 2**70],
        ["ffffffff", *key],
        [tag, *key[:-1], True],
        [tag, *key[:-1], 1.5],
        [tag, *key[:-1], None],
    ]
    if how < len(variants):
        return b64(json.dumps(variants[how % len(variants)]))
    return cursor[:-1] + ("A" if cursor[-1:] != "A" else "B")


TAMPERINGS = 9


@dataclass(frozen=True)
class Pools:
    """What documents of one world may name."""

    today: date
    units: tuple[str, ...]
    posts: tuple[str, ...]
    persons: tuple[str, ...]
    assignments: tuple[str, ...]
    charges: tuple[str, ...]
    searches: tuple[str, ...]


@dataclass(frozen=True)
class Slot:
    """An `after` variable, null in the first run, set for the second from the first answer's
    `endCursor` at `path` (response keys): as it is, another slot's, or tampered."""

    variable: str
    path: tuple[str, ...]
    mode: str  # "real", "foreign" or "tampered"
    how: int


class Document:
    # Not a dataclass, and a short repr: Hypothesis prints every draw of a failing example
    # (a failed comparison prints the whole document it was about).
    def __init__(
        self, query: str, variables: dict[str, Any], slots: list[Slot], expect_served: frozenset[str]
    ) -> None:
        self.query = query
        self.variables = variables
        self.slots = slots
        # The compiled roots the compiled path must have served (SERVED) when it is on and
        # the answer has no errors: empty unless every root is a compiled one and pure.
        self.expect_served = expect_served

    def __repr__(self) -> str:
        return f"Document({self.query[:120]!r}…)"


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"


UNIT_SCALARS = ("id", "kind", "code", "name", "depth", "version", "archivedAt", "createdAt", "updatedAt")
POST_SCALARS = ("id", "kind", "title", "singleHolder", "version", "archivedAt", "createdAt")
ASSIGNMENT_SCALARS = ("id", "startDate", "endDate", "withdrawn", "note", "version", "createdAt", "endedAt")
PERSON_SCALARS = ("id", "name", "version", "createdAt", "idNumberMasked", "phoneMasked", "idNumber", "phone")
ENTERPRISE_SCALARS = ("creditCode", "trade", "highRisk", "staffCount", "smallMicro", "placarded")
PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
# Fields of these types outside the planned compiled part (computed in Python).
EXTRAS = {
    "OrgUnit": (
        "ancestors { id name }",
        "descendants(first: 2) { totalCount nodes { id } }",
        "responsiblePersons { on administrative { id } }",
    ),
    "Post": (
        "charges(first: 2, includeEnded: true) { totalCount nodes { id startDate } }",
        "inChargeOf(first: 2) { totalCount nodes { id } }",
    ),
    "Assignment": ("active", 'active(on: "2000-01-01")'),
    "Person": ("assignments(first: 2, includeHistory: true) { totalCount nodes { id } }",),
    "EnterpriseProfile": ("riskClass", "nextRiskClassFrom", "id"),
    "ResponsiblePersons": ("id",),
}
OTHER_ROOTS = (
    "viewer { id authMethod person { id name phoneMasked } roles { role subtree unitId } }",
    "persons(first: 3) { totalCount nodes { id name idNumberMasked } }",
    "__typename",
)


@dataclass
class _Builder:
    draw: st.DrawFn
    pools: Pools
    definitions: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    pure: bool = True
    count: int = 0
    # Whether an argument may be one that fails its field (`first` out of range, a cursor
    # or ID that is not one): only on the root of a one-root document. An error that
    # reaches a gather of fields cancels their siblings, and which of them fail first is a
    # matter of timing (see the module's note in test_compiled_equivalence.py).
    bad_ok: bool = False

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 999)) < p * 1000

    def value(self, value: Any, gql_type: str) -> str:
        """An argument's value as a literal, a variable, or a variable's default."""
        how = self.draw(st.sampled_from(["literal", "literal", "variable", "default"]))
        if how == "literal":
            return literal(value)
        name = self.fresh("v")
        if how == "default":
            self.definitions.append(f"${name}: {gql_type} = {literal(value)}")
        else:
            self.definitions.append(f"${name}: {gql_type}")
            self.variables[name] = value
        return f"${name}"

    def args(self, pairs: list[tuple[str, str]]) -> str:
        return f"({', '.join(f'{k}: {v}' for k, v in pairs)})" if pairs else ""

    def key(self, name: str, keys: set[str]) -> tuple[str, str]:
        """The response key of a field `name` in a selection set using `keys`, and its
        prefix (`alias: ` or nothing): an alias when the name is taken, sometimes anyway."""
        if name in keys or (name != "__typename" and self.chance(0.1)):
            alias = self.fresh("a")
            keys.add(alias)
            return alias, f"{alias}: "
        keys.add(name)
        return name, ""

    def extra(self, type_name: str, keys: set[str]) -> list[str]:
        if not self.chance(0.06):
            return []
        self.pure = False
        chosen = self.draw(st.sampled_from(EXTRAS[type_name]))
        _, prefix = self.key(chosen.split("(")[0].split(" ")[0], keys)
        return [prefix + chosen]

    def scalars(self, names: tuple[str, ...], keys: set[str]) -> list[str]:
        chosen = self.draw(st.lists(st.sampled_from((*names, "__typename")), min_size=1, max_size=4))
        out = []
        for name in chosen:
            _, prefix = self.key(name, keys)
            out.append(prefix + name)
        return out

    def wrap(self, type_name: str, fields: list[str]) -> str:
        """A selection set of `fields`: some moved into an inline or a named fragment, now
        and then under a directive."""
        how = self.draw(st.sampled_from(["plain"] * 6 + ["inline", "untyped", "named", "named"]))
        if how != "plain" and len(fields) > 0:
            cut = self.draw(st.integers(0, len(fields) - 1))
            inner, fields = fields[cut:], fields[:cut]
            body = " ".join(inner)
            if how == "inline":
                fields.append(f"... on {type_name} {{ {body} }}")
            elif how == "untyped":
                fields.append(f"... {{ {body} }}")
            else:
                name = self.fresh("F")
                self.fragments.append(f"fragment {name} on {type_name} {{ {body} }}")
                fields.append(f"...{name}")
                if self.chance(0.2):
                    fields.append(f"...{name}")
        if fields and self.chance(0.04):
            self.pure = False
            i = self.draw(st.integers(0, len(fields) - 1))
            directive = self.draw(
                st.sampled_from(["@include(if: true)", "@skip(if: false)", "@skip(if: true)"])
            )
            if "{" in fields[i]:  # a fragment, or a field with a selection set: wrap it
                fields[i] = f"... {directive} {{ {fields[i]} }}"
            else:
                fields[i] = f"{fields[i]} {directive}"
        if not fields:
            fields = ["__typename"]
        return "{ " + " ".join(fields) + " }"

    # --- arguments --------------------------------------------------------------------

    def first(self) -> list[tuple[str, str]]:
        choice = self.draw(
            st.sampled_from(["omit", "omit", "page", "page", "page", "page", "page", "null", "bad"])
        )
        if choice == "bad" and not self.bad_ok:
            choice = "page"
        if choice == "omit":
            return []
        if choice == "page":
            value: int | None = self.draw(st.integers(0, 5))
        elif choice == "null":
            value = None
        else:
            value = self.draw(st.sampled_from([101, -1]))
            self.pure = False  # refused: the compiled path hands it to the resolvers
        return [("first", self.value(value, "Int"))]

    def after(self, path: tuple[str, ...] | None) -> list[tuple[str, str]]:
        """`after` omitted, garbage, or (not below a list: `path` given) a slot."""
        choice = self.draw(st.sampled_from(["omit", "omit", "omit", "garbage", "slot", "slot"]))
        if choice == "garbage" and self.bad_ok:
            self.pure = False  # refused where read (a root whose unit is unknown reads none)
            return [("after", self.value(self.draw(st.sampled_from(GARBAGE_CURSORS)), "String"))]
        if choice == "slot" and path is not None:
            name = self.fresh("c")
            self.definitions.append(f"${name}: String")
            self.variables[name] = None
            mode = self.draw(st.sampled_from(["real", "real", "real", "foreign", "tampered"]))
            mode = mode if self.bad_ok else "real"
            if mode != "real":
                self.pure = False
            how = self.draw(st.integers(0, TAMPERINGS - 1))
            self.slots.append(Slot(name, (*path, "pageInfo", "endCursor"), mode, how))
            return [("after", f"${name}")]
        return []

    def day(self) -> list[tuple[str, str]]:
        if self.chance(0.6):
            return []
        offset = self.draw(st.sampled_from([0, 1, -1, 30, -30, 365, -400]))
        return [("on", self.value((self.pools.today + timedelta(days=offset)).isoformat(), "Date"))]

    def global_id(self, pool: tuple[str, ...]) -> str:
        """Mostly an ID of `pool`; else unknown, or (`bad_ok`) of any type or not parsing."""
        pools = self.pools
        anything = pools.units + pools.posts + pools.persons + pools.assignments + pools.charges
        unknown = (to_base64("OrgUnit", 10**9), to_base64("Person", 10**9))
        unparsable = ("x", "", b64("OrgUnit:abc"), b64("Nope:1"), to_base64("OrgUnit", 2**70))
        choice = self.draw(st.sampled_from(["pool"] * 6 + ["anything", "anything", "unknown", "unparsable"]))
        if choice in ("anything", "unparsable") and not self.bad_ok:
            choice = "unknown"
        if choice == "pool" and pool:
            return self.draw(st.sampled_from(pool))
        if choice == "unknown":
            return self.draw(st.sampled_from(unknown))
        if choice == "unparsable":
            self.pure = False
            return self.draw(st.sampled_from(unparsable))
        return self.draw(st.sampled_from(anything))

    def unit_filter(self) -> list[tuple[str, str]]:
        if self.chance(0.6):
            return []
        spec: dict[str, Any] = {}
        if self.chance(0.4):
            spec["kinds"] = [Enum(k.name) for k in self.draw(st.lists(st.sampled_from(UnitKind), max_size=2))]
        if self.chance(0.4):
            spec["includeArchived"] = self.draw(st.booleans())
        if self.chance(0.3):
            spec["placarded"] = self.draw(st.sampled_from([True, False, None]))
        if self.chance(0.4):
            spec["search"] = self.draw(st.sampled_from(self.pools.searches))
        if self.chance(0.05):
            self.pure = False
            spec["highRisk"] = self.draw(st.booleans())
        if self.chance(0.5):
            return [("filter", self.value(spec, "UnitFilterInput"))]
        return [
            (
                "filter",
                "{" + ", ".join(f"{k}: {self.value(v, _INPUT_TYPES[k])}" for k, v in spec.items()) + "}",
            )
        ]

    def post_filter(self) -> list[tuple[str, str]]:
        if self.chance(0.7):
            return []
        spec: dict[str, Any] = {}
        if self.chance(0.5):
            spec["kinds"] = [Enum(k.name) for k in self.draw(st.lists(st.sampled_from(PostKind), max_size=3))]
        if self.chance(0.5):
            spec["includeArchived"] = self.draw(st.booleans())
        return [("filter", self.value(spec, "PostFilterInput"))]


_INPUT_TYPES = {
    "kinds": "[UnitKind!]",
    "includeArchived": "Boolean!",
    "placarded": "Boolean",
    "search": "String",
    "highRisk": "Boolean",
}
