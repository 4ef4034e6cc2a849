"""Identifiers and values as the API writes them, so that a dossier's entries can be laid
beside the API's answers: Relay global IDs (base64 of "Type:key"), dates and instants in
ISO 8601."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Ids per statement: SQLite and asyncpg take at most 32,766 bind parameters in one.
ID_CHUNK = 10_000


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids, sorted and deduplicated, in lists of at most ID_CHUNK."""
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), ID_CHUNK):
        yield ordered[i : i + ID_CHUNK]


def gid(type_name: str, *parts: object) -> str:
    """The global ID the API gives an object of `type_name` with this key (composite keys
    joined by ":", None as "-", as `api.keys.key_id` does)."""
    key = ":".join("-" if p is None else str(p) for p in parts)
    return base64.b64encode(f"{type_name}:{key}".encode()).decode("ascii")


def maybe_gid(type_name: str, row_id: int | None) -> str | None:
    return None if row_id is None else gid(type_name, row_id)


_NODE_OF_SUBJECT = {"person": "Person", "client": "ServiceClient"}


def subject_ref(subject: str) -> str:
    """Who acted, as the API answers it: the global ID of `person:<id>` / `client:<id>`;
    `system`, `cli`, `public` as they are. No internal id leaves the platform."""
    kind, _, raw = subject.partition(":")
    if kind in _NODE_OF_SUBJECT and raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return gid(_NODE_OF_SUBJECT[kind], int(raw))
    return subject


def domain_ref(domain: str) -> str:
    """A domain path as the API answers it: each unit id replaced by the unit's global ID
    and a post segment (`p33`) by the post's, the shape kept."""
    parts = []
    for segment in domain.split("/"):
        if segment.isascii() and segment.isdigit():
            parts.append(gid("OrgUnit", segment))
        elif segment.startswith("p") and segment[1:].isascii() and segment[1:].isdigit():
            parts.append(gid("Post", segment[1:]))
        else:
            parts.append(segment)
    return "/".join(parts)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def plain(value: Any) -> Any:
    """JSON-ready: dates and instants as ISO strings, decimals as strings (exact), the rest
    (JSON columns) as stored."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
