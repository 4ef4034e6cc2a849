"""The one loader of attached evidence: every attachment (with its file) of many subjects of
any kind, in one query per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select

from api.dataloader import DataLoader
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile

if TYPE_CHECKING:
    from api.context import Context

SubjectKey = tuple[AttachmentSubject, int]
Attached = tuple[EvidenceAttachment, EvidenceFile]


class AttachmentsBySubjectLoader(DataLoader[SubjectKey, list[Attached]]):
    """A subject's attachments in the order they were made, each with its file. The subject
    is one the caller reached through its own loader (so may read): its files are readable
    by that alone (`authz.visibility.files`), no filter of their own is needed."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, keys: Sequence[SubjectKey]) -> list[list[Attached]]:
        by_subject: dict[AttachmentSubject, set[int]] = defaultdict(set)
        for subject, subject_id in keys:
            by_subject[subject].add(subject_id)
        stmt = (
            select(EvidenceAttachment, EvidenceFile)
            .join(EvidenceFile, EvidenceFile.id == EvidenceAttachment.file_id)
            .where(
                or_(
                    *(
                        and_(
                            EvidenceAttachment.subject == subject.value,
                            EvidenceAttachment.subject_id.in_(sorted(ids)),
                        )
                        for subject, ids in by_subject.items()
                    )
                )
            )
            .order_by(EvidenceAttachment.id)
        )
        found: dict[SubjectKey, list[Attached]] = defaultdict(list)
        async with self.ctx.db() as session:
            for attachment, file in (await session.execute(stmt)).all():
                found[(AttachmentSubject(attachment.subject), attachment.subject_id)].append(
                    (attachment, file)
                )
        return [found.get(k, []) for k in keys]


class EvidenceLoaders:
    def __init__(self, ctx: Context) -> None:
        self.attachments_by_subject = AttachmentsBySubjectLoader(ctx)
