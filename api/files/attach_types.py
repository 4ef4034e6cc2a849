"""Evidence attached to records, exemption requests, hazards, plans and tip-offs, as the API
shows it: `AttachedEvidence` (the file, by whom, when, at which stage of a hazard) and the
`evidenceFiles` fields the subjects' types resolve through `evidence_of` (one batched
loader, `AttachmentsBySubjectLoader`)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.context import Info
from api.files.attach_loaders import Attached
from api.files.types import EvidenceFile
from api.keys import ID_DESCRIPTION, key_id
from api.refs import Actor, actor_of
from domain.files import models as fm
from domain.files.models import AttachmentSubject

EvidenceStage = strawberry.enum(
    fm.EvidenceStage,
    name="EvidenceStage",
    description="证据阶段 — When in a hazard's life a file was attached: FOUND 排查发现, RECTIFIED 整改完成, "
    "VERIFIED 验收",
)


@strawberry.type(
    name="AttachedEvidence",
    description="附加的证据 — A file attached to a record, exemption request, hazard, plan or tip-off: "
    "the file, who attached it and when, and for hazards the stage",
)
class AttachedEvidence:
    stage: fm.EvidenceStage | None = strawberry.field(
        description="阶段 — For a hazard: as found, as rectified or at verification; null for the others"
    )
    attached_at: datetime = strawberry.field(description="附加时间 — When it was attached")
    attachment: strawberry.Private[fm.EvidenceAttachment]
    file_row: strawberry.Private[fm.EvidenceFile]

    @classmethod
    def of(cls, pair: Attached) -> AttachedEvidence:
        attachment, file = pair
        return cls(
            stage=fm.EvidenceStage(attachment.stage) if attachment.stage else None,
            attached_at=attachment.created_at,
            attachment=attachment,
            file_row=file,
        )

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("AttachedEvidence", self.attachment.id)

    @strawberry.field(description="文件 — The file")
    def file(self) -> EvidenceFile:
        # Attached to a subject the caller reached, so readable to them: links need no new check.
        return EvidenceFile.from_row(self.file_row, readable=True)

    @strawberry.field(description="附加人 — The person or client that attached it, if you may see them")
    async def attached_by(self, info: Info) -> Actor | None:
        return await actor_of(info, self.attachment.attached_by)


async def evidence_of(
    info: Info, subject: AttachmentSubject, subject_id: int, stage: fm.EvidenceStage | None = None
) -> list[AttachedEvidence]:
    """A subject's attached evidence (of one stage, if given), oldest first."""
    pairs = await info.context.loaders.evidence.attachments_by_subject.load((subject, subject_id))
    return [AttachedEvidence.of(p) for p in pairs if stage is None or p[0].stage == stage.value]


def record_subject(kind: str) -> AttachmentSubject:
    """A duty_record's subject: an exemption request's files are EXEMPTION, others RECORD."""
    return AttachmentSubject.EXEMPTION if kind == "EXEMPTION" else AttachmentSubject.RECORD
