"""Hazards, categories, plans (五落实), history and notices as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.context import Info
from api.duties.record_types import DutyRecord, RecordAttachment
from api.files.attach_types import AttachedEvidence, evidence_of
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import LoadedNode
from api.people.types import Person
from api.refs import DEPRECATED_SUBJECT, Actor, actor_of, subject_ref
from api.tree.types import OrgUnit
from domain.files.models import AttachmentSubject
from domain.files.models import EvidenceStage as EvidenceStageValue
from domain.hazards import states as st
from domain.hazards.models import Hazard as HazardRow
from domain.hazards.models import HazardCategory as HazardCategoryRow
from domain.hazards.models import HazardEvent as HazardEventRow
from domain.hazards.models import HazardNotice as HazardNoticeRow
from domain.hazards.models import HazardPlan as HazardPlanRow
from domain.hazards.models import TipOff as TipOffRow
from domain.hazards.tipoffs import TipOffStatus as TipOffStatusValue

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

HazardState = strawberry.enum(
    st.HazardState,
    name="HazardState",
    description="隐患状态 — REPORTED 已上报, CONFIRMED 已确认, REJECTED 不予认定, RECTIFYING 整改中, "
    "RECTIFIED 已整改待验收, CLOSED 已销号",
)
HazardGrade = strawberry.enum(
    st.Grade, name="HazardGrade", description="隐患等级 — GENERAL 一般, MAJOR 重大事故隐患"
)
HazardSource = strawberry.enum(
    st.Source,
    name="HazardSource",
    description="隐患来源 — INSPECTION 检查, SELF_CHECK 企业自查, AGENCY 第三方机构, SUPERVISION 监管督查, "
    "TIP_OFF 举报",
)
HazardDomain = strawberry.enum(
    st.HazardDomain, name="HazardDomain", description="隐患领域 — e.g. 粉尘涉爆, 有限空间"
)
HazardAction = strawberry.enum(
    st.Action,
    name="HazardAction",
    description="隐患操作 — CONFIRM 确认, REJECT 不予认定, START_RECTIFICATION 开始整改, "
    "SUBMIT_RECTIFICATION 提交整改, PASS_VERIFICATION 验收通过（销号）, FAIL_VERIFICATION 验收不通过",
)
HazardEventKind = strawberry.enum(
    st.EventKind, name="HazardEventKind", description="隐患历史类型 — Kind of history entry"
)
HazardNoticeKind = strawberry.enum(
    st.NoticeKind, name="HazardNoticeKind", description="隐患通知类型 — Why a unit was notified"
)
TipOffStatus = strawberry.enum(
    TipOffStatusValue, name="TipOffStatus", description="举报状态 — Where a tip-off stands"
)


async def _person(info: Info, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    row = await info.context.loaders.person_by_id.load(person_id)
    return Person.from_row(row) if row else None


@strawberry.type(name="HazardCategory", description="隐患分类 — An entry of the category library")
class HazardCategory(LoadedNode[HazardCategoryRow]):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="编码 — Code")
    name: str = strawberry.field(description="名称 — Name")
    domain: st.HazardDomain = strawberry.field(description="领域 — Domain (粉尘涉爆, 有限空间, …)")
    major: bool = strawberry.field(description="重大事故隐患 — Whether findings of it are major hazards")
    description: str | None = strawberry.field(description="说明 — Description")
    basis: str | None = strawberry.field(description="判定依据 — The standard it comes from")

    @classmethod
    def from_row(cls, row: HazardCategoryRow) -> HazardCategory:
        return cls(
            id=row.id,
            code=row.code,
            name=row.name,
            domain=st.HazardDomain(row.domain),
            major=row.major,
            description=row.description,
            basis=row.basis,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, HazardCategoryRow | None]:
        return loaders.hazards.category_by_id


@strawberry.type(
    name="HazardPlan", description="五落实 — Measures, responsible person, funds, deadline, contingency plan"
)
class HazardPlan:
    measures: str = strawberry.field(description="整改措施 — Measures")
    funds: Decimal = strawberry.field(description="整改资金（元） — Funds in yuan")
    deadline: date = strawberry.field(description="整改时限 — Deadline")
    contingency_plan: str = strawberry.field(description="应急预案 — Contingency plan")
    created_at: datetime = strawberry.field(description="制定时间 — When it was set")
    created_by: str = strawberry.field(
        description="制定人 — Global ID of the person or client that set it",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    row: strawberry.Private[HazardPlanRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("HazardPlan", self.row.id)

    @classmethod
    def from_row(cls, row: HazardPlanRow) -> HazardPlan:
        return cls(
            measures=row.measures,
            funds=row.funds,
            deadline=row.deadline,
            contingency_plan=row.contingency_plan,
            created_at=row.created_at,
            created_by=subject_ref(row.created_by),
            row=row,
        )

    @strawberry.field(description="整改责任人 — The responsible person, if you may see them")
    async def responsible_person(self, info: Info) -> Person | None:
        return await _person(info, self.row.responsible_person_id)

    @strawberry.field(description="制定人 — The person or client that set it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)

    @strawberry.field(description="证据文件 — Evidence files attached to the plan, oldest first")
    async def evidence_files(self, info: Info) -> list[AttachedEvidence]:
        return await evidence_of(info, AttachmentSubject.HAZARD_PLAN, self.row.id)


@strawberry.type(name="HazardEvent", description="隐患历史 — One entry of a hazard's history")
class HazardEvent:
    kind: st.EventKind = strawberry.field(description="类型 — What happened")
    from_state: st.HazardState | None = strawberry.field(description="原状态 — State before")
    to_state: st.HazardState = strawberry.field(description="新状态 — State after")
    actor: str = strawberry.field(
        description="操作人 — Global ID of the person or client that acted; `system` for the platform",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    note: str | None = strawberry.field(description="说明 — Reason or remark")
    data: JSON | None = strawberry.field(
        description="详情 — e.g. an extension's original and new deadline (from, to), the units notified"
    )
    created_at: datetime = strawberry.field(description="时间 — When")
    row: strawberry.Private[HazardEventRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("HazardEvent", self.row.id)

    @classmethod
    def from_row(cls, row: HazardEventRow) -> HazardEvent:
        return cls(
            kind=st.EventKind(row.kind),
            from_state=st.HazardState(row.from_state) if row.from_state else None,
            to_state=st.HazardState(row.to_state),
            actor=subject_ref(row.actor),
            note=row.note,
            data=None if row.data is None else JSON(row.data),
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="操作人员 — The person who acted, if you may see them")
    async def person(self, info: Info) -> Person | None:
        return await _person(info, self.row.actor_person_id)

    @strawberry.field(
        description="操作人 — The person or client that acted (if you may see them), or the platform"
    )
    async def actor_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.actor)


@strawberry.type(
    name="HazardNotice",
    description="隐患通知 — A notice to a unit: the 双报告 of a major hazard, or its escalation when overdue",
)
class HazardNotice:
    kind: str = strawberry.field(
        description="类型 — DOUBLE_REPORT (双报告) or ESCALATION (逾期上报)",
        deprecation_reason="改用 noticeKind — Use noticeKind",
    )
    created_at: datetime = strawberry.field(description="时间 — When")
    row: strawberry.Private[HazardNoticeRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("HazardNotice", self.row.id)

    @strawberry.field(description="通知类型 — Why the unit was notified")
    def notice_kind(self) -> st.NoticeKind:
        return st.NoticeKind(self.row.kind)

    @classmethod
    def from_row(cls, row: HazardNoticeRow) -> HazardNotice:
        return cls(kind=row.kind, created_at=row.created_at, row=row)

    @strawberry.field(description="接收单位 — The unit notified, if you may see it")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="隐患 — The hazard, if you may see it")
    async def hazard(self, info: Info) -> Hazard | None:
        row = await info.context.loaders.hazards.hazard_by_id.load(self.row.hazard_id)
        return Hazard.from_row(row) if row else None


@strawberry.type(name="Hazard", description="隐患 — A hidden danger on the ledger (隐患台账)")
class Hazard(LoadedNode[HazardRow]):
    id: relay.NodeID[int]
    grade: st.Grade = strawberry.field(description="等级 — General or major")
    title: str = strawberry.field(description="标题 — Title")
    description: str = strawberry.field(description="描述 — Description")
    source: st.Source = strawberry.field(description="来源 — How it was found")
    found_on: date = strawberry.field(description="发现日期 — When it was found")
    found_by: str = strawberry.field(
        description="发现人 — Global ID of the person or client that reported it",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    state: st.HazardState = strawberry.field(description="状态 — Current state")
    deadline: date | None = strawberry.field(description="整改时限 — Current deadline")
    closed_on: date | None = strawberry.field(description="销号日期 — When it was closed")
    evidence: list[RecordAttachment] = strawberry.field(description="证据 — Evidence files' metadata")
    version: int = strawberry.field(description="版本 — Version")
    row: strawberry.Private[HazardRow]

    @classmethod
    def from_row(cls, row: HazardRow) -> Hazard:
        return cls(
            id=row.id,
            grade=st.Grade(row.grade),
            title=row.title,
            description=row.description,
            source=st.Source(row.source),
            found_on=row.found_on,
            found_by=subject_ref(row.found_by),
            state=st.HazardState(row.state),
            deadline=row.deadline,
            closed_on=row.closed_on,
            evidence=[
                RecordAttachment(
                    name=e["name"],
                    media_type=e["mediaType"],
                    size_bytes=e["sizeBytes"],
                    sha256=e["sha256"],
                    uri=e.get("uri"),
                )
                for e in row.evidence or []
            ],
            version=row.version,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, HazardRow | None]:
        return loaders.hazards.hazard_by_id

    @strawberry.field(description="逾期 — Open and past its deadline")
    def overdue(self, info: Info) -> bool:
        return (
            st.HazardState(self.row.state) in st.OPEN_STATES
            and self.row.deadline is not None
            and self.row.deadline < info.context.today
        )

    @strawberry.field(description="剩余天数 — Days to the deadline (negative when overdue); null without one")
    def days_left(self, info: Info) -> int | None:
        if self.row.deadline is None or st.HazardState(self.row.state) not in st.OPEN_STATES:
            return None
        return (self.row.deadline - info.context.today).days

    @strawberry.field(
        description="证据文件 — Evidence files attached to it, oldest first: as found (FOUND), as rectified "
        "(RECTIFIED), at verification (VERIFIED)"
    )
    async def evidence_files(
        self,
        info: Info,
        stage: Annotated[
            EvidenceStageValue | None,
            strawberry.argument(description="阶段 — Only this stage's; all if null"),
        ] = None,
    ) -> list[AttachedEvidence]:
        return await evidence_of(info, AttachmentSubject.HAZARD, self.row.id, stage)

    @strawberry.field(description="单位 — The unit (enterprise or park facility)")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="分类 — Its category")
    async def category(self, info: Info) -> HazardCategory | None:
        row = await info.context.loaders.hazards.category_by_id.load(self.row.category_id)
        return HazardCategory.from_row(row) if row else None

    @strawberry.field(description="发现人员 — The person who reported it, if you may see them")
    async def finder(self, info: Info) -> Person | None:
        return await _person(info, self.row.found_by_person_id)

    @strawberry.field(description="发现人 — The person or client that reported it, if you may see them")
    async def found_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.found_by)

    @strawberry.field(description="整改责任人 — The responsible person of the current plan")
    async def responsible_person(self, info: Info) -> Person | None:
        return await _person(info, self.row.responsible_person_id)

    @strawberry.field(description="检查记录 — The inspection record that found it")
    async def record(self, info: Info) -> DutyRecord | None:
        if self.row.record_id is None:
            return None
        row = await info.context.loaders.duties.record_by_id.load(self.row.record_id)
        return DutyRecord.from_row(row) if row else None

    @strawberry.field(description="五落实 — The current plan; null before one is set")
    async def plan(self, info: Info) -> HazardPlan | None:
        rows = await info.context.loaders.hazards.plans_by_hazard.load(self.row.id)
        return HazardPlan.from_row(rows[-1]) if rows else None

    @strawberry.field(description="历次方案 — Every plan, first to last")
    async def plans(self, info: Info) -> list[HazardPlan]:
        return [
            HazardPlan.from_row(r)
            for r in await info.context.loaders.hazards.plans_by_hazard.load(self.row.id)
        ]

    @strawberry.field(description="历史 — The whole history, oldest first")
    async def history(self, info: Info) -> list[HazardEvent]:
        return [
            HazardEvent.from_row(r)
            for r in await info.context.loaders.hazards.events_by_hazard.load(self.row.id)
        ]

    @strawberry.field(description="待审批延期 — The extension request waiting for a decision, if any")
    async def pending_extension(self, info: Info) -> HazardEvent | None:
        rows = await info.context.loaders.hazards.events_by_hazard.load(self.row.id)
        extension = [r for r in rows if r.kind.startswith("EXTENSION_")]
        if extension and extension[-1].kind == st.EventKind.EXTENSION_REQUESTED:
            return HazardEvent.from_row(extension[-1])
        return None

    @strawberry.field(description="通知 — Notices sent about it (双报告)")
    async def notices(self, info: Info) -> list[HazardNotice]:
        return [
            HazardNotice.from_row(r)
            for r in await info.context.loaders.hazards.notices_by_hazard.load(self.row.id)
        ]


@strawberry.type(
    name="TipOff",
    description="举报 — A public tip-off; only the park safety office (the tip-off right) sees it, "
    "its reporter's contact included",
)
class TipOff(LoadedNode[TipOffRow]):
    id: relay.NodeID[int]
    content: str = strawberry.field(description="举报内容 — What was reported")
    location: str | None = strawberry.field(description="地点 — Where")
    contact: str | None = strawberry.field(
        description="举报人联系方式 — The reporter's contact, if given (保密)"
    )
    status: str = strawberry.field(
        description="状态 — RECEIVED 待核查, ACCEPTED 已立案, DISMISSED 不予立案",
        deprecation_reason="改用 tipOffStatus — Use tipOffStatus",
    )
    dismiss_reason: str | None = strawberry.field(description="不予立案理由 — Why it was dismissed")
    created_at: datetime = strawberry.field(description="举报时间 — When it was filed")
    row: strawberry.Private[TipOffRow]

    @classmethod
    def from_row(cls, row: TipOffRow) -> TipOff:
        return cls(
            id=row.id,
            content=row.content,
            location=row.location,
            contact=row.contact,
            status=row.status,
            dismiss_reason=row.dismiss_reason,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, TipOffRow | None]:
        return loaders.hazards.tip_off_by_id

    @strawberry.field(description="举报状态 — Where the tip-off stands")
    def tip_off_status(self) -> TipOffStatusValue:
        return TipOffStatusValue(self.row.status)

    @strawberry.field(description="证据文件 — Files the reporter sent with it, oldest first")
    async def evidence_files(self, info: Info) -> list[AttachedEvidence]:
        return await evidence_of(info, AttachmentSubject.TIP_OFF, self.row.id)

    @strawberry.field(description="隐患 — The hazard it became, if accepted")
    async def hazard(self, info: Info) -> Hazard | None:
        if self.row.hazard_id is None:
            return None
        row = await info.context.loaders.hazards.hazard_by_id.load(self.row.hazard_id)
        return Hazard.from_row(row) if row else None
