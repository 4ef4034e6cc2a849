"""Demo hazard ledger: about forty fictional findings over the last half year in the demo
parks, through the services: general and major, from supervision, self-checks and the
contracted agency, in every state (some overdue, some escalated), with 五落实 plans, a
failed verification, an extension and rejections. Deterministic for a given `today`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.models import AgencyContract, AgencyContractUnit, AgencyMember
from domain.actors import SYSTEM, Actor
from domain.clock import SHANGHAI
from domain.hazards import service, tipoffs
from domain.hazards.models import Hazard, HazardCategory
from domain.hazards.states import Action, Grade, Source
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.tree.models import OrgUnit

FINDINGS = {
    "dust-cleaning": ("抛光车间积尘未及时清理", "抛光工位及管道表面积尘厚度超过1毫米，未按清扫制度每班清理"),
    "dust-explosion-control": ("布袋除尘器未设泄爆装置", "干式除尘系统未设置泄爆片，也无惰化、抑爆措施"),
    "confined-permit": ("污水池清淤未办理作业审批", "有限空间作业未审批，现场未检测气体、无监护人员"),
    "chem-storage": ("危化品仓库禁忌物料混存", "氧化剂与易燃液体同库存放，未设隔离"),
    "fire-lane": ("消防通道堆放杂物", "厂房东侧消防车通道堆放包装材料"),
    "fire-facilities": ("灭火器过期", "二号车间灭火器超过检验期限"),
    "electric-wiring": ("配电箱私拉乱接", "临时线路私拉乱接，配电箱未上锁"),
    "ops-hot-work": ("动火作业未办理审批", "焊接作业未办理动火证，现场无监护"),
    "equipment-inspection": ("叉车未定期检验", "叉车超期未检验仍在使用"),
    "machinery-guard": ("冲床防护罩缺失", "冲压设备传动部位防护罩缺失"),
    "other-signs": ("危险场所无警示标志", "配电房、气瓶间未设置安全警示标志"),
}
MAJOR = ("dust-cleaning", "dust-explosion-control", "confined-permit")


@dataclass
class _Enterprise:
    unit: OrgUnit
    principal: int
    supervisor: int  # head of the supervising department
    agency_staff: int | None  # staff of an agency contracted to it today


async def _holder(session: AsyncSession, unit_id: int, kind: str, today: date) -> int | None:
    found: int | None = await session.scalar(
        select(Assignment.person_id)
        .join(Post, Post.id == Assignment.post_id)
        .where(Post.unit_id == unit_id, Post.kind == kind, effective_assignment(), assignment_on(today))
        .limit(1)
    )
    return found


async def _enterprises(session: AsyncSession, park: OrgUnit, today: date) -> list[_Enterprise]:
    units = (
        await session.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.kind == "ENTERPRISE",
                OrgUnit.path.startswith(park.path),
                OrgUnit.archived_at.is_(None),
            )
            .order_by(OrgUnit.path)
        )
    ).all()
    out: list[_Enterprise] = []
    for unit in units:
        staff = await session.scalar(
            select(AgencyMember.person_id)
            .join(AgencyContract, AgencyContract.agency_id == AgencyMember.agency_id)
            .join(AgencyContractUnit, AgencyContractUnit.contract_id == AgencyContract.id)
            .where(
                AgencyContractUnit.unit_id == unit.id,
                AgencyContract.start_date <= today,
                AgencyContract.end_date >= today,
                AgencyMember.start_date <= today,
            )
            .limit(1)
        )
        principal = await _holder(session, unit.id, "ENTERPRISE_PRINCIPAL", today)
        supervisor = await _holder(session, unit.parent_id or 0, "DEPARTMENT_HEAD", today)
        if principal and supervisor:  # an enterprise without both has no one to report or confirm
            out.append(_Enterprise(unit=unit, principal=principal, supervisor=supervisor, agency_staff=staff))
    return out


def _who(person_id: int | None) -> Actor:
    return Actor(f"person:{person_id}", person_id)


async def load_demo_hazards(session: AsyncSession, parks: list[OrgUnit], today: date) -> dict[str, int]:
    rng = random.Random(5)
    categories = {
        c.code: c.id for c in (await session.scalars(select(HazardCategory))).all() if c.code in FINDINGS
    }
    written = 0
    for park in parks:
        enterprises = await _enterprises(session, park, today)
        for n in range(20 if len(enterprises) > 10 else 12):
            e = rng.choice(enterprises)
            code = rng.choice(MAJOR) if n % 5 == 0 else rng.choice([c for c in FINDINGS if c not in MAJOR])
            title, description = FINDINGS[code]
            found = today - timedelta(days=rng.randint(3, 170))
            finder: int | None
            if e.agency_staff and rng.random() < 0.4:
                finder, source = e.agency_staff, Source.AGENCY
            elif rng.random() < 0.5:
                finder, source = e.supervisor, Source.SUPERVISION
            else:
                finder, source = e.principal, Source.SELF_CHECK
            hazard = await service.report_hazard(
                session,
                unit_id=e.unit.id,
                category_id=categories[code],
                grade=(Grade.MAJOR if code in MAJOR else Grade.GENERAL).value,
                title=title,
                description=description,
                source=source.value,
                found_on=found,
                actor=_who(finder),
                domain=e.unit.path,
                today=found,
            )
            written += 1
            await _walk(session, hazard, e, found, today, rng)
    escalated = await service.escalate_overdue(session, today)
    tips = await _tip_offs(session, parks[0], today, categories) if parks else 0
    return {"hazards": written, "hazard_escalations": escalated, "tip_offs": tips}


async def _tip_offs(session: AsyncSession, park: OrgUnit, today: date, categories: dict[str, int]) -> int:
    """Two public tip-offs: one still to be checked, one accepted as a hazard."""
    now = datetime.combine(today - timedelta(days=2), time(9, 30), tzinfo=SHANGHAI)
    await tipoffs.submit_tip_off(
        session,
        park_id=park.id,
        content="夜间有车间门窗紧闭进行喷漆作业，气味很重",
        location="园区东区",
        contact=None,
        address="demo-1",
        secret="demo",
        now=now,
    )
    accepted = await tipoffs.submit_tip_off(
        session,
        park_id=park.id,
        content="厂区东门消防通道被货物堵住",
        location="园区东门",
        contact="电话 13800009999（演示）",
        address="demo-2",
        secret="demo",
        now=now,
    )
    enterprise = await session.scalar(
        select(OrgUnit)
        .where(OrgUnit.kind == "ENTERPRISE", OrgUnit.path.startswith(park.path))
        .order_by(OrgUnit.id)
    )
    assert enterprise is not None
    await tipoffs.triage(
        session,
        tip=accepted,
        accept=tipoffs.Acceptance(
            unit_id=enterprise.id,
            category_id=categories["fire-lane"],
            grade=Grade.GENERAL.value,
            title="消防通道堵塞（举报）",
        ),
        reason=None,
        actor=SYSTEM,
        unit_path=enterprise.path,
        park_path=park.path,
        today=today,
    )
    return 2


async def _walk(
    session: AsyncSession,
    hazard: Hazard,
    e: _Enterprise,
    found: date,
    today: date,
    rng: random.Random,
) -> None:
    """Take a hazard as far as a realistic ledger would have by today."""
    supervisor, boss = _who(e.supervisor), _who(e.principal)
    roll = rng.random()
    if roll < 0.05:
        return  # still awaiting confirmation
    if roll < 0.1:
        await service.transition(
            session, hazard=hazard, action=Action.REJECT, note="现场复核不属实", actor=supervisor, today=found
        )
        return
    await service.transition(
        session, hazard=hazard, action=Action.CONFIRM, note=None, actor=supervisor, today=found
    )
    deadline = found + timedelta(days=rng.choice((7, 15, 30, 45)))
    if hazard.grade == Grade.MAJOR:
        await service.set_plan(
            session,
            hazard=hazard,
            measures="停用相关设施，按标准整改并经复查合格后恢复",
            responsible_person_id=e.principal or 0,
            funds=str(rng.choice((5000, 20000, 80000))),
            deadline=deadline,
            contingency_plan="划定警戒区域，配备应急器材，专人值守",
            actor=boss,
        )
        deadline_arg = None
    else:
        deadline_arg = deadline
    if roll < 0.15:
        return  # confirmed, not started
    await service.transition(
        session,
        hazard=hazard,
        action=Action.START_RECTIFICATION,
        note=None,
        actor=boss,
        today=found,
        deadline=deadline_arg,
    )
    if roll < 0.2 and deadline > today:
        await service.request_extension(
            session,
            hazard=hazard,
            deadline=deadline + timedelta(days=15),
            reason="整改配件到货延迟",
            actor=boss,
        )
        await service.decide_extension(
            session, hazard=hazard, approve=True, note="同意延期", actor=supervisor
        )
        return
    if roll < 0.35 or deadline >= today:
        return  # under rectification (overdue when its deadline has passed)
    done = min(today, found + timedelta(days=rng.randint(2, max(2, (deadline - found).days))))
    await service.transition(
        session, hazard=hazard, action=Action.SUBMIT_RECTIFICATION, note=None, actor=boss, today=done
    )
    if roll < 0.45:
        return  # awaiting verification
    if roll < 0.55:
        await service.transition(
            session,
            hazard=hazard,
            action=Action.FAIL_VERIFICATION,
            note="复查仍不符合要求",
            actor=supervisor,
            today=done,
        )
        await service.transition(
            session, hazard=hazard, action=Action.SUBMIT_RECTIFICATION, note=None, actor=boss, today=done
        )
    await service.transition(
        session,
        hazard=hazard,
        action=Action.PASS_VERIFICATION,
        note="复查合格，予以销号",
        actor=supervisor,
        today=done,
    )
