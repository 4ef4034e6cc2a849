"""Reading evidence files' rows, always through a visibility filter the caller's side
supplies (`authz.visibility.files.readable_files`): a file the filter leaves out is not
found, exactly as a file that does not exist."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.models import EvidenceFile


async def files_by_ids(
    session: AsyncSession, ids: Sequence[int], visible: ColumnElement[bool]
) -> dict[int, EvidenceFile]:
    """The rows of `ids` that `visible` lets through, by id."""
    if not ids:
        return {}
    rows = await session.scalars(select(EvidenceFile).where(EvidenceFile.id.in_(set(ids)), visible))
    return {row.id: row for row in rows}


async def file_by_id(
    session: AsyncSession, file_id: int, visible: ColumnElement[bool]
) -> EvidenceFile | None:
    return (await files_by_ids(session, [file_id], visible)).get(file_id)
