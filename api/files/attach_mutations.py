"""Attaching uploaded evidence files to what they prove (`attachEvidenceFiles`). The rules
are `domain.files.attachments`'; the door is `api.files.attach_guards`."""

from __future__ import annotations

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.duties.guards import recorder
from api.errors import UserError, mutate
from api.files.attach_create import FILES_DESCRIPTION, decode_files
from api.files.attach_guards import target_of
from api.files.attach_loaders import Attached
from api.files.attach_types import AttachedEvidence
from authz.visibility.files import readable_files
from domain.files import attachments
from domain.files.models import EvidenceFile
from domain.files.models import EvidenceStage as Stage


@strawberry.input(
    description="附加证据 — Attach uploaded files to a record, an exemption request, a hazard (at a stage) "
    "or a 五落实 plan; all or none"
)
class AttachEvidenceFilesInput:
    subject: relay.GlobalID = strawberry.field(
        description="对象 — A DutyRecord (record or exemption request), Hazard or HazardPlan"
    )
    files: list[relay.GlobalID] = strawberry.field(description=FILES_DESCRIPTION)
    stage: Stage | None = strawberry.field(
        default=None,
        description="阶段 — Required for a hazard: FOUND (before rectification starts, by its finder or "
        "unit), RECTIFIED (while rectifying or awaiting verification, by the rectifying side), VERIFIED "
        "(at or after verification, by the verifying side); none for other subjects",
    )


@strawberry.type(description="附加证据结果 — Result of attaching evidence files")
class AttachEvidenceFilesPayload:
    attachments: list[AttachedEvidence] | None = strawberry.field(
        description="新附加的证据 — The attachments made, in the order given; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, pairs: list[Attached] | None, errors: list[UserError]) -> AttachEvidenceFilesPayload:
        made = [AttachedEvidence.of(p) for p in pairs] if pairs is not None else None
        return cls(attachments=made, user_errors=errors)


@strawberry.type
class AttachEvidenceMutation:
    @strawberry.mutation(
        description="附加证据 — Attach files you may read to a subject you may add evidence to; a file "
        "already attached there, one you may not read, or too many files: nothing is attached"
    )
    async def attach_evidence_files(
        self, info: Info, input: AttachEvidenceFilesInput
    ) -> AttachEvidenceFilesPayload:
        async def work(session: AsyncSession) -> list[Attached]:
            ctx = info.context
            actor = await recorder(ctx, session, [])
            target, domain = await target_of(ctx, session, input.subject, input.stage, actor)
            made = await attachments.attach_files(
                session,
                target=target,
                file_ids=decode_files(input.files),
                readable=readable_files(ctx.reach),
                actor=actor,
                domain=domain,
            )
            ids = [a.file_id for a in made]
            files = {
                f.id: f for f in (await session.scalars(select(EvidenceFile).where(EvidenceFile.id.in_(ids))))
            }
            return [(a, files[a.file_id]) for a in made]

        return await mutate(info, work, AttachEvidenceFilesPayload.of)
