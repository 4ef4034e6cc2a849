"""The one door for reads: a caller's reach turned into SQL.

Casbin answers one object at a time. A list cannot ask it row by row, so a caller's links
in force today and the role templates are turned into domain patterns per (resource,
action), and those into a predicate on the materialized path. `tests/authz` cross-checks
the predicates against `enforce` object by object.

Domains: a unit lives at its path; a post at "<unit path>p<id>/"; an assignment and a
分管 record at their post; a person at the unit that registered them and at every post
they hold or held (and callers always see themselves).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from authz.catalogue import Action, Resource
from authz.domains import EVERYTHING, is_post_domain, key_match, minimal_prefixes
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge, effective_assignment
from domain.tree.models import OrgUnit, subtree_upper_bound


def in_subtree(path: Any, prefix: str) -> ColumnElement[bool]:
    return and_(path >= prefix, path < subtree_upper_bound(prefix))


def in_subtrees(unit_id: Any, prefixes: list[str]) -> ColumnElement[bool]:
    """`unit_id` is a unit in one of the subtrees, asked of the path index alone in a
    subquery. With the ranges OR'd into a list's own WHERE, SQLite scans every unit of the
    listed kind and tests every range on each row (an agency's 50 enterprises among 20,000
    units: 46 ms); in a subquery it seeks each range (5 ms), and PostgreSQL ORs the range
    scans into a bitmap either way (3 ms). A VALUES list joined to the index does well on
    SQLite but PostgreSQL, guessing thousands of rows a range, hash-joins a full scan (13 ms).
    Two bind parameters a subtree: SQLite and asyncpg take 32,766 in a statement."""
    unit = aliased(OrgUnit)
    inside: ColumnElement[bool] = unit_id.in_(
        select(unit.id).where(or_(*[in_subtree(unit.path, p) for p in prefixes]))
    )
    return inside


@dataclass(frozen=True)
class Scopes:
    """Where one (resource, action) is allowed: subtrees by path prefix ("" = everything),
    and single domains."""

    prefixes: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()

    @classmethod
    def of(cls, patterns: Iterable[str]) -> Scopes:
        prefixes: set[str] = set()
        exact: set[str] = set()
        for pattern in patterns:
            if pattern == EVERYTHING:
                prefixes.add("")
            elif pattern.endswith("*"):
                prefixes.add(pattern[:-1])
            else:
                exact.add(pattern)
        kept = minimal_prefixes(prefixes)
        exact = {e for e in exact if not any(e.startswith(p) for p in kept)}
        return cls(tuple(kept), tuple(sorted(exact)))

    @property
    def everything(self) -> bool:
        return "" in self.prefixes

    @property
    def empty(self) -> bool:
        return not self.prefixes and not self.exact

    def allows(self, domain: str) -> bool:
        return any(domain.startswith(p) for p in self.prefixes) or domain in self.exact

    # --- SQL ---------------------------------------------------------------------------

    def _unit_subtrees(self) -> list[str]:
        return [p for p in self.prefixes if not is_post_domain(p)]

    def unit_clause(self) -> ColumnElement[bool]:
        """Units whose own domain is in scope."""
        if self.everything:
            return true()
        conds: list[ColumnElement[bool]] = []
        subtrees = self._unit_subtrees()
        if len(subtrees) == 1:
            # One range: an ordered scan of the path index that a LIMIT can stop early.
            conds.append(in_subtree(OrgUnit.path, subtrees[0]))
        elif subtrees:
            conds.append(in_subtrees(OrgUnit.id, subtrees))
        units = [e for e in self.exact if not is_post_domain(e)]
        if units:
            conds.append(OrgUnit.path.in_(units))
        return or_(*conds) if conds else false()

    def _post_ids(self) -> list[int]:
        ids = [p for p in self.prefixes if is_post_domain(p)] + [e for e in self.exact if is_post_domain(e)]
        return [int(d.rstrip("/").rsplit("/", 1)[-1][1:]) for d in ids]

    def post_clause(self, post: Any = Post) -> ColumnElement[bool]:
        """Posts whose domain is in scope: every post of a unit in a subtree, and posts
        granted on their own. A grant on a unit node alone covers none of its posts."""
        if self.everything:
            return true()
        conds: list[ColumnElement[bool]] = []
        subtrees = self._unit_subtrees()
        if subtrees:
            conds.append(in_subtrees(post.unit_id, subtrees))
        post_ids = self._post_ids()
        if post_ids:
            conds.append(post.id.in_(post_ids))
        return or_(*conds) if conds else false()

    def visible_post_ids(self) -> Any:
        return select(Post.id).where(self.post_clause())


@dataclass
class Reach:
    """What one caller may do today, as scopes per (resource, action)."""

    subject: str | None
    person_id: int | None
    patterns: Mapping[tuple[str, str], frozenset[str]]
    _scopes: dict[tuple[str, str], Scopes] = field(default_factory=dict)
    _fingerprint: tuple[Any, ...] | None = None

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """Equal for two reaches whose SQL predicates are equal (a cache key of SQL built
        from them): the caller's person and every pattern."""
        if self._fingerprint is None:
            self._fingerprint = (
                self.person_id,
                tuple(sorted((k, tuple(sorted(v))) for k, v in self.patterns.items())),
            )
        return self._fingerprint

    def scopes(self, resource: Resource | str, action: Action | str = Action.READ) -> Scopes:
        key = (str(resource), str(action))
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = Scopes.of(self.patterns.get(key, frozenset()))
        return found

    def allows(self, resource: Resource | str, action: Action | str, domain: str) -> bool:
        return any(key_match(domain, p) for p in self.patterns.get((str(resource), str(action)), ()))

    def allows_any(self, resource: Resource | str, action: Action | str, domains: Iterable[str]) -> bool:
        return any(self.allows(resource, action, d) for d in domains)

    # --- SQL predicates per entity -------------------------------------------------------

    def units(self, resource: Resource = Resource.UNIT) -> ColumnElement[bool]:
        return self.scopes(resource).unit_clause()

    def posts(self, resource: Resource = Resource.POST) -> ColumnElement[bool]:
        return self.scopes(resource).post_clause()

    def assignments(self) -> ColumnElement[bool]:
        scopes = self.scopes(Resource.ASSIGNMENT)
        if scopes.everything:
            return true()
        return Assignment.post_id.in_(scopes.visible_post_ids())

    def charges(self) -> ColumnElement[bool]:
        scopes = self.scopes(Resource.ASSIGNMENT)
        if scopes.everything:
            return true()
        return PostCharge.post_id.in_(scopes.visible_post_ids())

    def persons(self, resource: Resource = Resource.PERSON) -> ColumnElement[bool]:
        scopes = self.scopes(resource)
        if scopes.everything:
            return true()
        conds: list[ColumnElement[bool]] = []
        if self.person_id is not None:
            conds.append(Person.id == self.person_id)
        if not scopes.empty:
            registered = select(OrgUnit.id).where(scopes.unit_clause())
            conds.append(Person.registered_unit_id.in_(registered))
            held = (
                select(Assignment.id)
                .where(Assignment.person_id == Person.id, effective_assignment())
                .where(Assignment.post_id.in_(scopes.visible_post_ids()))
            )
            conds.append(exists(held))
        return or_(*conds) if conds else false()
