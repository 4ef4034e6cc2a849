"""The dossier tests' world: the report tests' park (two enterprises owing a monthly
inspection and a weekly report, records, hazards) with evidence files attached to a record,
a hazard (as found and as rectified), a plan and an exemption request; one hazard photo
whose content never reached the store."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties import exemptions
from domain.duties.models import DutyItem, DutyRecord
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore
from domain.hazards.models import Hazard, HazardPlan
from domain.posts.models import Assignment
from domain.scoring.maintain import rebuild
from tests.api.report_helpers import TODAY, report_world


def _as(person_id: int) -> Actor:
    return Actor(f"person:{person_id}", person_id=person_id)


# Plainly fictional contents: the dossier copies bytes, it does not decode them.
PHOTO = b"\xff\xd8\xff\xe0 fictional inspection photo (demo) \xff\xd9"
AFTER = b"\xff\xd8\xff\xe0 fictional photo after rectification (demo) \xff\xd9"
PLAN_PDF = b"%PDF-1.4 fictional rectification plan (demo) %%EOF"
NOTE_PDF = b"%PDF-1.4 fictional shutdown notice (demo) %%EOF"
LOST = b"\xff\xd8\xff\xe0 a photo whose blob is missing (demo) \xff\xd9"


async def attach(
    session: AsyncSession,
    store: BlobStore,
    subject: AttachmentSubject,
    subject_id: int,
    data: bytes,
    media_type: str,
    name: str,
    *,
    stage: str | None = None,
    stored: bool = True,
) -> EvidenceFile:
    sha = hashlib.sha256(data).hexdigest()
    if stored:
        await store.put(sha, data, media_type)
    file = EvidenceFile(
        sha256=sha, size=len(data), media_type=media_type, name=name, uploaded_by="system", anonymous=False
    )
    session.add(file)
    await session.flush()
    await link(session, file, subject, subject_id, stage=stage)
    return file


async def link(
    session: AsyncSession,
    file: EvidenceFile,
    subject: AttachmentSubject,
    subject_id: int,
    *,
    stage: str | None = None,
) -> None:
    session.add(
        EvidenceAttachment(
            file_id=file.id, subject=subject.value, subject_id=subject_id, stage=stage, attached_by="system"
        )
    )
    await session.flush()


async def dossier_world(session: AsyncSession, store: BlobStore) -> dict[str, Any]:
    w = await report_world(session)
    inspection = (
        await session.scalars(
            select(DutyRecord).where(
                DutyRecord.kind == "INSPECTION", DutyRecord.performed_on == date(2026, 10, 5)
            )
        )
    ).one()
    hazard = w["hazard"]
    plan = HazardPlan(
        hazard_id=hazard.id, measures="清理通道（演示）", responsible_person_id=w["food_boss"].id,
        funds=Decimal("1200.00"), deadline=date(2026, 10, 20), contingency_plan="设专人值守（演示）",
        created_by="system",
    )  # fmt: skip
    session.add(plan)
    await session.flush()
    photo = await attach(
        session, store, AttachmentSubject.RECORD, inspection.id, PHOTO, "image/jpeg", "现场.jpg"
    )
    # The inspection's photo shows the hazard as found: one upload, two attachments.
    await link(session, photo, AttachmentSubject.HAZARD, hazard.id, stage="FOUND")
    after = await attach(
        session,
        store,
        AttachmentSubject.HAZARD,
        hazard.id,
        AFTER,
        "image/jpeg",
        "整改后.jpg",
        stage="RECTIFIED",
    )
    pdf = await attach(
        session, store, AttachmentSubject.HAZARD_PLAN, plan.id, PLAN_PDF, "application/pdf", "方案.pdf"
    )
    lost = await attach(
        session,
        store,
        AttachmentSubject.HAZARD,
        hazard.id,
        LOST,
        "image/jpeg",
        "丢失.jpg",
        stage="FOUND",
        stored=False,
    )
    # The food factory's principal asks that October's inspection not apply (an approved exemption).
    item_id = (await session.scalars(select(DutyItem.id).where(DutyItem.key == "check"))).one()
    post_id = (
        await session.scalars(select(Assignment.post_id).where(Assignment.person_id == w["food_boss"].id))
    ).one()
    request = await exemptions.request_exemption(
        session, item_id=item_id, post_id=post_id, person_id=None, start=date(2026, 10, 1),
        end=date(2026, 10, 31), reason="停产检修（演示）", recorder=_as(w["food_boss"].id),
        domain=w["food"].path, today=TODAY,
    )  # fmt: skip
    await exemptions.decide_exemption(
        session, record=request, approved=True, note="同意（演示）", decider=_as(w["admin"].id),
        domain=w["food"].path, today=TODAY,
    )  # fmt: skip
    note = await attach(
        session, store, AttachmentSubject.EXEMPTION, request.id, NOTE_PDF, "application/pdf", "停产通知.pdf"
    )
    await session.flush()
    await rebuild(session, TODAY)
    hazards = list((await session.scalars(select(Hazard).order_by(Hazard.id))).all())
    return {
        **w,
        "inspection": inspection,
        "plan": plan,
        "files": {"photo": photo, "after": after, "pdf": pdf, "lost": lost, "note": note},
        "exemption": request,
        "hazards": hazards,
    }
