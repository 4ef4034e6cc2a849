"""The rules of attaching evidence (domain.files.attachments): which side adds a hazard's
evidence at which stage and in which states, a record's by its recorder while it is in
force, a plan's while it is the one in force, and nothing attached when any file fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.models import AuditEvent
from domain.duties.models import DutyRecord
from domain.errors import DomainError, ErrorCode
from domain.files import attachments as at
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile, EvidenceStage
from domain.files.stores import BlobStore
from domain.hazards.models import Hazard, HazardCategory, HazardPlan
from domain.hazards.states import HazardState
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f
from tests.evidence_factories import evidence_file

FINDER = Actor("person:1")
RECTIFIER = Actor("person:2")
VERIFIER = Actor("person:3")
OTHER = Actor("person:4")


def _hazard(state: HazardState, rectified_by: str | None = None) -> Hazard:
    return Hazard(id=7, state=state.value, found_by=FINDER.subject, rectified_by=rectified_by)


def _code(exc: pytest.ExceptionInfo[DomainError]) -> tuple[ErrorCode, tuple[str, ...]]:
    (error,) = exc.value.errors
    return error.code, error.field


# (stage, who, at_unit, above_unit) → the states that take it; outside them WRONG_STAGE.
ALLOWED: list[tuple[EvidenceStage, Actor, bool, bool, set[HazardState]]] = [
    (EvidenceStage.FOUND, FINDER, False, False, {HazardState.REPORTED, HazardState.CONFIRMED}),
    (EvidenceStage.FOUND, OTHER, True, False, {HazardState.REPORTED, HazardState.CONFIRMED}),
    (EvidenceStage.RECTIFIED, RECTIFIER, True, False, {HazardState.RECTIFYING, HazardState.RECTIFIED}),
    (EvidenceStage.VERIFIED, VERIFIER, False, True, {HazardState.RECTIFIED, HazardState.CLOSED}),
]


@pytest.mark.parametrize(("stage", "who", "at_unit", "above", "states"), ALLOWED)
def test_each_stage_in_its_states_only(
    stage: EvidenceStage, who: Actor, at_unit: bool, above: bool, states: set[HazardState]
) -> None:
    for state in HazardState:
        hazard = _hazard(state, rectified_by=RECTIFIER.subject)

        def check(hazard: Hazard = hazard) -> at.Target:
            return at.check_hazard(
                hazard,
                stage,
                who,
                at_unit=at_unit,
                above_unit=above,
                field=("subject",),
                stage_field=("stage",),
            )

        if state in states:
            assert check() == at.Target(AttachmentSubject.HAZARD, 7, stage)
        else:
            with pytest.raises(DomainError) as exc:
                check()
            assert _code(exc) == (ErrorCode.WRONG_STAGE, ("stage",))


@pytest.mark.parametrize(
    ("stage", "who", "at_unit", "above"),
    [
        (EvidenceStage.FOUND, OTHER, False, True),  # the supervising side did not find it
        (EvidenceStage.RECTIFIED, FINDER, False, True),  # nor rectifies it
        (EvidenceStage.VERIFIED, OTHER, True, False),  # the enterprise does not verify
        (EvidenceStage.VERIFIED, RECTIFIER, True, True),  # nor does the rectifier, even from above
    ],
)
def test_each_stage_from_its_side_only(stage: EvidenceStage, who: Actor, at_unit: bool, above: bool) -> None:
    with pytest.raises(DomainError) as exc:
        at.check_hazard(
            _hazard(HazardState.RECTIFIED, rectified_by=RECTIFIER.subject),
            stage,
            who,
            at_unit=at_unit,
            above_unit=above,
            field=("subject",),
            stage_field=("stage",),
        )
    assert _code(exc) == (ErrorCode.FORBIDDEN, ("subject",))


async def _record(session: AsyncSession, **kw: Any) -> DutyRecord:
    row = DutyRecord(
        kind="INSPECTION", performed_on=date(2026, 5, 1), title="检查（演示）", recorder=FINDER.subject, **kw
    )
    session.add(row)
    await session.flush()
    return row


async def test_a_record_takes_evidence_from_its_recorder_while_in_force(session: AsyncSession) -> None:
    record = await _record(session)
    assert await at.check_record(session, record, FINDER, ("subject",)) == at.Target(
        AttachmentSubject.RECORD, record.id
    )
    with pytest.raises(DomainError) as exc:
        await at.check_record(session, record, OTHER, ("subject",))
    assert _code(exc)[0] is ErrorCode.FORBIDDEN
    correction = await _record(session, corrects_id=record.id)
    with pytest.raises(DomainError) as exc:
        await at.check_record(session, record, FINDER, ("subject",))
    assert _code(exc)[0] is ErrorCode.ALREADY_CORRECTED
    withdrawal = await _record(session, corrects_id=correction.id, withdrawn=True)
    with pytest.raises(DomainError) as exc:
        await at.check_record(session, withdrawal, FINDER, ("subject",))
    assert _code(exc)[0] is ErrorCode.ALREADY_ENDED


async def test_nothing_is_attached_when_one_file_fails(session: AsyncSession, file_store: BlobStore) -> None:
    record = await _record(session)
    good = await evidence_file(session, file_store, FINDER.subject)
    other = await evidence_file(session, file_store, OTHER.subject)
    target = at.Target(AttachmentSubject.RECORD, record.id)
    mine = EvidenceFile.uploaded_by == FINDER.subject

    async def attach(ids: list[int]) -> list[EvidenceAttachment]:
        return await at.attach_files(
            session, target=target, file_ids=ids, readable=mine, actor=FINDER, domain="/d/"
        )

    for ids, code, field in (
        ([good.id, other.id], ErrorCode.FILE_NOT_FOUND, ("files", "1")),
        ([good.id, 999_999], ErrorCode.FILE_NOT_FOUND, ("files", "1")),
        ([good.id, good.id], ErrorCode.INVALID_VALUE, ("files", "1")),
        ([], ErrorCode.REQUIRED, ("files",)),
        ([good.id] * (at.MAX_FILES + 1), ErrorCode.TOO_MANY_FILES, ("files",)),
    ):
        with pytest.raises(DomainError) as exc:
            await attach(ids)
        assert _code(exc) == (code, field)
    assert await session.scalar(select(func.count()).select_from(EvidenceAttachment)) == 0

    made = await attach([good.id])
    assert [(a.file_id, a.subject, a.stage, a.attached_by) for a in made] == [
        (good.id, "RECORD", None, FINDER.subject)
    ]
    with pytest.raises(DomainError) as exc:
        await attach([good.id])
    assert _code(exc) == (ErrorCode.ALREADY_ATTACHED, ("files", "0"))
    # The same file on another subject (or the hazard at another stage) is another attachment.
    other_record = await _record(session)
    await at.attach_files(
        session,
        target=at.Target(AttachmentSubject.RECORD, other_record.id),
        file_ids=[good.id],
        readable=true(),
        actor=FINDER,
        domain="/d/",
    )
    audited = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evidence.attach")
    )
    assert audited == 2


async def test_a_replaced_plan_or_a_settled_hazard_takes_no_plan_evidence(session: AsyncSession) -> None:

    t = await f.small_tree(session)
    await load_hazard_categories(session)
    category = await session.scalar(select(HazardCategory.id).limit(1))
    boss = await f.person(session)
    hazard = Hazard(
        unit_id=t["chem"].id, category_id=category, grade="GENERAL", title="隐患（演示）", description="演示",
        evidence=[], source="SELF_CHECK", found_on=date(2026, 5, 1), found_by=FINDER.subject, state="CONFIRMED",
    )  # fmt: skip
    session.add(hazard)
    await session.flush()
    plans = []
    for _ in range(2):
        plan = HazardPlan(
            hazard_id=hazard.id, measures="措施", responsible_person_id=boss.id, funds=Decimal("1.00"),
            deadline=date(2026, 6, 1), contingency_plan="预案", created_by=RECTIFIER.subject,
        )  # fmt: skip
        session.add(plan)
        await session.flush()
        plans.append(plan)
    with pytest.raises(DomainError) as exc:
        await at.check_plan(session, plans[0], hazard, ("subject",))
    assert _code(exc)[0] is ErrorCode.WRONG_STAGE
    assert (await at.check_plan(session, plans[1], hazard, ("subject",))).subject_id == plans[1].id
    hazard.state = HazardState.CLOSED.value
    with pytest.raises(DomainError) as exc:
        await at.check_plan(session, plans[1], hazard, ("subject",))
    assert _code(exc)[0] is ErrorCode.WRONG_STAGE
