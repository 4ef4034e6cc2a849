"""A `JSON` argument handed to the domain."""

from __future__ import annotations

from typing import Any

from strawberry.scalars import JSON


def domain_json(value: JSON | None) -> Any:
    """What the client sent as a JSON argument, for a domain call that takes it as an object:
    any JSON value may arrive, and the domain checks its shape (refusing anything else with
    a user error), so it is passed on unchecked here."""
    return value
