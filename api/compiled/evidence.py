"""Attached evidence on the compiled read path: `evidenceFiles` of hazards (with the stage
argument) and plans, as `api/files/attach_types.py` answers it: the subject's attachments
oldest first, each with its file. No reach predicate of their own: the subject's row is
visible, and that makes its files readable (`authz.visibility.files`). `attachedBy` (an
`Actor` union) and the file's computed fields (links, thumbnails) are not compiled: a
document selecting them goes through the resolvers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from api.compiled.build import Build, Entity, FieldSql
from api.compiled.fields import Field
from api.compiled.refs import rows
from api.compiled.scalars import boolean, global_id, plain, timestamp
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile


def _file(b: Build, alias: str, f: Field) -> str:
    stmt = select(EvidenceFile)
    return b.row(f, EVIDENCE_FILE, stmt, [EvidenceFile.id == b.ref(alias, EvidenceAttachment.file_id)])


def _has_thumbnail(b: Build, alias: str, f: Field) -> str:
    return b.j.boolean(f"({b.col(alias, EvidenceFile.thumbnail_sha256)} IS NOT NULL)")


def evidence_files(subject: AttachmentSubject, key: InstrumentedAttribute[Any]) -> FieldSql:
    """The attachments of the row at hand (`key`: its id column) as `subject`, of the
    `stage` argument's stage when one is given."""

    def render(b: Build, alias: str, f: Field) -> str:
        where = [
            EvidenceAttachment.subject == subject.value,
            EvidenceAttachment.subject_id == b.ref(alias, key),
        ]
        stage = b.sel.args(f).get("stage")
        if stage is not None:
            where.append(EvidenceAttachment.stage == str(getattr(stage, "value", stage)))
        return rows(b, f, ATTACHED, select(EvidenceAttachment), where)

    return render


EVIDENCE_FILE = Entity(
    "EvidenceFile",
    {
        "id": global_id("EvidenceFile", EvidenceFile.id),
        "name": plain(EvidenceFile.name),
        "mediaType": plain(EvidenceFile.media_type),
        "size": plain(EvidenceFile.size),
        "sha256": plain(EvidenceFile.sha256),
        "uploadedAt": timestamp(EvidenceFile.created_at),
        "width": plain(EvidenceFile.width),
        "height": plain(EvidenceFile.height),
        "anonymous": boolean(EvidenceFile.anonymous),
        "hasThumbnail": _has_thumbnail,
    },
    EvidenceFile.id,
)

ATTACHED = Entity(
    "AttachedEvidence",
    {
        "id": global_id("AttachedEvidence", EvidenceAttachment.id),
        "stage": plain(EvidenceAttachment.stage),
        "attachedAt": timestamp(EvidenceAttachment.created_at),
        "file": _file,
    },
    EvidenceAttachment.id,
)
