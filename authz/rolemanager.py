"""A Casbin role manager for grants over a tree.

pycasbin's domain role manager, given keyMatch as the domain matching function, runs it
against every stored domain on the first check in a new domain and keeps a role manager per
domain forever (see ../shared/casbin-notes.md). Ours stores each link under its exact
(subject, role, pattern) and answers a check by looking up the few patterns keyMatch could
accept for the requested domain (`candidate_patterns`): the same answers, in O(depth).

Links carry dates; a check holds only if a link is in force on `day` (set by the caller
before enforcing, in Asia/Shanghai). Roles do not inherit from roles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from casbin.rbac import RoleManager

from authz.domains import candidate_patterns
from authz.links import Link

LinkKey = tuple[str, str, str]  # (subject, role subject, domain pattern)


class SubtreeRoleManager(RoleManager):  # type: ignore[misc]
    def __init__(self) -> None:
        self._by_key: dict[LinkKey, list[Link]] = defaultdict(list)
        self._by_subject: dict[str, list[Link]] = defaultdict(list)
        self.day = date.today()

    # --- maintenance -------------------------------------------------------------------

    def replace_all(self, links: Iterable[Link]) -> None:
        by_key: dict[LinkKey, list[Link]] = defaultdict(list)
        by_subject: dict[str, list[Link]] = defaultdict(list)
        for link in links:
            by_key[(link.subject, link.role_subject, link.domain)].append(link)
            by_subject[link.subject].append(link)
        # Swapped in one step: a check running meanwhile sees the old or the new state.
        self._by_key, self._by_subject = by_key, by_subject

    def replace_subjects(self, subjects: Iterable[str], links: Iterable[Link]) -> None:
        """Forget every link of `subjects` and add `links` (theirs, freshly derived)."""
        for subject in set(subjects):
            for old in self._by_subject.pop(subject, []):
                key = (old.subject, old.role_subject, old.domain)
                remaining = [x for x in self._by_key.get(key, []) if x != old]
                if remaining:
                    self._by_key[key] = remaining
                else:
                    self._by_key.pop(key, None)
        for link in links:
            self._by_key[(link.subject, link.role_subject, link.domain)].append(link)
            self._by_subject[link.subject].append(link)

    def links_of(self, subject: str) -> list[Link]:
        return list(self._by_subject.get(subject, ()))

    def all_links(self) -> list[Link]:
        return [link for links in self._by_subject.values() for link in links]

    def link_count(self) -> int:
        return sum(len(v) for v in self._by_subject.values())

    # --- the RoleManager interface Casbin calls ----------------------------------------

    def clear(self) -> None:
        self.replace_all(())

    def add_link(self, name1: str, name2: str, *domain: str) -> None:
        self.replace_subjects(
            (),
            [
                Link(
                    name1, name2.removeprefix("role:"), domain[0] if domain else "*", date.min, None, "casbin"
                )
            ],
        )

    def delete_link(self, name1: str, name2: str, *domain: str) -> None:
        key = (name1, name2, domain[0] if domain else "*")
        for link in self._by_key.pop(key, []):
            self._by_subject[name1] = [x for x in self._by_subject[name1] if x != link]

    def has_link(self, name1: str, name2: str, *domain: str) -> bool:
        if name1 == name2:
            return True
        day = self.day
        for pattern in candidate_patterns(domain[0]) if domain else ("*",):
            for link in self._by_key.get((name1, name2, pattern), ()):
                if link.start <= day and (link.end is None or day <= link.end):
                    return True
        return False

    def matching_links(self, name1: str, name2: str, domain: str) -> list[Link]:
        """The links in force on `day` that make `has_link` true (for explanations)."""
        found: list[Link] = []
        for pattern in candidate_patterns(domain):
            found += [x for x in self._by_key.get((name1, name2, pattern), ()) if x.active_on(self.day)]
        return found

    def get_roles(self, name: str, *domain: str) -> list[str]:
        patterns = set(candidate_patterns(domain[0])) if domain else None
        return sorted(
            {
                x.role_subject
                for x in self._by_subject.get(name, ())
                if x.active_on(self.day) and (patterns is None or x.domain in patterns)
            }
        )

    def get_users(self, name: str, *domain: str) -> list[str]:
        patterns = set(candidate_patterns(domain[0])) if domain else None
        return sorted(
            {
                subject
                for (subject, role, pattern), links in self._by_key.items()
                if role == name
                and (patterns is None or pattern in patterns)
                and any(x.active_on(self.day) for x in links)
            }
        )

    def print_roles(self) -> None:
        return None
