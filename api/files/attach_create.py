"""Files given to a mutation that creates their subject (a record, a hazard's report, a
rectification's submission, a verification, a plan, an exemption request): attached in the
creating transaction, so a refused file leaves nothing of the creation either."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Context
from api.ids import try_decode_id
from authz.visibility.files import readable_files
from domain.actors import Actor
from domain.errors import ErrorCode, ErrorCollector
from domain.files import attachments
from domain.files.models import EvidenceAttachment

FILES_DESCRIPTION = (
    "证据文件 — Uploaded evidence files (uploadEvidenceFile) to attach in the same transaction; "
    f"at most {attachments.MAX_FILES}, each one you may read"
)


def decode_files(files: Sequence[relay.GlobalID], field: tuple[str, ...] = ("files",)) -> list[int]:
    """Row ids of EvidenceFile global IDs; any other ID is FILE_NOT_FOUND at its position, as
    a file the caller may not read is."""
    attachments.check_count(files, field)
    errors = ErrorCollector()
    ids: list[int] = []
    for n, gid in enumerate(files):
        row_id = try_decode_id(gid, "EvidenceFile")
        if row_id is None:
            errors.add(ErrorCode.FILE_NOT_FOUND, (*field, str(n)), "文件不存在", "File does not exist")
        else:
            ids.append(row_id)
    errors.raise_if_any()
    return ids


async def attach_created(
    ctx: Context,
    session: AsyncSession,
    target: attachments.Target,
    files: Sequence[relay.GlobalID] | None,
    actor: Actor,
    domain: str,
    field: tuple[str, ...] = ("files",),
) -> list[EvidenceAttachment]:
    """Attach `files` (none: nothing) to what the mutation just created."""
    if not files:
        return []
    return await attachments.attach_files(
        session,
        target=target,
        file_ids=decode_files(files, field),
        readable=readable_files(ctx.reach),
        actor=actor,
        domain=domain,
        field=field,
    )
