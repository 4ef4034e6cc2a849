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

Each file passes the checks an upload does and is stored and recorded by the uploads' own
code (`domain.files.checking.check`, `domain.files.uploading.record`: sniffed, thumbnailed,
content stored and read back before the row, audited) and attached by the attachments' own
(`domain.files.attachments.attach_files`, the tip-off's by `domain.files.tip_offs`, audited in
the subject's unit). The stage rules of attaching are not asked: the demo attaches, after the
fact, what would have been attached at each step of its history. Rows are only ever inserted
(the tables are append-only); the demo loads into an empty database, so nothing is there to
collide with. The bytes are the same on every run (fixed seeds, no dates), so loading the
demo again over the same store writes no new content."""

from __future__ import annotations

import zlib

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties.models import DutyRecord, DutyRecordUnit
from domain.files import uploading
from domain.files.attachments import Target, attach_files
from domain.files.checking import TIP_OFF_TYPES, UploadLimits, check
from domain.files.models import PUBLIC_UPLOADER, AttachmentSubject, EvidenceFile, EvidenceStage
from domain.files.stores import BlobStore
from domain.files.tip_offs import attach_to_tip_off
from domain.hazards.models import Hazard, HazardEvent, HazardPlan, TipOff
from domain.hazards.states import EventKind, HazardState
from domain.tree.models import OrgUnit
from seeds.demo_images import pdf, photo

HAZARDS_WITH_PHOTOS = 8
INSPECTIONS_WITH_PHOTOS = 3
RECORDS_WITH_MINUTES = 2
PLANS_WITH_DOCUMENTS = 2


# What the demo's files are judged by: small images and PDFs, whatever the settings allow.
LIMITS = UploadLimits(max_bytes=1024 * 1024, allowed_types=TIP_OFF_TYPES)


def _by(subject: str, person_id: int | None, agency_id: int | None = None) -> Actor:
    return Actor(subject=subject, person_id=person_id, agency_id=agency_id)


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
        self.paths: dict[int, str] = {}

    async def path(self, unit_id: int) -> str:
        if unit_id not in self.paths:
            unit = await self.session.get(OrgUnit, unit_id)
            assert unit is not None
            self.paths[unit_id] = unit.path
        return self.paths[unit_id]

    async def add(
        self,
        by: Actor,
        name: str,
        data: bytes,
        target: Target,
        unit_id: int,
    ) -> None:
        """Upload `data` as `by` and attach it to `target` (of unit `unit_id`, the audit's)."""
        domain = await self.path(unit_id)
        prepared = check(name, data, LIMITS)
        if target.subject == AttachmentSubject.TIP_OFF:
            await attach_to_tip_off(
                self.session, self.store, [prepared], tip_off_id=target.subject_id, domain=domain
            )
        else:
            file = await uploading.record(self.session, self.store, prepared, actor=by, domain=domain)
            await attach_files(
                self.session,
                target=target,
                file_ids=[file.id],
                readable=EvidenceFile.uploaded_by == by.subject,
                actor=by,
                domain=domain,
            )
        self.files += 1
        self.attachments += 1

    async def photo(self, by: Actor, label: str, name: str, target: Target, unit_id: int) -> None:
        data = photo(label, seed=_seed(label), png=name.endswith(".png"))
        await self.add(by, name, data, target, unit_id)

    async def document(
        self, by: Actor, title: str, lines: list[str], name: str, target: Target, unit_id: int
    ) -> None:
        await self.add(by, name, pdf(title, lines), target, unit_id)


def _in_force() -> ColumnElement[bool]:
    """Records neither withdrawn nor corrected by a later one."""
    corrected = select(DutyRecord.corrects_id).where(DutyRecord.corrects_id.is_not(None))
    return DutyRecord.withdrawn.is_(False) & DutyRecord.id.not_in(corrected)


async def _record_unit(session: AsyncSession, record_id: int) -> int:
    unit_id = await session.scalar(
        select(DutyRecordUnit.unit_id)
        .where(DutyRecordUnit.record_id == record_id)
        .order_by(DutyRecordUnit.unit_id)
        .limit(1)
    )
    assert unit_id is not None
    return unit_id


async def _records(files: _Files) -> None:
    session = files.session
    base = (
        select(DutyRecord)
        .where(_in_force(), DutyRecord.recorder_person_id.is_not(None))
        .order_by(DutyRecord.id)
    )
    inspections = await session.scalars(
        base.where(DutyRecord.kind == "INSPECTION").limit(INSPECTIONS_WITH_PHOTOS)
    )
    for n, record in enumerate(inspections.all(), start=1):
        by = _by(record.recorder, record.recorder_person_id, record.agency_id)
        target = Target(AttachmentSubject.RECORD, record.id)
        unit_id = await _record_unit(session, record.id)
        await files.photo(by, f"INSPECTION RECORD {n}", f"示例照片-检查记录{n}.jpg", target, unit_id)
    others = await session.scalars(
        base.where(DutyRecord.kind.in_(("MEETING", "TRAINING", "STUDY"))).limit(RECORDS_WITH_MINUTES)
    )
    for n, record in enumerate(others.all(), start=1):
        by = _by(record.recorder, record.recorder_person_id, record.agency_id)
        lines = [f"Minutes {n} of a demo safety {record.kind.lower()}", "Attendees: demo staff only"]
        target = Target(AttachmentSubject.RECORD, record.id)
        unit_id = await _record_unit(session, record.id)
        await files.document(by, "Safety meeting minutes", lines, f"示例纪要-{n}.pdf", target, unit_id)
    exemption = await session.scalar(
        select(DutyRecord).where(DutyRecord.kind == "EXEMPTION").order_by(DutyRecord.id).limit(1)
    )
    if exemption is not None:
        by = _by(exemption.recorder, exemption.recorder_person_id, exemption.agency_id)
        lines = ["Notice of a month's stop for maintenance", "Issued by a fictional enterprise"]
        target = Target(AttachmentSubject.EXEMPTION, exemption.id)
        unit_id = await _record_unit(session, exemption.id)
        await files.document(by, "Exemption support", lines, "示例停产检修说明.pdf", target, unit_id)


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
        finder = _by(hazard.found_by, hazard.found_by_person_id, hazard.agency_id)
        found = Target(AttachmentSubject.HAZARD, hazard.id, EvidenceStage.FOUND)
        await files.photo(
            finder, f"HAZARD {n} - AS FOUND", f"示例照片-隐患{n}-发现.jpg", found, hazard.unit_id
        )
        for kind, stage, word, label in (
            (EventKind.RECTIFICATION_SUBMITTED, EvidenceStage.RECTIFIED, "整改", "AS RECTIFIED"),
            (EventKind.CLOSED, EvidenceStage.VERIFIED, "验收", "AT VERIFICATION"),
        ):
            event = await _last_event(session, hazard.id, kind)
            if event is None:
                break
            by = _by(event.actor, event.actor_person_id)
            target = Target(AttachmentSubject.HAZARD, hazard.id, stage)
            name = f"示例照片-隐患{n}-{word}.jpg"
            await files.photo(by, f"HAZARD {n} - {label}", name, target, hazard.unit_id)
    plans = await session.execute(
        select(HazardPlan, Hazard.unit_id)
        .join(Hazard, Hazard.id == HazardPlan.hazard_id)
        .order_by(HazardPlan.id)
        .limit(PLANS_WITH_DOCUMENTS)
    )
    for n, (plan, unit_id) in enumerate(plans.all(), start=1):
        by = _by(plan.created_by, _person(plan.created_by))
        lines = [f"Plan {n}: measures, responsible person, funds, deadline, contingency"]
        target = Target(AttachmentSubject.HAZARD_PLAN, plan.id)
        await files.document(by, "Rectification plan", lines, f"示例五落实方案-{n}.pdf", target, unit_id)
    tip = await session.scalar(select(TipOff).order_by(TipOff.id).limit(1))
    if tip is not None:
        # Anonymous: the tip-off's own path (uploader "public"), as the public endpoint does.
        target = Target(AttachmentSubject.TIP_OFF, tip.id)
        await files.photo(_by(PUBLIC_UPLOADER, None), "TIP-OFF PHOTO", "举报照片.png", target, tip.park_id)


async def load_demo_files(session: AsyncSession, store: BlobStore) -> dict[str, int]:
    files = _Files(session, store)
    await _records(files)
    await _hazards(files)
    await session.flush()
    return {"evidence_files": files.files, "evidence_attachments": files.attachments}
