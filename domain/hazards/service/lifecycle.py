"""Reporting hazards, their 五落实 plans and their way through the state machine.

Each change writes its history entry in the same transaction; a refused change writes
nothing. Who may act (report at a unit, confirm or verify from above it) is the API's
door; the rules of the ledger itself are here: legal transitions only, a major hazard is
rectified only under a 五落实 plan, and the rectifier does not verify their own work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import record_row
from domain.duties.models import DutyRecord
from domain.duties.records import attachment_row, check_attachments
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.hazards.models import Hazard, HazardCategory, HazardPlan
from domain.hazards.service.history import Evidence, double_report, record_event
from domain.hazards.states import (
    STATE_LABELS,
    TRANSITIONS,
    Action,
    EventKind,
    Grade,
    HazardState,
    Source,
)
from domain.inputs import clean_text
from domain.people.models import Person
from domain.scoring.maintain import refresh_hazard_units
from domain.tree.models import OrgUnit


async def report_hazard(
    session: AsyncSession,
    *,
    unit_id: int,
    category_id: int,
    grade: str,
    title: str,
    description: str,
    source: str,
    found_on: date,
    actor: Actor,
    domain: str,
    today: date,
    evidence: Sequence[Evidence] = (),
    record_id: int | None = None,
) -> Hazard:
    errors = ErrorCollector()
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise not_found("unitId", "组织单元", "Organisation unit")
    if unit.is_archived:
        errors.add(ErrorCode.ARCHIVED, "unitId", "单元已撤销", "The unit is archived")
    category = await session.get(HazardCategory, category_id)
    if category is None:
        errors.add(ErrorCode.NOT_FOUND, "categoryId", "隐患分类不存在", "Hazard category does not exist")
    try:
        clean_grade = Grade(grade)
    except ValueError:
        errors.add(ErrorCode.INVALID_VALUE, "grade", "未知的隐患等级", f"Unknown grade {grade}")
        clean_grade = None
    if category is not None and category.major and clean_grade is Grade.GENERAL:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "grade",
            "该分类属于重大事故隐患，不能定为一般隐患",
            "This category is a major-hazard category; the grade must be MAJOR",
        )
    try:
        clean_source = Source(source)
    except ValueError:
        errors.add(ErrorCode.INVALID_VALUE, "source", "未知的隐患来源", f"Unknown source {source}")
        clean_source = None
    if clean_source is Source.INSPECTION and record_id is None:
        errors.add(
            ErrorCode.REQUIRED,
            "recordId",
            "检查发现的隐患须关联检查记录",
            "A finding of an inspection names its record",
        )
    if record_id is not None:
        record = await session.get(DutyRecord, record_id)
        if record is None or record.withdrawn:
            errors.add(ErrorCode.NOT_FOUND, "recordId", "检查记录不存在", "Record does not exist")
    if found_on > today:
        errors.add(ErrorCode.INVALID_VALUE, "foundOn", "发现日期不能晚于今天", "cannot be in the future")
    clean_title = clean_text(errors, "title", title, label_zh="标题", label_en="Title", max_length=200)
    clean_description = clean_text(
        errors, "description", description, label_zh="隐患描述", label_en="Description", max_length=20000
    )
    check_attachments(errors, evidence, "evidence", "证据材料")
    errors.raise_if_any()
    assert clean_grade is not None and clean_source is not None and category is not None
    hazard = Hazard(
        unit_id=unit.id,
        category_id=category.id,
        grade=clean_grade.value,
        title=clean_title or "",
        description=clean_description or "",
        evidence=[attachment_row(e) for e in evidence],
        source=clean_source.value,
        record_id=record_id,
        found_on=found_on,
        found_by=actor.subject,
        found_by_person_id=actor.person_id,
        agency_id=actor.agency_id,
        state=HazardState.REPORTED.value,
        version=1,
    )
    session.add(hazard)
    await session.flush()
    await record_event(session, hazard, EventKind.REPORTED, actor, None)
    await record_row(session, "hazard.report", hazard, domain, actor=actor)
    if clean_grade is Grade.MAJOR:
        await double_report(session, hazard, unit, actor)
    await refresh_hazard_units(session, today, [hazard.unit_id])
    return hazard


async def load_for_change(session: AsyncSession, hazard_id: int) -> Hazard:
    hazard = await session.scalar(select(Hazard).where(Hazard.id == hazard_id).with_for_update())
    if hazard is None:
        raise not_found("hazardId", "隐患", "Hazard")
    return hazard


async def latest_plan(session: AsyncSession, hazard_id: int) -> HazardPlan | None:
    return await session.scalar(
        select(HazardPlan).where(HazardPlan.hazard_id == hazard_id).order_by(HazardPlan.id.desc()).limit(1)
    )


PLAN_STATES = frozenset({HazardState.REPORTED, HazardState.CONFIRMED, HazardState.RECTIFYING})


async def set_plan(
    session: AsyncSession,
    *,
    hazard: Hazard,
    measures: str,
    responsible_person_id: int,
    funds: str | Decimal,
    deadline: date,
    contingency_plan: str,
    actor: Actor,
) -> HazardPlan:
    """The 五落实: 措施、责任、资金、时限、预案. A new plan replaces the one before."""
    errors = ErrorCollector()
    if HazardState(hazard.state) not in PLAN_STATES:
        raise DomainError.one(
            ErrorCode.INVALID_TRANSITION,
            "hazardId",
            f"隐患{STATE_LABELS[HazardState(hazard.state)]}，不能再制定整改方案",
            f"A {hazard.state} hazard takes no new plan",
        )
    clean_measures = clean_text(
        errors, "measures", measures, label_zh="整改措施", label_en="Measures", max_length=20000
    )
    clean_contingency = clean_text(
        errors,
        "contingencyPlan",
        contingency_plan,
        label_zh="应急预案",
        label_en="Contingency plan",
        max_length=20000,
    )
    if await session.get(Person, responsible_person_id) is None:
        errors.add(ErrorCode.NOT_FOUND, "responsiblePersonId", "责任人不存在", "Person does not exist")
    try:
        amount = Decimal(str(funds))
        if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
            raise InvalidOperation
    except InvalidOperation:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "funds",
            "资金应为不小于0、至多两位小数的金额（元）",
            "must be an amount in yuan, ≥ 0, two decimals at most",
        )
        amount = Decimal(0)
    if deadline < hazard.found_on:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "deadline",
            "整改时限不能早于发现日期",
            "cannot be before the day it was found",
        )
    errors.raise_if_any()
    plan = HazardPlan(
        hazard_id=hazard.id,
        measures=clean_measures or "",
        responsible_person_id=responsible_person_id,
        funds=amount,
        deadline=deadline,
        contingency_plan=clean_contingency or "",
        created_by=actor.subject,
    )
    session.add(plan)
    hazard.deadline = deadline
    hazard.responsible_person_id = responsible_person_id
    hazard.version += 1
    await session.flush()
    await record_event(
        session,
        hazard,
        EventKind.PLAN_SET,
        actor,
        hazard.state,
        data={
            "planId": plan.id,
            "deadline": deadline.isoformat(),
            "responsiblePersonId": responsible_person_id,
            "funds": str(amount),
        },
    )
    await refresh_hazard_units(session, None, [hazard.unit_id])
    return plan


async def transition(
    session: AsyncSession,
    *,
    hazard: Hazard,
    action: Action,
    note: str | None,
    actor: Actor,
    today: date,
    deadline: date | None = None,
) -> Hazard:
    starts, target, kind = TRANSITIONS[action]
    current = HazardState(hazard.state)
    if current not in starts:
        raise DomainError.one(
            ErrorCode.INVALID_TRANSITION,
            "action",
            f"隐患当前状态为“{STATE_LABELS[current]}”，不能执行该操作",
            f"A {current.value} hazard cannot take {action.value}",
        )
    errors = ErrorCollector()
    needs_note = action in (Action.REJECT, Action.FAIL_VERIFICATION)
    clean_note = clean_text(
        errors, "note", note, label_zh="说明", label_en="Note", max_length=4000, required=needs_note
    )
    if action is Action.START_RECTIFICATION:
        plan = await latest_plan(session, hazard.id)
        if hazard.grade == Grade.MAJOR and plan is None:
            raise DomainError.one(
                ErrorCode.PLAN_REQUIRED,
                "hazardId",
                "重大事故隐患须先落实措施、责任、资金、时限和预案（五落实）才能整改",
                "A major hazard enters rectification only with its plan "
                "(measures, responsible person, funds, deadline, contingency plan)",
            )
        if deadline is not None:
            if deadline < hazard.found_on:
                errors.add(
                    ErrorCode.INVALID_DATE_RANGE,
                    "deadline",
                    "整改时限不能早于发现日期",
                    "cannot be before the day it was found",
                )
            elif plan is not None:
                errors.add(
                    ErrorCode.INVALID_VALUE, "deadline", "时限以整改方案为准", "the plan sets the deadline"
                )
            else:
                hazard.deadline = deadline
        elif hazard.deadline is None:
            errors.add(ErrorCode.REQUIRED, "deadline", "须给出整改时限", "A rectification needs a deadline")
    if (
        action in (Action.PASS_VERIFICATION, Action.FAIL_VERIFICATION)
        and hazard.rectified_by == actor.subject
    ):
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            "action",
            "整改人不能验收自己的整改",
            "The one who rectified may not verify the rectification",
        )
    errors.raise_if_any()
    hazard.state = target.value
    if action is Action.SUBMIT_RECTIFICATION:
        hazard.rectified_by = actor.subject
    if action is Action.PASS_VERIFICATION:
        hazard.closed_on = today
    hazard.version += 1
    await session.flush()
    await record_event(session, hazard, kind, actor, current.value, note=clean_note)
    await refresh_hazard_units(session, today, [hazard.unit_id])
    return hazard
