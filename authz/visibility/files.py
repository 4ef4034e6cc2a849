"""Who may read an evidence file (its metadata, its download and thumbnail links).

The contract: a file is readable by the caller who uploaded it, and by whoever may read a
subject it is attached to (a record, a hazard, a plan, an exemption, a tip-off), judged by
that subject's own visibility rules (`authz.visibility.duties.records_visible`,
`authz.visibility.hazards`: a plan as its hazard). Everyone else is told it is not found.
Download links are signed only for readable files, at the time of signing (`api.files`).

All of it is one SQL predicate on EvidenceFile (subqueries, no per-row lookups), so lists
of files filter in the database.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select

from authz.reach import Reach
from authz.visibility.duties import records_visible
from authz.visibility.hazards import hazards_visible, tip_offs_visible
from domain.duties.models import DutyRecord
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.hazards.models import Hazard, HazardPlan, TipOff


def readable_attachments(reach: Reach) -> ColumnElement[bool]:
    """Attachments to subjects the caller may read, as a filter on EvidenceAttachment."""
    subject = EvidenceAttachment.subject
    subject_id = EvidenceAttachment.subject_id
    records = select(DutyRecord.id).where(records_visible(reach))
    hazards = select(Hazard.id).where(hazards_visible(reach))
    plans = (
        select(HazardPlan.id).join(Hazard, Hazard.id == HazardPlan.hazard_id).where(hazards_visible(reach))
    )
    tip_offs = select(TipOff.id).where(tip_offs_visible(reach))
    return or_(
        and_(
            subject.in_([AttachmentSubject.RECORD.value, AttachmentSubject.EXEMPTION.value]),
            subject_id.in_(records),
        ),
        and_(subject == AttachmentSubject.HAZARD.value, subject_id.in_(hazards)),
        and_(subject == AttachmentSubject.HAZARD_PLAN.value, subject_id.in_(plans)),
        and_(subject == AttachmentSubject.TIP_OFF.value, subject_id.in_(tip_offs)),
    )


def readable_files(reach: Reach) -> ColumnElement[bool]:
    """Files the caller may read, as a filter on EvidenceFile."""
    conds: list[ColumnElement[bool]] = []
    if reach.subject is not None:
        # Anonymous uploads (tip-offs) belong to no caller, whatever their subject is called.
        conds.append(and_(EvidenceFile.uploaded_by == reach.subject, EvidenceFile.anonymous.is_(False)))
    attached = select(EvidenceAttachment.file_id).where(readable_attachments(reach))
    conds.append(EvidenceFile.id.in_(attached))
    return or_(*conds)
