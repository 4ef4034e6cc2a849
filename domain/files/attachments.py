"""Attaching evidence files to what they prove: records, exemption requests, hazards (at a
stage of their life), 五落实 plans and tip-offs.

The rules, checked before anything is written (a refused request attaches nothing):

- At most `MAX_FILES` files per request (TOO_MANY_FILES), at least one (REQUIRED), each
  named once (INVALID_VALUE at the repeated position).
- Every file must be readable by the caller (the API passes `authz.visibility.files.
  readable_files` as `readable`: they uploaded it, or it is attached to something they may
  read); any other ID is FILE_NOT_FOUND, worded as for a file that does not exist.
- A file already attached to the subject (at that stage) is ALREADY_ATTACHED.
- The subject must be one the caller may change (the API's door: not readable → NOT_FOUND,
  readable but not theirs to change → FORBIDDEN, as the subject's own mutations answer),
  and it must be at a point of its life that takes evidence (`check_*` below):

  RECORD / EXEMPTION (a duty_record; EXEMPTION when its kind is EXEMPTION): only its
      recorder (谁检查、谁签字、谁负责: the same person who alone may correct or withdraw
      it), and only while it is in force: a withdrawn row or one corrected since takes no
      evidence (ALREADY_ENDED / ALREADY_CORRECTED), the new row does.
  HAZARD, stage FOUND (排查发现): its finder, or whoever may change the hazard at its unit
      (hazard-write on the unit), while the finding is still being judged: REPORTED or
      CONFIRMED. Once rectification starts, the "before" is fixed.
  HAZARD, stage RECTIFIED (整改完成): whoever may submit the rectification (hazard-write on
      the unit: SUBMIT_RECTIFICATION is the rectifying side's), while the hazard is being or
      has been rectified and is not yet settled: RECTIFYING or RECTIFIED.
  HAZARD, stage VERIFIED (验收): the supervising side (hazard-write above the unit, who
      passes or fails verifications), but not the one who rectified (they may not verify
      their own work), at or after verification: RECTIFIED or CLOSED.
  Any other state is WRONG_STAGE; a hazard without a stage is REQUIRED at `stage`, any
  other subject with one INVALID_VALUE.
  HAZARD_PLAN: whoever may set the hazard's plan (hazard-write on its unit), on the plan in
      force (the hazard's latest; a replaced plan is WRONG_STAGE) of an open hazard.
  TIP_OFF: a tip-off's files come only with it, from its anonymous reporter, through the
      public endpoint (`domain.files.tip_offs`); through the API nobody adds to what a member
      of the public said (FORBIDDEN for those who may read it).

Files given when a subject is created (a record, a hazard's report, a rectification's
submission, a verification, a plan, an exemption request) are attached by the same rules
in the creating transaction, except the stage's: the step itself is the stage.

Every attachment writes its audit entry (`evidence.attach`) with the subject's domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import record_row
from domain.corrections import is_corrected
from domain.duties.models import DutyRecord
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.files.models import (
    AttachmentSubject,
    EvidenceAttachment,
    EvidenceFile,
    EvidenceStage,
)
from domain.hazards.models import Hazard, HazardPlan
from domain.hazards.states import OPEN_STATES, HazardState

# Files attached by one request.
MAX_FILES = 10
# The audit action of every attachment (the public tip-off's files' too: domain.files.tip_offs).
ATTACH_ACTION = "evidence.attach"

Field = tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """Where files go: a subject, its row id, and for hazards the stage."""

    subject: AttachmentSubject
    subject_id: int
    stage: EvidenceStage | None = None


def check_count(file_ids: Sequence[object], field: Field) -> None:
    """Not empty, not too long: refused at once (nothing else about the files is asked)."""
    if not file_ids:
        raise DomainError.one(ErrorCode.REQUIRED, field, "请选择要附加的文件", "Name at least one file")
    if len(file_ids) > MAX_FILES:
        raise DomainError.one(
            ErrorCode.TOO_MANY_FILES,
            field,
            f"一次最多附加{MAX_FILES}个文件",
            f"At most {MAX_FILES} files per request",
        )


def check_files_field(errors: ErrorCollector, file_ids: Sequence[int], field: Field) -> None:
    """The list itself: not empty, not too long, each file once."""
    check_count(file_ids, field)
    seen: set[int] = set()
    for n, file_id in enumerate(file_ids):
        if file_id in seen:
            errors.add(ErrorCode.INVALID_VALUE, (*field, str(n)), "文件重复", "The file is named twice")
        seen.add(file_id)


async def attach_files(
    session: AsyncSession,
    *,
    target: Target,
    file_ids: Sequence[int],
    readable: ColumnElement[bool],
    actor: Actor,
    domain: str,
    field: Field = ("files",),
) -> list[EvidenceAttachment]:
    """Attach the files to the target, all or none. `readable` is the caller's filter on
    EvidenceFile; `domain` the subject's, for the audit entries."""
    errors = ErrorCollector()
    check_files_field(errors, file_ids, field)
    wanted = list(dict.fromkeys(file_ids))
    found = set(
        (await session.scalars(select(EvidenceFile.id).where(EvidenceFile.id.in_(wanted), readable))).all()
    )
    present = set(
        (
            await session.scalars(
                select(EvidenceAttachment.file_id).where(
                    EvidenceAttachment.subject == target.subject.value,
                    EvidenceAttachment.subject_id == target.subject_id,
                    func.coalesce(EvidenceAttachment.stage, "")
                    == (target.stage.value if target.stage else ""),
                    EvidenceAttachment.file_id.in_(wanted),
                )
            )
        ).all()
    )
    reported: set[int] = set()
    for n, file_id in enumerate(file_ids):
        if file_id in reported:
            continue
        reported.add(file_id)
        if file_id not in found:
            errors.add(ErrorCode.FILE_NOT_FOUND, (*field, str(n)), "文件不存在", "File does not exist")
        elif file_id in present:
            errors.add(
                ErrorCode.ALREADY_ATTACHED,
                (*field, str(n)),
                "该文件已附加在此处",
                "The file is already attached here",
            )
    errors.raise_if_any()
    rows = []
    for file_id in dict.fromkeys(file_ids):
        row = EvidenceAttachment(
            file_id=file_id,
            subject=target.subject.value,
            subject_id=target.subject_id,
            stage=target.stage.value if target.stage else None,
            attached_by=actor.subject,
            attached_by_person_id=actor.person_id,
        )
        session.add(row)
        rows.append(row)
    await session.flush()
    for row in rows:
        await record_row(session, ATTACH_ACTION, row, domain, flush=False, actor=actor)
    await session.flush()
    return rows


# --- the subjects' points of life that take evidence --------------------------------------


def _stage_error(field: Field, zh: str, en: str) -> DomainError:
    return DomainError.one(ErrorCode.WRONG_STAGE, field, zh, en)


async def check_record(session: AsyncSession, record: DutyRecord, actor: Actor, field: Field) -> Target:
    """A record or an exemption request in force, by its recorder."""
    kind = AttachmentSubject.EXEMPTION if record.kind == "EXEMPTION" else AttachmentSubject.RECORD
    if record.recorder != actor.subject:
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            field,
            "只有记录人本人可以为记录附加证据（谁检查、谁签字、谁负责）",
            "Only the recorder may add evidence to a record",
        )
    if record.withdrawn:
        raise DomainError.one(ErrorCode.ALREADY_ENDED, field, "该记录已撤回", "The record was withdrawn")
    if await is_corrected(session, DutyRecord, record.id):
        raise DomainError.one(
            ErrorCode.ALREADY_CORRECTED,
            field,
            "该记录已被更正，请附加到最新的记录",
            "The record was corrected; attach to the latest version",
        )
    return Target(kind, record.id)


FOUND_STATES = frozenset({HazardState.REPORTED, HazardState.CONFIRMED})
RECTIFIED_STATES = frozenset({HazardState.RECTIFYING, HazardState.RECTIFIED})
VERIFIED_STATES = frozenset({HazardState.RECTIFIED, HazardState.CLOSED})


def check_hazard(
    hazard: Hazard,
    stage: EvidenceStage,
    actor: Actor,
    *,
    at_unit: bool,
    above_unit: bool,
    field: Field,
    stage_field: Field,
) -> Target:
    """Evidence of a hazard at a stage: who may add it, and when (see the module's rules).
    `at_unit` / `above_unit`: the caller's hazard-write on the hazard's unit / above it."""
    state = HazardState(hazard.state)
    if stage is EvidenceStage.FOUND:
        allowed, states = at_unit or hazard.found_by == actor.subject, FOUND_STATES
        who_zh, who_en = "发现人或隐患单位", "the finder or the hazard's unit"
        when_zh, when_en = "整改开始之前", "before rectification starts"
    elif stage is EvidenceStage.RECTIFIED:
        allowed, states = at_unit, RECTIFIED_STATES
        who_zh, who_en = "整改方", "the rectifying side"
        when_zh, when_en = "整改中或待验收时", "while it is being rectified or awaits verification"
    else:
        allowed = above_unit and hazard.rectified_by != actor.subject
        states = VERIFIED_STATES
        who_zh, who_en = "验收方（整改人除外）", "the verifying side (not the rectifier)"
        when_zh, when_en = "验收时或销号后", "at or after verification"
    if not allowed:
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            field,
            f"该阶段的证据只能由{who_zh}附加",
            f"Evidence of this stage is added by {who_en}",
        )
    if state not in states:
        raise _stage_error(
            stage_field,
            f"该阶段的证据只能在{when_zh}附加",
            f"Evidence of this stage is added {when_en} (the hazard is {state.value})",
        )
    return Target(AttachmentSubject.HAZARD, hazard.id, stage)


async def check_plan(session: AsyncSession, plan: HazardPlan, hazard: Hazard, field: Field) -> Target:
    """The plan in force of an open hazard (the right to set plans is the API's check)."""
    latest = await session.scalar(
        select(HazardPlan.id).where(HazardPlan.hazard_id == hazard.id).order_by(HazardPlan.id.desc()).limit(1)
    )
    if latest != plan.id:
        raise _stage_error(field, "该整改方案已被新方案取代", "The plan was replaced by a later one")
    if HazardState(hazard.state) not in OPEN_STATES:
        raise _stage_error(field, "隐患已办结，不能再附加证据", "The hazard is settled; it takes no evidence")
    return Target(AttachmentSubject.HAZARD_PLAN, plan.id)
