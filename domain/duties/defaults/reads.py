"""What the API reads of district defaults: the list (filtered by the caller's reach in
SQL) and the list a duty item belongs to (for the guard)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.duties.defaults.models import DistrictFrequencyDefault, default_in_force
from domain.duties.models import DutyItem, DutyListVersion
from domain.pagination import Ordering

DEFAULT_ORDER: Ordering[DistrictFrequencyDefault] = Ordering(
    (DistrictFrequencyDefault.id,), key=lambda r: (r.id,)
)


def district_defaults(
    visible: ColumnElement[bool],
    *,
    district_id: int | None = None,
    item_key: str | None = None,
    include_history: bool = False,
) -> Select[DistrictFrequencyDefault]:
    """Defaults in force (with corrected and withdrawn rows if `include_history`)."""
    stmt = select(DistrictFrequencyDefault).where(visible)
    if not include_history:
        stmt = stmt.where(default_in_force())
    if district_id is not None:
        stmt = stmt.where(DistrictFrequencyDefault.district_id == district_id)
    if item_key is not None:
        stmt = stmt.where(DistrictFrequencyDefault.item_key == item_key)
    return stmt


async def list_of_item(session: AsyncSession, item_id: int) -> int | None:
    return await session.scalar(
        select(DutyListVersion.list_id)
        .join(DutyItem, DutyItem.version_id == DutyListVersion.id)
        .where(DutyItem.id == item_id)
    )
