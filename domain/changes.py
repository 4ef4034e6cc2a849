"""Changes that alter who may do what. A service that changes assignments, charges, grants,
contracts or the shape of the tree notes it on the session; after the commit the API
refreshes the authorization state for exactly those keys and tells other processes.

Keys: "person:<id>", "client:<id>" (that subject's role links), "post:<id>" (its holders),
"agency:<id>" (its members and clients), "policy" (the role templates), "*" (everything,
e.g. after a unit moved and every path below it changed)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

_KEY = "authz_dirty"


def mark_authz_dirty(session: AsyncSession, *keys: str) -> None:
    session.info.setdefault(_KEY, set()).update(keys)


def take_authz_dirty(session: AsyncSession) -> set[str]:
    keys: set[str] = session.info.pop(_KEY, set())
    return keys
