"""Casbin domains over the organisation tree.

A domain is where an object lives: a unit's materialized path ("/1/2/15/") or a post's
("/1/2/15/p33/", just below its unit). A grant's domain is a pattern: "<domain>*" covers the
domain and everything below it, "<domain>" the domain alone, "*" everything. Patterns are
matched with Casbin's keyMatch, so an exported policy gives the same answers elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

EVERYTHING = "*"
# The domain above every district: only "*" covers it (creating a district, persons no
# unit registered).
ROOT_DOMAIN = "/"


def unit_domain(path: str) -> str:
    return path


def post_domain(unit_path: str, post_id: int) -> str:
    return f"{unit_path}p{post_id}/"


def parent_domain(path: str) -> str:
    """The domain of the unit above a unit's path; the root domain above a district."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else ROOT_DOMAIN


def subtree(domain: str) -> str:
    return domain + "*"


def key_match(key: str, pattern: str) -> bool:
    """Casbin's keyMatch: a `*` in the pattern matches anything that follows."""
    star = pattern.find("*")
    if star == -1:
        return key == pattern
    return key[:star] == pattern[:star]


def candidate_patterns(domain: str) -> list[str]:
    """Every pattern of the forms we store that keyMatch accepts for `domain`: the domain
    itself, "<ancestor-or-self>*" for each "/" boundary, and "*". Looking these up is how a
    check finds its grants without scanning every stored domain."""
    found = [domain, EVERYTHING]
    for i, ch in enumerate(domain):
        if ch == "/":
            found.append(domain[: i + 1] + "*")
    return found


@dataclass(frozen=True)
class Scope:
    """A pattern split into what SQL filters need: a path prefix for a subtree, or one
    exact domain."""

    prefix: str | None  # "/1/2/" for "/1/2/*"; "" for "*"
    exact: str | None

    @classmethod
    def of(cls, pattern: str) -> Scope:
        if pattern.endswith("*"):
            return cls(prefix=pattern[:-1], exact=None)
        return cls(prefix=None, exact=pattern)


def is_post_domain(domain: str) -> bool:
    last = domain.rstrip("/").rsplit("/", 1)[-1]
    return last.startswith("p")


def minimal_prefixes(prefixes: set[str]) -> list[str]:
    """Drop every prefix another prefix already covers."""
    result: list[str] = []
    for prefix in sorted(prefixes):
        if result and prefix.startswith(result[-1]):
            continue
        result.append(prefix)
    return result
