"""The facts obligations are computed from, loaded in bulk by `domain.duties.facts`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.duties.rules import Rule, UnitFacts


@dataclass(frozen=True)
class Charge:
    unit_id: int
    path: str
    start: date
    end: date | None


@dataclass(frozen=True)
class PostFacts:
    id: int
    unit_id: int
    path: str  # the unit's materialized path
    kind: str
    facts: UnitFacts
    start: date  # first day the post existed
    end: date | None  # last day (archived), or None
    charges: tuple[Charge, ...] = ()
    # The unit's profile over time (effective date, facts), oldest first; empty: `facts`.
    history: tuple[tuple[date, UnitFacts], ...] = ()

    def facts_on(self, day: date) -> UnitFacts:
        """The unit's facts on a day; before its first profile row, the first row."""
        if not self.history:
            return self.facts
        found = self.history[0][1]
        for since, facts in self.history:
            if since > day:
                break
            found = facts
        return found


@dataclass(frozen=True)
class Tenure:
    post_id: int
    person_id: int
    start: date
    end: date | None


@dataclass(frozen=True)
class ItemVersion:
    """An item of one version of a list, with the version's span of dates."""

    list_id: int
    version_id: int
    item_id: int
    key: str
    rule: Rule
    effective_from: date
    effective_until: date | None  # last day, or None for the current version


@dataclass(frozen=True)
class ListFacts:
    id: int
    post_kinds: frozenset[str]
    path: str  # the list's unit path; it applies to posts in this subtree
    first_effective: date
    items: tuple[ItemVersion, ...]  # all versions' items with rules
    # The units it targets (domain.duties.targets); empty: every unit of its subtree.
    target_unit_ids: frozenset[int] = frozenset()

    def applies_to(self, post: PostFacts) -> bool:
        return (
            post.kind in self.post_kinds
            and post.path.startswith(self.path)
            and (not self.target_unit_ids or post.unit_id in self.target_unit_ids)
        )


@dataclass(frozen=True)
class RecordFacts:
    id: int
    kind: str
    performed_on: date
    person_id: int
    unit_paths: tuple[str, ...]
    unit_ids: tuple[int, ...]
    items: frozenset[tuple[int, str]]  # (list id, item key) the record names; empty = any
    makeup_for: date | None = None

    def names(self, list_id: int, key: str) -> bool:
        return not self.items or (list_id, key) in self.items


@dataclass(frozen=True)
class EventFacts:
    id: int
    kind: str
    unit_id: int
    path: str
    start: date
    end: date


@dataclass(frozen=True)
class DelegationFacts:
    """A holder's delegation of one duty of their post to another person (主持或者委托): records
    of the duty's kinds by `delegate_person_id` performed in [start, end] count for the
    post's duty as if the holder had made them."""

    id: int
    post_id: int
    list_id: int
    item_key: str
    delegate_person_id: int
    start: date
    end: date


@dataclass(frozen=True)
class ExemptionFacts:
    record_id: int
    post_id: int | None
    person_id: int | None
    list_id: int
    item_key: str
    start: date
    end: date


@dataclass
class Facts:
    posts: list[PostFacts]
    lists: list[ListFacts]
    tenures: dict[int, list[Tenure]]  # by post id
    records: list[RecordFacts]
    events: list[EventFacts] = field(default_factory=list)
    exemptions: list[ExemptionFacts] = field(default_factory=list)
    # Enterprises (path, id, placarded now) that coverage rules may target, not archived,
    # and their placard over time (effective date, placarded), oldest first.
    enterprises: list[tuple[str, int, bool]] = field(default_factory=list)
    placards: dict[int, list[tuple[date, bool]]] = field(default_factory=dict)
    # How the records were read (persons, holders, window), to read them again alone.
    record_source: Any = field(default=None, repr=False, compare=False)
    delegations: list[DelegationFacts] = field(default_factory=list)
