"""Files sent with a public tip-off (举报): checked by the tip-off limits
(`UploadLimits.tip_offs`: TIP_OFF_FILE_MAX_BYTES, images and PDF only) before anything is
written, then stored and recorded as anonymous uploads (uploader `public`) and attached to
the tip-off, in the tip-off's own transaction. One bad file refuses the whole tip-off: the
caller checks every file first (`check_all`) and files nothing if any fails."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.errors import DomainError, FieldError
from domain.files.checking import Prepared, UploadLimits, check
from domain.files.models import PUBLIC_UPLOADER, AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore
from domain.files.uploading import record

ATTACH_ACTION = "evidence_attachment.create"


def check_all(files: Sequence[tuple[str | None, bytes]], limits: UploadLimits) -> list[Prepared]:
    """Every file by the rules, all of them judged (field `files.<index>`): the errors of all
    the bad ones at once, or what to store."""
    prepared: list[Prepared] = []
    errors: list[FieldError] = []
    for index, (name, data) in enumerate(files):
        try:
            prepared.append(check(name, data, limits, ("files", str(index))))
        except DomainError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    return prepared


async def attach_to_tip_off(
    session: AsyncSession,
    store: BlobStore,
    prepared: Sequence[Prepared],
    *,
    tip_off_id: int,
    domain: str,
    request_id: str | None = None,
) -> list[EvidenceFile]:
    """Store and record the files, anonymous, and attach them to the tip-off; audited in
    `domain` (the park's)."""
    actor = Actor(PUBLIC_UPLOADER, request_id=request_id)
    rows: list[EvidenceFile] = []
    for index, item in enumerate(prepared):
        row = await record(
            session, store, item, actor=actor, anonymous=True, field=("files", str(index)), domain=domain
        )
        attachment = EvidenceAttachment(
            file_id=row.id,
            subject=AttachmentSubject.TIP_OFF.value,
            subject_id=tip_off_id,
            stage=None,
            attached_by=PUBLIC_UPLOADER,
        )
        await insert_audited(session, attachment, ATTACH_ACTION, domain, actor=actor)
        rows.append(row)
    return rows
