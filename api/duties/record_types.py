"""Records of performance, exemption requests and critical periods as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from api.context import Info
from api.duties.types import DutyItem, DutyRecordKind
from api.files.attach_types import AttachedEvidence, evidence_of, record_subject
from api.ids import try_decode_id
from api.keys import ID_DESCRIPTION, key_id
from api.lazy import lazy_class
from api.nodes import LoadedNode
from api.people.types import Person
from api.posts.types import Post
from api.refs import DEPRECATED_SUBJECT, Actor, actor_of, subject_ref
from api.tree.types import OrgUnit
from domain.duties import rules as r
from domain.duties.models import EXEMPTION
from domain.duties.models import CriticalPeriod as CriticalPeriodRow
from domain.duties.models import DutyRecord as DutyRecordRow
from domain.duties.models import ExemptionDecision as ExemptionDecisionRow
from domain.duties.records.counting import entered_late, entry_delay_days

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.duties.delegation_types import DutyDelegation
    from api.duties.obligation_types import Obligation
    from api.loader_registry import Loaders

ObligationRef = Annotated["Obligation", strawberry.lazy("api.duties.obligation_types")]
DelegationRef = Annotated["DutyDelegation", strawberry.lazy("api.duties.delegation_types")]


@strawberry.type(name="RecordParticipant", description="参加人员 — Someone who took part")
class RecordParticipant:
    name: str = strawberry.field(description="姓名 — Name")
    role: str | None = strawberry.field(description="职务 — Role in the activity")
    person_id: relay.GlobalID | None = strawberry.field(description="人员 — The person, when registered")

    @strawberry.field(description="人员 — The person, when registered and you may see them")
    async def person(self, info: Info) -> Person | None:
        row_id = try_decode_id(self.person_id, "Person") if self.person_id is not None else None
        if row_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(row_id)
        return Person.from_row(row) if row else None


@strawberry.type(
    name="RecordAttachment", description="附件 — Metadata of an attached file (the file is stored elsewhere)"
)
class RecordAttachment:
    name: str = strawberry.field(description="文件名 — File name")
    media_type: str = strawberry.field(description="文件类型 — Media type")
    size_bytes: int = strawberry.field(description="大小 — Size in bytes")
    sha256: str = strawberry.field(description="摘要 — SHA-256 of the content")
    uri: str | None = strawberry.field(description="地址 — Where the file is kept")


@strawberry.type(
    name="ExemptionDecision", description="豁免审批 — Approval or refusal of an exemption request"
)
class ExemptionDecision:
    approved: bool = strawberry.field(description="同意 — Whether it was approved")
    decided_by: str = strawberry.field(
        description="审批人 — Global ID of the person or client that decided",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    note: str | None = strawberry.field(description="审批意见 — Note")
    created_at: datetime = strawberry.field(description="审批时间 — When")
    row: strawberry.Private[ExemptionDecisionRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("ExemptionDecision", self.row.id)

    @strawberry.field(description="审批人员 — The person who decided, if you may see them")
    async def decider(self, info: Info) -> Person | None:
        if self.row.decided_by_person_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.row.decided_by_person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="审批人 — The person or client that decided, if you may see them")
    async def decided_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.decided_by)


@strawberry.type(
    name="DutyRecord",
    description="履职记录 — A record of performance (检查、会议、学习、报告、演练、培训、到场履职), "
    "or an exemption request; written once, corrected or withdrawn by a new record pointing at it",
)
class DutyRecord(LoadedNode[DutyRecordRow]):
    id: relay.NodeID[int]
    kind: str = strawberry.field(
        description="类型 — A RecordKind, or EXEMPTION for an exemption request",
        deprecation_reason="改用 recordKind — Use recordKind",
    )
    performed_on: date = strawberry.field(
        description="履职日期 — When it was done (the request date for exemptions)"
    )
    title: str = strawberry.field(description="标题 — Title")
    findings: str | None = strawberry.field(description="发现问题 — Findings")
    recorder_subject: str = strawberry.field(
        description="记录人 — Global ID of the person or client that signed it (谁检查、谁签字、谁负责)",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    makeup_for: date | None = strawberry.field(
        description="补做期间 — A day of the earlier period this makes up for"
    )
    withdrawn: bool = strawberry.field(description="撤回 — This row withdraws the record it corrects")
    reason: str | None = strawberry.field(
        description="原因 — Why it was corrected or withdrawn; an exemption's reason"
    )
    exempt_from: date | None = strawberry.field(description="豁免起 — First day an exemption covers")
    exempt_to: date | None = strawberry.field(description="豁免止 — Last day an exemption covers")
    exempt_item_key: str | None = strawberry.field(
        description="豁免职责 — Key of the duty an exemption covers"
    )
    created_at: datetime = strawberry.field(description="记录时间 — When it was written")
    participants: list[RecordParticipant] = strawberry.field(description="参加人员 — Who took part")
    attachments: list[RecordAttachment] = strawberry.field(description="附件 — Attached files' metadata")
    row: strawberry.Private[DutyRecordRow]

    @classmethod
    def from_row(cls, row: DutyRecordRow) -> DutyRecord:
        return cls(
            id=row.id,
            kind=row.kind,
            performed_on=row.performed_on,
            title=row.title,
            findings=row.findings,
            recorder_subject=subject_ref(row.recorder),
            makeup_for=row.makeup_for,
            withdrawn=row.withdrawn,
            reason=row.reason,
            exempt_from=row.exempt_from,
            exempt_to=row.exempt_to,
            exempt_item_key=row.exempt_item_key,
            created_at=row.created_at,
            participants=[
                RecordParticipant(
                    name=p["name"],
                    role=p.get("role"),
                    person_id=relay.GlobalID("Person", str(p["personId"])) if p.get("personId") else None,
                )
                for p in row.participants or []
            ],
            attachments=[
                RecordAttachment(
                    name=a["name"],
                    media_type=a["mediaType"],
                    size_bytes=a["sizeBytes"],
                    sha256=a["sha256"],
                    uri=a.get("uri"),
                )
                for a in row.attachments or []
            ],
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, DutyRecordRow | None]:
        return loaders.duties.record_by_id

    @strawberry.field(description="记录类型 — What it records, or EXEMPTION for an exemption request")
    def record_kind(self) -> DutyRecordKind:
        return DutyRecordKind(self.row.kind)

    @strawberry.field(description="记录人员 — The person who recorded it, if you may see them")
    async def recorder(self, info: Info) -> Person | None:
        if self.row.recorder_person_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.row.recorder_person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(
        description="记录人 — The person or client that signed it (谁检查、谁签字、谁负责), "
        "if you may see them"
    )
    async def recorder_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.recorder)

    @strawberry.field(description="覆盖单位 — Units it covers that you may see")
    async def units(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.duties.units_by_record.load(self.row.id)
        return [OrgUnit.from_row(u) for u in rows]

    @strawberry.field(description="履行的职责 — Duties it says it fulfils (none: any duty of its kind)")
    async def duty_items(self, info: Info) -> list[DutyItem]:
        rows = await info.context.loaders.duties.items_by_record.load(self.row.id)
        return [DutyItem.from_row(x) for x in rows]

    @strawberry.field(description="更正的记录 — The record this one corrects or withdraws")
    async def corrects(self, info: Info) -> DutyRecord | None:
        if self.row.corrects_id is None:
            return None
        row = await info.context.loaders.duties.record_by_id.load(self.row.corrects_id)
        return DutyRecord.from_row(row) if row else None

    @strawberry.field(description="被更正为 — The record that corrects or withdraws this one, if any")
    async def corrected_by(self, info: Info) -> DutyRecord | None:
        rows = await info.context.loaders.duties.correction_by_record.load(self.row.id)
        return DutyRecord.from_row(rows[0]) if rows else None

    @strawberry.field(description="现行 — Whether this row is in force (not corrected, not a withdrawal)")
    async def is_current(self, info: Info) -> bool:
        if self.row.withdrawn:
            return False
        return not await info.context.loaders.duties.correction_by_record.load(self.row.id)

    @strawberry.field(description="豁免岗位 — The post an exemption request is for")
    async def exempt_post(self, info: Info) -> Post | None:
        if self.row.exempt_post_id is None:
            return None
        row = await info.context.loaders.post_by_id.load(self.row.exempt_post_id)
        return Post.from_row(row) if row else None

    @strawberry.field(
        description="录入时间 — When it was entered (the same as createdAt); it counts by performedOn"
    )
    def entered_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(
        description="录入延迟天数 — Whole days from the act (performedOn) to the day it was entered "
        "(Asia/Shanghai)"
    )
    def entry_delay_days(self) -> int:
        return entry_delay_days(self.row.performed_on, self.row.created_at)

    @strawberry.field(
        description="补录 — Entered late: on a later day than the day after the act (Asia/Shanghai); it "
        "still counts by the act's date"
    )
    def entered_late(self) -> bool:
        return entered_late(self.row.performed_on, self.row.created_at)

    @strawberry.field(
        description="计入的义务 — The obligations this record counted for (on time or late), as the "
        "obligation "
        "engine judges them now, of posts whose duties you may read; empty for exemption requests"
    )
    async def counted_for(self, info: Info) -> list[ObligationRef]:
        found = await info.context.loaders.duties.delegations.counted_for.load(self.row.id)
        of = lazy_class(ObligationRef).of
        return [of(o) for o in found]

    @strawberry.field(
        description="受托职责 — Delegations (you may see) in force to the recorder on the act's date: the "
        "duties of others' posts this record may count for"
    )
    async def delegations(self, info: Info) -> list[DelegationRef]:
        rows = await info.context.loaders.duties.delegations.by_record.load(self.row.id)
        from_row = lazy_class(DelegationRef).from_row
        return [from_row(r) for r in rows]

    @strawberry.field(description="豁免审批 — The decision on an exemption request, once made")
    async def decision(self, info: Info) -> ExemptionDecision | None:
        if self.row.kind != EXEMPTION:
            return None
        rows = await info.context.loaders.duties.decision_by_record.load(self.row.id)
        if not rows:
            return None
        d = rows[0]
        return ExemptionDecision(
            approved=d.approved,
            decided_by=subject_ref(d.decided_by),
            note=d.note,
            created_at=d.created_at,
            row=d,
        )

    @strawberry.field(
        description="证据文件 — Evidence files attached to it (uploaded and attached by its recorder), "
        "oldest first"
    )
    async def evidence_files(self, info: Info) -> list[AttachedEvidence]:
        return await evidence_of(info, record_subject(self.row.kind), self.row.id)


@strawberry.type(
    name="CriticalPeriod",
    description="特殊时期 — A declared critical period of a unit and its subtree "
    "(重要节点、复工复产、险情、事故…), during which event-triggered duties fall due",
)
class CriticalPeriod(LoadedNode[CriticalPeriodRow]):
    id: relay.NodeID[int]
    kind: r.EventKind = strawberry.field(description="类型 — Kind")
    title: str = strawberry.field(description="名称 — Title")
    start_date: date = strawberry.field(description="开始日期 — First day")
    end_date: date = strawberry.field(description="结束日期 — Last day")
    withdrawn: bool = strawberry.field(description="撤回 — This row withdraws the period it corrects")
    reason: str | None = strawberry.field(description="原因 — Why it was withdrawn")
    created_at: datetime = strawberry.field(description="声明时间 — When it was declared")
    created_by: str = strawberry.field(
        description="声明人 — Global ID of the person or client that declared it",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    row: strawberry.Private[CriticalPeriodRow]

    @classmethod
    def from_row(cls, row: CriticalPeriodRow) -> CriticalPeriod:
        return cls(
            id=row.id,
            kind=r.EventKind(row.kind),
            title=row.title,
            start_date=row.start_date,
            end_date=row.end_date,
            withdrawn=row.withdrawn,
            reason=row.reason,
            created_at=row.created_at,
            created_by=subject_ref(row.created_by),
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, CriticalPeriodRow | None]:
        return loaders.duties.period_by_id

    @strawberry.field(description="声明人 — The person or client that declared it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)

    @strawberry.field(description="单元 — The unit whose subtree it concerns")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None
