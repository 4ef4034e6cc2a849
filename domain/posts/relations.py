"""Statements of posts' related rows, for loaders that read many parents at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from domain.posts.models import PostCharge


def charges_stmt(include_ended: bool, where: ColumnElement[bool]) -> Select[Any]:
    """分管 records satisfying `where`; ended ones too if asked."""
    stmt = select(PostCharge).where(where)
    if not include_ended:
        stmt = stmt.where(PostCharge.end_date.is_(None))
    return stmt
