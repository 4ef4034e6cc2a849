"""Small reads of the tree for the API's fields."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.tree.models import OrgUnit


async def units_by_path(session: AsyncSession, paths: Iterable[str]) -> dict[str, tuple[int, str]]:
    """(id, name) of the units at these paths, by path; paths of no unit are left out."""
    rows = await session.execute(
        select(OrgUnit.path, OrgUnit.id, OrgUnit.name).where(OrgUnit.path.in_(sorted(paths)))
    )
    return {path: (unit_id, name) for path, unit_id, name in rows.all()}
