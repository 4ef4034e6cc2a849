"""One serialisation of a row's sealed values, the same whichever database stored them,
and the hashes built on it.

A value reads back differently by dialect and by path (a datetime naive from SQLite and
aware from PostgreSQL, a Decimal "5.00" or "5", an enum member or its string), so each is
brought to one form before hashing: datetimes as UTC ISO 8601 with microseconds, dates as
ISO 8601, Decimals as plain decimal strings without trailing zeros, enum members as their
values, JSON values with their keys sorted. The row is then JSON with sorted keys,
compact, UTF-8."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

GENESIS = "0" * 64
"""The previous hash of every chain's first link."""


def canonical_value(value: Any) -> Any:
    """A JSON-ready form of a column's value that does not depend on the dialect."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return canonical_value(value.value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, float):
        return value
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def canonical_json(values: Mapping[str, Any]) -> bytes:
    return json.dumps(
        {k: canonical_value(v) for k, v in values.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def row_digest(values: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a row's sealed values, `values` keyed by column name."""
    return hashlib.sha256(canonical_json(values)).hexdigest()


def link_hash(
    prev_hash: str, chain: str, seq: int, row_key: str, scheme: int, digest: str, sealed_at: datetime
) -> str:
    """The hash of a link: everything it says, after the hash of the link before it."""
    parts = (prev_hash, chain, str(seq), row_key, str(scheme), digest, canonical_value(sealed_at))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
