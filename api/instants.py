"""Moments given as arguments. The stores keep moments in UTC and compare them as such; a
DateTime without an offset names no moment (Beijing time? UTC?), so it is refused as bad
input, naming the argument, rather than guessed at."""

from __future__ import annotations

from datetime import datetime

from api.errors import BadInput


def aware(value: datetime | None, argument: str) -> datetime | None:
    """`value` if it carries a UTC offset (or is absent); else a BadInput on `argument`."""
    if value is not None and value.tzinfo is None:
        raise BadInput(
            f"`{argument}` needs a UTC offset, e.g. 2025-03-01T08:00:00+08:00",
            f"{argument} 须带时区偏移，例如 2025-03-01T08:00:00+08:00",
            argument,
        )
    return value
