"""Demo evidence files: generated photos and PDFs (seeds/demo_images.py) in the configured
blob store, recorded as evidence files uploaded by the people who would have taken them and
attached where the demo's history says they belong:

- photos on a few inspection records and minutes (PDF) on a few other records, by their
  recorders;
- on the first hazards of the ledger: a photo as found (by the finder), as rectified (by
  whoever submitted the rectification) and at verification (by the verifier), as far as each
  hazard went;
- the 五落实 plan of the first major hazards (PDF, by whoever set it), the exemption request's
  supporting document (PDF, by the requester) and a photo sent with the first public tip-off
  (anonymous).

Content first, rows after: a blob is stored (and read back) before any row names it. Rows are
only ever inserted (the tables are append-only); the demo loads into an empty database, so
nothing is there to collide with. The bytes are the same on every run (fixed seeds, no dates),
so loading the demo again over the same store writes no new content."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import DutyRecord
from domain.files.models import (
    PUBLIC_UPLOADER,
    AttachmentSubject,
    EvidenceAttachment,
    EvidenceFile,
    EvidenceStage,
)
from domain.files.stores import BlobStore, sha256_hex
from domain.hazards.models import Hazard, HazardEvent, HazardPlan, TipOff
from domain.hazards.states import EventKind, HazardState
from seeds.demo_images import Picture, pdf, photo

HAZARDS_WITH_PHOTOS = 8
INSPECTIONS_WITH_PHOTOS = 3
RECORDS_WITH_MINUTES = 2
PLANS_WITH_DOCUMENTS = 2


@dataclass(frozen=True)
class _By:
    """Who uploads and attaches: a subject, its person, the agency they act for."""

    subject: str
    person_id: int | None
    agency_id: int | None = None


def _person(subject: str) -> int | None:
    kind, _, number = subject.partition(":")
    return int(number) if kind == "person" and number.isdigit() else None


def _seed(label: str) -> int:
    return zlib.crc32(label.encode())


class _Files:
    def __init__(self, session: AsyncSession, store: BlobStore) -> None:
        self.session = session
        self.store = store
        self.files = 0
        self.attachments = 0

    async def upload(
        self, by: _By, name: str, media_type: str, data: bytes, picture: Picture | None = None
    ) -> EvidenceFile:
        sha = sha256_hex(data)
        await self.store.put(sha, data, media_type)
        thumbnail_sha = None
        if picture is not None:
            thumbnail_sha = sha256_hex(picture.thumbnail)
            await self.store.put(thumbnail_sha, picture.thumbnail, "image/jpeg")
        row = EvidenceFile(
            sha256=sha,
            size=len(data),
            media_type=media_type,
            name=name,
            thumbnail_sha256=thumbnail_sha,
            thumbnail_size=len(picture.thumbnail) if picture else None,
            width=picture.width if picture else None,
            height=picture.height if picture else None,
            uploaded_by=by.subject,
            uploaded_by_person_id=by.person_id,
            agency_id=by.agency_id,
            anonymous=by.subject == PUBLIC_UPLOADER,
        )
        self.session.add(row)
        await self.session.flush()
        self.files += 1
        return row

    async def attach(
        self,
        file: EvidenceFile,
        subject: AttachmentSubject,
        subject_id: int,
        by: _By,
        stage: EvidenceStage | None = None,
    ) -> None:
        self.session.add(
            EvidenceAttachment(
                file_id=file.id,
                subject=subject.value,
                subject_id=subject_id,
                stage=stage.value if stage else None,
                attached_by=by.subject,
                attached_by_person_id=by.person_id,
            )
        )
        self.attachments += 1

    async def photo(
        self,
        by: _By,
        label: str,
        name: str,
        subject: AttachmentSubject,
        subject_id: int,
        stage: EvidenceStage | None = None,
        png: bool = False,
    ) -> None:
        picture = photo(label, seed=_seed(label), png=png)
        file = await self.upload(by, name, "image/png" if png else "image/jpeg", picture.data, picture)
        await self.attach(file, subject, subject_id, by, stage)

    async def document(
        self, by: _By, title: str, lines: list[str], name: str, subject: AttachmentSubject, subject_id: int
    ) -> None:
        file = await self.upload(by, name, "application/pdf", pdf(title, lines))
        await self.attach(file, subject, subject_id, by)


def _in_force() -> ColumnElement[bool]:
    """Records neither withdrawn nor corrected by a later one."""
    corrected = select(DutyRecord.corrects_id).where(DutyRecord.corrects_id.is_not(None))
    return DutyRecord.withdrawn.is_(False) & DutyRecord.id.not_in(corrected)


async def _records(files: _Files) -> None:
    base = (
        select(DutyRecord)
        .where(_in_force(), DutyRecord.recorder_person_id.is_not(None))
        .order_by(DutyRecord.id)
    )
    inspections = await files.session.scalars(
        base.where(DutyRecord.kind == "INSPECTION").limit(INSPECTIONS_WITH_PHOTOS)
    )
    for n, record in enumerate(inspections, start=1):
        by = _By(record.recorder, record.recorder_person_id, record.agency_id)
        await files.photo(
            by, f"INSPECTION RECORD {n}", f"示例照片-检查记录{n}.jpg", AttachmentSubject.RECORD, record.id
        )
    others = await files.session.scalars(
        base.where(DutyRecord.kind.in_(("MEETING", "TRAINING", "STUDY"))).limit(RECORDS_WITH_MINUTES)
    )
    for n, record in enumerate(others, start=1):
        by = _By(record.recorder, record.recorder_person_id, record.agency_id)
        lines = [f"Minutes {n} of a demo safety {record.kind.lower()}", "Attendees: demo staff only"]
        await files.document(
            by, "Safety meeting minutes", lines, f"示例纪要-{n}.pdf", AttachmentSubject.RECORD, record.id
        )
    exemption = await files.session.scalar(
        select(DutyRecord).where(DutyRecord.kind == "EXEMPTION").order_by(DutyRecord.id).limit(1)
    )
    if exemption is not None:
        by = _By(exemption.recorder, exemption.recorder_person_id, exemption.agency_id)
        lines = ["Notice of a month's stop for maintenance", "Issued by a fictional enterprise"]
        await files.document(
            by, "Exemption support", lines, "示例停产检修说明.pdf", AttachmentSubject.EXEMPTION, exemption.id
        )


async def _last_event(session: AsyncSession, hazard_id: int, kind: EventKind) -> HazardEvent | None:
    found: HazardEvent | None = await session.scalar(
        select(HazardEvent)
        .where(HazardEvent.hazard_id == hazard_id, HazardEvent.kind == kind.value)
        .order_by(HazardEvent.id.desc())
        .limit(1)
    )
    return found


async def _hazards(files: _Files) -> None:
    session = files.session
    hazards = await session.scalars(
        select(Hazard)
        .where(Hazard.state != HazardState.REJECTED.value)
        .order_by(Hazard.id)
        .limit(HAZARDS_WITH_PHOTOS)
    )
    for n, hazard in enumerate(hazards.all(), start=1):
        finder = _By(hazard.found_by, hazard.found_by_person_id, hazard.agency_id)
        await files.photo(
            finder,
            f"HAZARD {n} - AS FOUND",
            f"示例照片-隐患{n}-发现.jpg",
            AttachmentSubject.HAZARD,
            hazard.id,
            stage=EvidenceStage.FOUND,
        )
        for kind, stage, word, label in (
            (EventKind.RECTIFICATION_SUBMITTED, EvidenceStage.RECTIFIED, "整改", "AS RECTIFIED"),
            (EventKind.CLOSED, EvidenceStage.VERIFIED, "验收", "AT VERIFICATION"),
        ):
            event = await _last_event(session, hazard.id, kind)
            if event is None:
                break
            by = _By(event.actor, event.actor_person_id)
            name = f"示例照片-隐患{n}-{word}.jpg"
            await files.photo(
                by, f"HAZARD {n} - {label}", name, AttachmentSubject.HAZARD, hazard.id, stage=stage
            )
    plans = await session.scalars(select(HazardPlan).order_by(HazardPlan.id).limit(PLANS_WITH_DOCUMENTS))
    for n, plan in enumerate(plans.all(), start=1):
        by = _By(plan.created_by, _person(plan.created_by))
        lines = [f"Plan {n}: measures, responsible person, funds, deadline, contingency"]
        await files.document(
            by, "Rectification plan", lines, f"示例五落实方案-{n}.pdf", AttachmentSubject.HAZARD_PLAN, plan.id
        )
    tip = await session.scalar(select(TipOff).order_by(TipOff.id).limit(1))
    if tip is not None:
        public = _By(PUBLIC_UPLOADER, None)
        await files.photo(
            public, "TIP-OFF PHOTO", "举报照片.png", AttachmentSubject.TIP_OFF, tip.id, png=True
        )


async def load_demo_files(session: AsyncSession, store: BlobStore) -> dict[str, int]:
    files = _Files(session, store)
    await _records(files)
    await _hazards(files)
    await session.flush()
    return {"evidence_files": files.files, "evidence_attachments": files.attachments}
