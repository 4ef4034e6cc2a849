"""Stable IDs for objects that are not nodes but that clients cache (scores, obligations,
history entries, role links…): a Relay global ID of the type name and the object's key.

The key is what makes the object itself: the same score of the same unit and period gets
the same ID in every answer, so a client cache (Apollo, urql, Relay) merges its updates.
These IDs are not accepted by `node`: the objects are reached through their parents.
"""

from __future__ import annotations

from strawberry import relay

ID_DESCRIPTION = "编号 — A stable ID for client caches (the same object, the same ID); not accepted by `node`"


def key_id(type_name: str, *parts: object) -> relay.GlobalID:
    """The global ID of a `type_name` object with this key (parts joined by `:`, None as `-`)."""
    return relay.GlobalID(type_name, ":".join("-" if p is None else str(p) for p in parts))
