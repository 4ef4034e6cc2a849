"""Append-only evidence corrected by new rows: a row is replaced by a later row whose
`corrects_id` points at it, and a withdrawal is such a row with `withdrawn` set. Records,
critical periods, assignments, delegations and district defaults all keep this shape; these
are its two questions, asked one way for all of them."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement


@cache  # an immutable clause: built once per model, shared by every statement that uses it
def in_force(model: Any) -> ColumnElement[bool]:
    """Rows of `model` in force: not withdrawals, and not replaced by a later correction."""
    later = aliased(model)
    return and_(model.withdrawn.is_(False), ~exists(select(later.id).where(later.corrects_id == model.id)))


async def is_corrected(session: AsyncSession, model: Any, row_id: int) -> bool:
    """Whether a later row corrects (replaces or withdraws) the row."""
    found = await session.scalar(select(model.id).where(model.corrects_id == row_id).limit(1))
    return found is not None
