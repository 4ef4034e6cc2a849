"""Reporting hazards, their 五落实, their way to 销号, and the category library."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.duties.inputs import AttachmentInput
from api.errors import UserError, mutate, present
from api.files.attach_create import FILES_DESCRIPTION, attach_created
from api.guard import forbidden, read_person, write_unit
from api.hazards import guards
from api.hazards.types import Hazard, HazardCategory, TipOff
from api.ids import decode_id
from authz import objects
from authz.catalogue import Action as AuthzAction
from authz.catalogue import Resource
from authz.visibility.hazards import tip_offs_visible
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.files.attachments import Target
from domain.files.models import AttachmentSubject, EvidenceStage
from domain.hazards import service, tipoffs
from domain.hazards.models import Hazard as HazardRow
from domain.hazards.models import HazardCategory as HazardCategoryRow
from domain.hazards.models import TipOff as TipOffRow
from domain.hazards.states import Action, Grade, HazardDomain, Source
from domain.rows import row_by_id

# The stage of the files a step of the ledger takes.
STAGE_OF_ACTION = {
    Action.SUBMIT_RECTIFICATION: EvidenceStage.RECTIFIED,
    Action.PASS_VERIFICATION: EvidenceStage.VERIFIED,
    Action.FAIL_VERIFICATION: EvidenceStage.VERIFIED,
}


@strawberry.input(description="上报隐患 — A hazard found at a unit; you are its finder")
class ReportHazardInput:
    unit_id: relay.GlobalID = strawberry.field(description="单位 — Where it was found")
    category_id: relay.GlobalID = strawberry.field(description="分类 — Its category")
    grade: Grade = strawberry.field(description="等级 — General or major (a major category requires MAJOR)")
    title: str = strawberry.field(description="标题 — Title")
    description: str = strawberry.field(description="描述 — What was found")
    source: Source = strawberry.field(description="来源 — How it was found")
    found_on: date = strawberry.field(description="发现日期 — When")
    record_id: relay.GlobalID | None = strawberry.field(
        default=None, description="检查记录 — The inspection record (required for INSPECTION)"
    )
    evidence: list[AttachmentInput] = strawberry.field(
        default_factory=list, description="证据 — Files' metadata"
    )
    files: list[relay.GlobalID] | None = strawberry.field(
        default=None, description=FILES_DESCRIPTION + " (attached as found: FOUND)"
    )


@strawberry.input(description="五落实 — The plan of a hazard; a new one replaces the current one")
class SetHazardPlanInput:
    hazard_id: relay.GlobalID = strawberry.field(description="隐患 — The hazard")
    measures: str = strawberry.field(description="整改措施 — Measures")
    responsible_person_id: relay.GlobalID = strawberry.field(
        description="整改责任人 — A person in the system"
    )
    funds: Decimal = strawberry.field(description="整改资金（元） — Funds in yuan")
    deadline: date = strawberry.field(description="整改时限 — Deadline")
    contingency_plan: str = strawberry.field(description="应急预案 — Contingency plan")
    files: list[relay.GlobalID] | None = strawberry.field(
        default=None, description=FILES_DESCRIPTION + " (attached to the new plan)"
    )


@strawberry.input(description="隐患流转 — Move a hazard along its states")
class TransitionHazardInput:
    hazard_id: relay.GlobalID = strawberry.field(description="隐患 — The hazard")
    action: Action = strawberry.field(description="操作 — What to do")
    note: str | None = strawberry.field(
        default=None, description="说明 — Required to reject or to fail a verification"
    )
    deadline: date | None = strawberry.field(
        default=None, description="整改时限 — For a general hazard without a plan, when rectification starts"
    )
    files: list[relay.GlobalID] | None = strawberry.field(
        default=None,
        description=FILES_DESCRIPTION + "; only with SUBMIT_RECTIFICATION (attached as RECTIFIED) or a "
        "verification, passed or failed (attached as VERIFIED)",
    )


@strawberry.input(description="申请延期 — Ask for a later deadline, with a reason")
class RequestHazardExtensionInput:
    hazard_id: relay.GlobalID = strawberry.field(description="隐患 — The hazard (under rectification)")
    deadline: date = strawberry.field(description="新时限 — The deadline asked for")
    reason: str = strawberry.field(description="理由 — Why")


@strawberry.input(description="审批延期 — Approve or refuse the waiting extension request")
class DecideHazardExtensionInput:
    hazard_id: relay.GlobalID = strawberry.field(description="隐患 — The hazard")
    approve: bool = strawberry.field(description="同意 — Approve (true) or refuse (false)")
    note: str | None = strawberry.field(default=None, description="审批意见 — Required when refusing")


@strawberry.input(
    description="处理举报 — Accept a tip-off as a hazard at a unit of its park (you become its finder; the "
    "reporter's contact stays on the tip-off), or dismiss it with a reason"
)
class TriageTipOffInput:
    tip_off_id: relay.GlobalID = strawberry.field(description="举报 — The tip-off")
    accept: bool = strawberry.field(description="立案 — Accept (true) or dismiss (false)")
    reason: str | None = strawberry.field(default=None, description="不予立案理由 — Required to dismiss")
    unit_id: relay.GlobalID | None = strawberry.field(default=None, description="隐患单位 — To accept")
    category_id: relay.GlobalID | None = strawberry.field(default=None, description="分类 — To accept")
    grade: Grade | None = strawberry.field(default=None, description="等级 — To accept")
    title: str | None = strawberry.field(default=None, description="标题 — To accept")


@strawberry.type(description="举报处理结果 — Result of triaging a tip-off")
class TipOffPayload:
    tip_off: TipOff | None = strawberry.field(description="举报 — The tip-off; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: TipOffRow | None, errors: list[UserError]) -> TipOffPayload:
        return cls(tip_off=present(TipOff.from_row, row), user_errors=errors)


@strawberry.input(description="新增隐患分类 — Extend the category library")
class CreateHazardCategoryInput:
    code: str = strawberry.field(description="编码 — Unique code")
    name: str = strawberry.field(description="名称 — Name")
    domain: HazardDomain = strawberry.field(description="领域 — Domain")
    major: bool = strawberry.field(description="重大事故隐患 — Whether findings of it are major")
    description: str | None = strawberry.field(default=None, description="说明 — Description")
    basis: str | None = strawberry.field(default=None, description="判定依据 — The standard it comes from")


@strawberry.type(description="隐患变更结果 — Result of a change to the ledger")
class HazardPayload:
    hazard: Hazard | None = strawberry.field(description="隐患 — The hazard as it is now; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: HazardRow | None, errors: list[UserError]) -> HazardPayload:
        return cls(hazard=present(Hazard.from_row, row), user_errors=errors)


@strawberry.type(description="隐患分类变更结果 — Result of a change to the category library")
class HazardCategoryPayload:
    category: HazardCategory | None = strawberry.field(description="分类 — The category; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: HazardCategoryRow | None, errors: list[UserError]) -> HazardCategoryPayload:
        return cls(category=present(HazardCategory.from_row, row), user_errors=errors)


@strawberry.type
class HazardsMutation:
    @strawberry.mutation(
        description="上报隐患 — Put a hazard on the ledger; a major one is notified at once "
        "to its supervising department and the park (双报告)"
    )
    async def report_hazard(self, info: Info, input: ReportHazardInput) -> HazardPayload:
        async def work(session: AsyncSession) -> HazardRow:
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            domain = await write_unit(info.context, session, unit_id, "unitId", Resource.HAZARD)
            who = await guards.actor(info.context, session, [unit_id])
            hazard = await service.report_hazard(
                session,
                unit_id=unit_id,
                category_id=decode_id(input.category_id, "HazardCategory", "categoryId"),
                grade=input.grade.value,
                title=input.title,
                description=input.description,
                source=input.source.value,
                found_on=input.found_on,
                record_id=decode_id(input.record_id, "DutyRecord", "recordId") if input.record_id else None,
                evidence=[
                    service.Evidence(a.name, a.media_type, a.size_bytes, a.sha256, a.uri)
                    for a in input.evidence
                ],
                actor=who,
                domain=domain,
                today=info.context.today,
            )
            target = Target(AttachmentSubject.HAZARD, hazard.id, EvidenceStage.FOUND)
            await attach_created(info.context, session, target, input.files, who, domain)
            return hazard

        return await mutate(info, work, HazardPayload.of)

    @strawberry.mutation(
        description="落实五落实 — Set the plan (measures, responsible person, funds, deadline, 预案)"
    )
    async def set_hazard_plan(self, info: Info, input: SetHazardPlanInput) -> HazardPayload:
        async def work(session: AsyncSession) -> HazardRow:
            hazard_id = decode_id(input.hazard_id, "Hazard", "hazardId")
            hazard, path = await guards.hazard_for_change(info.context, session, hazard_id, None)
            person_id = decode_id(input.responsible_person_id, "Person", "responsiblePersonId")
            await read_person(info.context, session, person_id, "responsiblePersonId")
            who = await guards.actor(info.context, session, [hazard.unit_id])
            plan = await service.set_plan(
                session,
                hazard=hazard,
                measures=input.measures,
                responsible_person_id=person_id,
                funds=input.funds,
                deadline=input.deadline,
                contingency_plan=input.contingency_plan,
                actor=who,
            )
            target = Target(AttachmentSubject.HAZARD_PLAN, plan.id)
            await attach_created(info.context, session, target, input.files, who, path)
            return hazard

        return await mutate(info, work, HazardPayload.of)

    @strawberry.mutation(
        description="隐患流转 — Confirm or reject a report, start or submit rectification, "
        "pass (销号) or fail a verification; illegal moves are refused with INVALID_TRANSITION"
    )
    async def transition_hazard(self, info: Info, input: TransitionHazardInput) -> HazardPayload:
        async def work(session: AsyncSession) -> HazardRow:
            hazard_id = decode_id(input.hazard_id, "Hazard", "hazardId")
            hazard, path = await guards.hazard_for_change(info.context, session, hazard_id, input.action)
            stage = STAGE_OF_ACTION.get(input.action)
            if input.files and stage is None:
                raise DomainError.one(
                    ErrorCode.INVALID_VALUE,
                    "files",
                    "只有提交整改和验收时可以附加证据",
                    "Files go only with SUBMIT_RECTIFICATION or a verification",
                )
            who = await guards.actor(info.context, session, [hazard.unit_id])
            moved = await service.transition(
                session,
                hazard=hazard,
                action=input.action,
                note=input.note,
                actor=who,
                today=info.context.today,
                deadline=input.deadline,
            )
            if stage is not None:
                target = Target(AttachmentSubject.HAZARD, hazard.id, stage)
                await attach_created(info.context, session, target, input.files, who, path)
            return moved

        return await mutate(info, work, HazardPayload.of)

    @strawberry.mutation(description="申请延期 — The rectifying side asks for a later deadline")
    async def request_hazard_extension(self, info: Info, input: RequestHazardExtensionInput) -> HazardPayload:
        async def work(session: AsyncSession) -> HazardRow:
            hazard_id = decode_id(input.hazard_id, "Hazard", "hazardId")
            hazard, _ = await guards.hazard_for_change(info.context, session, hazard_id, None)
            return await service.request_extension(
                session,
                hazard=hazard,
                deadline=input.deadline,
                reason=input.reason,
                actor=await guards.actor(info.context, session, [hazard.unit_id]),
            )

        return await mutate(info, work, HazardPayload.of)

    @strawberry.mutation(
        description="审批延期 — The supervising side approves (the deadline moves; both stay in the history) "
        "or refuses"
    )
    async def decide_hazard_extension(self, info: Info, input: DecideHazardExtensionInput) -> HazardPayload:
        async def work(session: AsyncSession) -> HazardRow:
            hazard_id = decode_id(input.hazard_id, "Hazard", "hazardId")
            hazard, _ = await guards.hazard_for_change(
                info.context, session, hazard_id, None, from_above=True
            )
            return await service.decide_extension(
                session,
                hazard=hazard,
                approve=input.approve,
                note=input.note,
                actor=await guards.actor(info.context, session, [hazard.unit_id]),
            )

        return await mutate(info, work, HazardPayload.of)

    @strawberry.mutation(
        description="处理举报 — Accept a tip-off as a hazard, or dismiss it (park safety office)"
    )
    async def triage_tip_off(self, info: Info, input: TriageTipOffInput) -> TipOffPayload:
        async def work(session: AsyncSession) -> TipOffRow:
            tip_id = decode_id(input.tip_off_id, "TipOff", "tipOffId")
            tip = await row_by_id(session, TipOffRow, tip_id, tip_offs_visible(info.context.reach))
            if tip is None:
                raise not_found("tipOffId", "举报", "Tip-off")
            park_path = await objects.unit_path(session, tip.park_id)
            assert park_path is not None
            if not info.context.can(Resource.TIPOFF, AuthzAction.WRITE, park_path):
                raise forbidden("tipOffId", "举报", "Tip-off")
            acceptance = None
            unit_path = None
            if input.accept:
                errors = ErrorCollector()
                for name, value in (
                    ("unitId", input.unit_id),
                    ("categoryId", input.category_id),
                    ("grade", input.grade),
                    ("title", input.title),
                ):
                    if value is None:
                        errors.add(ErrorCode.REQUIRED, name, "立案须填写此项", "required to accept")
                errors.raise_if_any()
                assert input.unit_id and input.category_id and input.grade and input.title is not None
                unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
                unit_path = await write_unit(info.context, session, unit_id, "unitId", Resource.HAZARD)
                acceptance = tipoffs.Acceptance(
                    unit_id=unit_id,
                    category_id=decode_id(input.category_id, "HazardCategory", "categoryId"),
                    grade=input.grade.value,
                    title=input.title,
                )
            return await tipoffs.triage(
                session,
                tip=tip,
                accept=acceptance,
                reason=input.reason,
                actor=await guards.actor(info.context, session, []),
                unit_path=unit_path,
                park_path=park_path,
                today=info.context.today,
            )

        return await mutate(info, work, TipOffPayload.of)

    @strawberry.mutation(description="新增隐患分类 — Add a category to the library (platform admins)")
    async def create_hazard_category(
        self, info: Info, input: CreateHazardCategoryInput
    ) -> HazardCategoryPayload:
        async def work(session: AsyncSession) -> HazardCategoryRow:
            from api.duties.guards import write_duties

            await write_duties(info.context, session, None, "code")
            return await service.create_category(
                session,
                code=input.code,
                name=input.name,
                domain=input.domain.value,
                major=input.major,
                description=input.description,
                basis=input.basis,
                actor=await guards.actor(info.context, session, []),
            )

        return await mutate(info, work, HazardCategoryPayload.of)
