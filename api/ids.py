"""Relay global IDs given as input: decoded inside mutations so a wrong one is a userError."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry import relay

from domain.errors import DomainError, ErrorCode


def decode_id(gid: relay.GlobalID, type_name: str, field: str | Sequence[str]) -> int:
    if gid.type_name == type_name:
        try:
            return int(gid.node_id)
        except ValueError:
            pass
    raise DomainError.one(
        ErrorCode.NOT_FOUND, field, f"找不到该{type_name}编号", f"No {type_name} has this ID"
    )


def try_decode_id(gid: relay.GlobalID, type_name: str) -> int | None:
    if gid.type_name != type_name:
        return None
    try:
        return int(gid.node_id)
    except ValueError:
        return None
