"""The evidence files of a dossier: the files attached to its records, hazards, plans and
exemptions (`evidence_attachment`), their content read from the blob store and checked.

A file whose content is missing from the store, or no longer hashes to its key, is listed
(its entry says `missing` or `corrupt`, and the manifest lists it among the files not
included), never silently dropped and never put in the archive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.dossier.ids import chunks, gid, iso, subject_ref
from domain.errors import DomainError, ErrorCode
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobCorrupt, BlobMissing, BlobStore

# The subjects a dossier holds, and the type of their global IDs.
SUBJECT_TYPES = {
    AttachmentSubject.RECORD: "DutyRecord",
    AttachmentSubject.HAZARD: "Hazard",
    AttachmentSubject.HAZARD_PLAN: "HazardPlan",
    AttachmentSubject.EXEMPTION: "DutyRecord",
}

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def archive_path(sha256: str, media_type: str) -> str:
    return f"files/{sha256}.{EXTENSIONS.get(media_type, 'bin')}"


@dataclass
class Evidence:
    """Attachment entries by subject, the content of each file once (by archive path), and
    the files that could not be included."""

    by_subject: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    missing: list[dict[str, str]] = field(default_factory=list)

    def of(self, subject: AttachmentSubject, subject_id: int) -> list[dict[str, Any]]:
        return self.by_subject.get((subject.value, subject_id), [])


async def gather(
    session: AsyncSession,
    store: BlobStore,
    subjects: dict[AttachmentSubject, Sequence[int]],
    *,
    max_bytes: int,
) -> Evidence:
    """Every attachment of the given subjects, oldest first, with its file read (once per
    content) from the store. Contents weighing more than `max_bytes` together are refused
    (DOSSIER_TOO_LARGE) before any is read."""
    out = Evidence()
    rows: list[tuple[EvidenceAttachment, EvidenceFile]] = []
    for subject, ids in subjects.items():
        for chunk in chunks(ids):
            found = await session.execute(
                select(EvidenceAttachment, EvidenceFile)
                .join(EvidenceFile, EvidenceFile.id == EvidenceAttachment.file_id)
                .where(EvidenceAttachment.subject == subject.value, EvidenceAttachment.subject_id.in_(chunk))
            )
            rows.extend((a, f) for a, f in found.all())
    rows.sort(key=lambda r: r[0].id)
    total = sum({f.sha256: f.size for _, f in rows}.values())
    if total > max_bytes:
        raise DomainError.one(
            ErrorCode.DOSSIER_TOO_LARGE,
            "to",
            f"该期间的证据文件共 {total:,} 字节，超过上限 {max_bytes:,} 字节，请缩短期间",
            f"The period's evidence files weigh {total:,} bytes, more than the {max_bytes:,} allowed; "
            "ask for a shorter period",
        )
    state: dict[str, str] = {}
    for attachment, file in rows:
        path = archive_path(file.sha256, file.media_type)
        if path not in state:
            state[path] = await _read(store, file.sha256, path, out)
        out.by_subject.setdefault((attachment.subject, attachment.subject_id), []).append(
            {
                "attachment": gid("EvidenceAttachment", attachment.id),
                "subject": attachment.subject,
                "subjectId": gid(SUBJECT_TYPES[AttachmentSubject(attachment.subject)], attachment.subject_id),
                "stage": attachment.stage,
                "attachedBy": subject_ref(attachment.attached_by),
                "attachedAt": iso(attachment.created_at),
                "file": {
                    "id": gid("EvidenceFile", file.id),
                    "sha256": file.sha256,
                    "size": file.size,
                    "mediaType": file.media_type,
                    "name": file.name,
                    "uploadedBy": subject_ref(file.uploaded_by),
                    "uploadedAt": iso(file.created_at),
                },
                "path": path if state[path] == "included" else None,
                "content": state[path],
            }
        )
    return out


async def _read(store: BlobStore, sha256: str, path: str, out: Evidence) -> str:
    """Read one content into `out`; "included", or why not ("missing", "corrupt")."""
    try:
        out.contents[path] = await store.get(sha256)
    except BlobMissing:
        out.missing.append({"sha256": sha256, "path": path, "reason": "missing"})
        return "missing"
    except BlobCorrupt:
        out.missing.append({"sha256": sha256, "path": path, "reason": "corrupt"})
        return "corrupt"
    return "included"
