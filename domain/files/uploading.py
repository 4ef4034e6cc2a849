"""Uploading evidence: a file that passed the rules (`domain.files.checking`) is stored
and recorded as one `evidence_file` row, audited in the same transaction.

- The same uploader sending the same content again is refused (DUPLICATE_FILE) with the
  first upload as the error's candidate, so the client can use it. Anonymous uploads (tip-
  offs) are not compared.
- Content is stored once by its SHA-256: a second uploader of the same bytes gets a row of
  their own and no new blob (the store writes nothing for a key it holds).
- The blobs (the content, the thumbnail) are written and read back before the row is
  flushed (`put_blobs`, whose `Stored` is what `record_stored` takes). A store that fails
  refuses the upload (STORE_UNAVAILABLE, retry later) and nothing is recorded. A blob
  written for an upload refused later is harmless: it is content-addressed, and
  unreachable until some upload records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.errors import DomainError, ErrorCode, FieldError
from domain.files.checking import Prepared, UploadLimits, check
from domain.files.models import PUBLIC_UPLOADER, EvidenceFile
from domain.files.stores import BlobError, BlobStore
from domain.files.thumbnails import THUMBNAIL_MEDIA_TYPE

# Audit entries of uploads: no unit is concerned yet (attachments name one), so the
# platform's root.
AUDIT_DOMAIN = "/"
UPLOAD_ACTION = "evidence_file.upload"


async def previous_upload(session: AsyncSession, uploaded_by: str, sha256: str) -> EvidenceFile | None:
    """The uploader's earlier (named) upload of the same content, if any."""
    found = await session.scalars(
        select(EvidenceFile).where(
            EvidenceFile.uploaded_by == uploaded_by,
            EvidenceFile.sha256 == sha256,
            EvidenceFile.anonymous.is_(False),
        )
    )
    return found.first()


@dataclass(frozen=True)
class Stored:
    """A prepared file whose blobs the store holds: only `put_blobs` makes one, so a row is
    recorded (`record_stored`) only for content already written and read back."""

    prepared: Prepared


async def put_blobs(store: BlobStore, prepared: Prepared, field: Sequence[str] = ("file",)) -> Stored:
    """Write the content and its thumbnail; STORE_UNAVAILABLE if the store fails. Callers
    that can write before their transaction begins do (a slow store then holds no lock)."""
    try:
        await store.put(prepared.sha256, prepared.data, prepared.media_type)
        if prepared.thumbnail is not None:
            thumb = prepared.thumbnail
            await store.put(thumb.sha256, thumb.data, THUMBNAIL_MEDIA_TYPE)
    except BlobError as exc:
        raise DomainError.one(
            ErrorCode.STORE_UNAVAILABLE,
            field,
            "文件存储暂不可用，未保存任何内容，请稍后重试",
            "The file store cannot take the file now; nothing was recorded, try again later",
        ) from exc
    return Stored(prepared)


async def record(
    session: AsyncSession,
    store: BlobStore,
    prepared: Prepared,
    *,
    actor: Actor,
    anonymous: bool = False,
    field: Sequence[str] = ("file",),
    domain: str = AUDIT_DOMAIN,
) -> EvidenceFile:
    """Store a prepared file and record it (see the module's contract)."""
    stored = await put_blobs(store, prepared, field)
    return await record_stored(session, stored, actor=actor, anonymous=anonymous, field=field, domain=domain)


async def record_stored(
    session: AsyncSession,
    stored: Stored,
    *,
    actor: Actor,
    anonymous: bool = False,
    field: Sequence[str] = ("file",),
    domain: str = AUDIT_DOMAIN,
) -> EvidenceFile:
    """Record a stored file as the actor's upload (or an anonymous one), refusing the same
    uploader's same content (DUPLICATE_FILE); its audit entry is in `domain` (the
    platform's root unless the caller knows the unit concerned)."""
    prepared = stored.prepared
    uploaded_by = PUBLIC_UPLOADER if anonymous else actor.subject
    if not anonymous:
        earlier = await previous_upload(session, uploaded_by, prepared.sha256)
        if earlier is not None:
            raise DomainError(
                [
                    FieldError(
                        ErrorCode.DUPLICATE_FILE,
                        tuple(field),
                        f"您已上传过相同内容的文件「{earlier.name}」，可直接使用",
                        f"You uploaded the same content before ({earlier.name}); use that file",
                        candidates=(("EvidenceFile", earlier.id),),
                    )
                ]
            )
    thumb = prepared.thumbnail
    row = EvidenceFile(
        sha256=prepared.sha256,
        size=prepared.size,
        media_type=prepared.media_type,
        name=prepared.name,
        thumbnail_sha256=thumb.sha256 if thumb else None,
        thumbnail_size=len(thumb.data) if thumb else None,
        width=prepared.width,
        height=prepared.height,
        uploaded_by=uploaded_by,
        uploaded_by_person_id=None if anonymous else actor.person_id,
        agency_id=None if anonymous else actor.agency_id,
        anonymous=anonymous,
    )
    return await insert_audited(session, row, UPLOAD_ACTION, domain, actor=actor)


async def upload(
    session: AsyncSession,
    store: BlobStore,
    *,
    name: str | None,
    data: bytes,
    limits: UploadLimits,
    actor: Actor,
    anonymous: bool = False,
    field: Sequence[str] = ("file",),
) -> EvidenceFile:
    """Check one file by the rules, store it and record it; `DomainError` otherwise, with
    nothing recorded."""
    prepared = check(name, data, limits, field)
    return await record(session, store, prepared, actor=actor, anonymous=anonymous, field=field)
