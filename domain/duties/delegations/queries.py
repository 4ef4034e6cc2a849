"""The statement of a list of delegations, filtered as asked (visibility comes from authz)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from domain.duties.delegations.models import DutyDelegation, effective_delegation


def delegations_listed(
    visible: ColumnElement[bool],
    *,
    post_id: int | None = None,
    delegate_person_id: int | None = None,
    item_key: str | None = None,
    active_on: date | None = None,
    include_history: bool = False,
) -> Select[Any]:
    stmt = select(DutyDelegation).where(visible)
    if not include_history:
        stmt = stmt.where(effective_delegation())
    if post_id is not None:
        stmt = stmt.where(DutyDelegation.post_id == post_id)
    if delegate_person_id is not None:
        stmt = stmt.where(DutyDelegation.delegate_person_id == delegate_person_id)
    if item_key is not None:
        stmt = stmt.where(DutyDelegation.item_key == item_key)
    if active_on is not None:
        stmt = stmt.where(DutyDelegation.start_date <= active_on, DutyDelegation.end_date >= active_on)
    return stmt
