"""Inputs and payloads of the duty mutations (api/duties/mutations.py), and their
translation into the domain's inputs."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.scalars import JSON

from api.context import Info
from api.duties.record_types import CriticalPeriod, DutyRecord
from api.duties.types import DutyItem, DutyList, DutyListVersion
from api.errors import UserError, present
from api.files.attach_create import FILES_DESCRIPTION
from api.ids import MAX_ROW_ID, decode_id, try_decode_id
from api.json_input import domain_json
from domain.duties import lists as duty_lists
from domain.duties import records as rec
from domain.duties.models import CriticalPeriod as CriticalPeriodRow
from domain.duties.models import DutyList as DutyListRow
from domain.duties.models import DutyListVersion as DutyListVersionRow
from domain.duties.models import DutyRecord as DutyRecordRow
from domain.duties.rules import EventKind, RecordKind
from domain.posts.kinds import PostKind


@strawberry.input(description="职责 — One duty of a list")
class DutyItemInput:
    key: str = strawberry.field(
        description="职责编号 — Names the duty across versions (letters, digits, . _ -)"
    )
    text: str = strawberry.field(description="职责内容 — The duty's text")
    rule: JSON | None = strawberry.field(
        default=None, description="频次规则 — The rule as data (see previewFrequencyRule); null: no frequency"
    )
    source_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="来源文件 — A DutySource's global ID (its bare number is still understood)",
    )
    source_clause: str | None = strawberry.field(default=None, description="出处条款 — Clause of the source")
    note: str | None = strawberry.field(default=None, description="说明 — Note")
    meta: JSON | None = strawberry.field(default=None, description="附加信息 — Extra text fields")


def _source_row_id(given: str) -> int:
    """The row id of a DutySource global ID (or of the bare number older clients send); an
    id naming no source is -1, which gets the service's NOT_FOUND."""
    if given.isascii() and given.isdigit():
        return int(given) if int(given) <= MAX_ROW_ID else -1
    try:
        gid = relay.GlobalID.from_id(given)
    except GlobalIDValueError:
        return -1
    return try_decode_id(gid, "DutySource") or -1


def domain_items(items: list[DutyItemInput]) -> list[duty_lists.ItemInput]:
    out = []
    for item in items:
        source = None if item.source_id is None else _source_row_id(str(item.source_id))
        out.append(
            duty_lists.ItemInput(
                key=item.key,
                text=item.text,
                rule=domain_json(item.rule),
                source_id=source,
                source_clause=item.source_clause,
                note=item.note,
                meta=domain_json(item.meta),
            )
        )
    return out


@strawberry.input(
    description="新建职责清单 — A new duty list for the posts of some kinds at a unit and below"
)
class CreateDutyListInput:
    code: str = strawberry.field(description="清单编号 — Unique code")
    name: str = strawberry.field(description="名称 — Name")
    post_kinds: list[PostKind] = strawberry.field(description="适用岗位 — Kinds of post that carry it")
    unit_id: relay.GlobalID | None = strawberry.field(
        description="单元 — Posts at this unit and below carry it; null makes a catalogue template"
    )
    effective_from: date = strawberry.field(description="生效日期 — First day it applies")
    items: list[DutyItemInput] = strawberry.field(description="职责 — Its duties, in order")
    note: str | None = strawberry.field(default=None, description="说明 — Note on the first version")


@strawberry.input(description="修订职责清单 — A new version of a list, effective today or later")
class ReviseDutyListInput:
    list_id: relay.GlobalID = strawberry.field(description="职责清单 — The list")
    effective_from: date = strawberry.field(description="生效日期 — First day the new version applies")
    items: list[DutyItemInput] = strawberry.field(description="职责 — The new version's full set of duties")
    note: str = strawberry.field(description="修订说明 — What changed and why")


@strawberry.input(description="采用模板 — A unit takes a catalogue list as its own")
class AdoptDutyListTemplateInput:
    template_id: relay.GlobalID = strawberry.field(description="模板 — The catalogue list")
    unit_id: relay.GlobalID = strawberry.field(description="单元 — Posts at this unit and below carry it")
    code: str = strawberry.field(description="清单编号 — Code of the new list")
    effective_from: date = strawberry.field(description="生效日期 — First day it applies")
    name: str | None = strawberry.field(default=None, description="名称 — Name; omitted: the template's")
    post_kinds: list[PostKind] | None = strawberry.field(
        default=None, description="适用岗位 — Kinds of post; omitted: the template's"
    )


@strawberry.type(description="职责清单变更结果 — Result of a change to duty lists")
class DutyListPayload:
    duty_list: DutyList | None = strawberry.field(description="职责清单 — The list; null on errors")
    version: DutyListVersion | None = strawberry.field(
        description="版本 — The version written; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(
        cls, written: tuple[DutyListRow, DutyListVersionRow | None] | None, errors: list[UserError]
    ) -> DutyListPayload:
        lst, version = written or (None, None)
        return cls(
            duty_list=present(DutyList.from_row, lst),
            version=present(DutyListVersion.from_row, version),
            user_errors=errors,
        )


@strawberry.input(description="参加人员 — Someone who took part")
class ParticipantInput:
    name: str = strawberry.field(description="姓名 — Name")
    role: str | None = strawberry.field(default=None, description="职务 — Role")
    person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="人员 — The person, if registered"
    )


@strawberry.input(description="附件 — Metadata of a file stored elsewhere")
class AttachmentInput:
    name: str = strawberry.field(description="文件名 — File name")
    media_type: str = strawberry.field(description="文件类型 — Media type")
    size_bytes: int = strawberry.field(description="大小 — Size in bytes")
    sha256: str = strawberry.field(description="摘要 — SHA-256 of the content, lowercase hex")
    uri: str | None = strawberry.field(default=None, description="地址 — Where the file is kept")


@strawberry.input(description="履职记录 — A record of performance; the recorder is you")
class RecordPerformanceInput:
    kind: RecordKind = strawberry.field(description="类型 — Kind")
    performed_on: date = strawberry.field(description="履职日期 — When it was done")
    title: str = strawberry.field(description="标题 — Title")
    unit_ids: list[relay.GlobalID] = strawberry.field(description="覆盖单位 — Units it covered")
    duty_item_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="履行的职责 — Duties it fulfils; none: any duty of its kind"
    )
    findings: str | None = strawberry.field(default=None, description="发现问题 — Findings")
    participants: list[ParticipantInput] = strawberry.field(
        default_factory=list, description="参加人员 — Who took part"
    )
    attachments: list[AttachmentInput] = strawberry.field(
        default_factory=list, description="附件 — Files' metadata"
    )
    files: list[relay.GlobalID] | None = strawberry.field(default=None, description=FILES_DESCRIPTION)
    makeup_for: date | None = strawberry.field(
        default=None,
        description="补做期间 — A day of an earlier period this makes up for (counted late for it)",
    )


@strawberry.input(
    description="更正履职记录 — Replace your record by a corrected one; the old one stays in history"
)
class CorrectRecordInput:
    record_id: relay.GlobalID = strawberry.field(
        description="记录 — The record to correct (the latest version)"
    )
    reason: str = strawberry.field(description="更正原因 — Why it was wrong")
    record: RecordPerformanceInput = strawberry.field(description="更正后的记录 — The record as it should be")


@strawberry.input(description="撤回履职记录 — Withdraw your record (it did not happen); it stays in history")
class WithdrawRecordInput:
    record_id: relay.GlobalID = strawberry.field(description="记录 — The record")
    reason: str = strawberry.field(description="撤回原因 — Why")


@strawberry.type(description="履职记录变更结果 — Result of a change to records")
class DutyRecordPayload:
    record: DutyRecord | None = strawberry.field(description="记录 — The row written; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")
    chosen_item_ids: strawberry.Private[tuple[int, ...]] = ()

    @classmethod
    def of(cls, row: DutyRecordRow | None, errors: list[UserError]) -> DutyRecordPayload:
        return cls(record=present(DutyRecord.from_row, row), user_errors=errors)

    @classmethod
    def chosen(
        cls, result: tuple[DutyRecordRow, list[int]] | None, errors: list[UserError]
    ) -> DutyRecordPayload:
        """The payload of a record written, with the duty the platform named for it."""
        if result is None:
            return cls(record=None, user_errors=errors)
        row, chosen = result
        return cls(record=DutyRecord.from_row(row), user_errors=errors, chosen_item_ids=tuple(chosen))

    @strawberry.field(
        description="平台确定的职责 — When the record named no duty and exactly one duty of its kind was in "
        "play "
        "for you on the act's date (your posts' lists, duties delegated to you), the record names that one "
        "and it is here; empty otherwise"
    )
    async def chosen_duty_items(self, info: Info) -> list[DutyItem]:
        loader = info.context.loaders.duties.item_through_post
        rows = [await loader.load(i) for i in self.chosen_item_ids]  # one at most
        return [DutyItem.from_row(r) for r in rows if r is not None]


@strawberry.input(
    description="申请豁免 — Ask that a post's (or, for per-holder duties, a person's) duty be not applicable "
    "for some dates, with a reason; someone above must approve"
)
class RequestExemptionInput:
    duty_item_id: relay.GlobalID = strawberry.field(description="职责 — The duty")
    post_id: relay.GlobalID = strawberry.field(description="岗位 — The post that carries it")
    person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="人员 — For per-holder duties: the holder it is for"
    )
    start: date = strawberry.field(name="from", description="开始日期 — First day covered")
    end: date = strawberry.field(name="to", description="结束日期 — Last day covered")
    reason: str = strawberry.field(description="理由 — e.g. 企业已停产关闭, 岗位空缺")
    files: list[relay.GlobalID] | None = strawberry.field(default=None, description=FILES_DESCRIPTION)


@strawberry.input(description="审批豁免 — Approve or refuse an exemption request")
class DecideExemptionInput:
    exemption_id: relay.GlobalID = strawberry.field(description="豁免申请 — The request (a DutyRecord)")
    approve: bool = strawberry.field(description="同意 — Approve (true) or refuse (false)")
    note: str | None = strawberry.field(default=None, description="审批意见 — Required when refusing")


@strawberry.input(description="声明特殊时期 — A critical period of a unit and its subtree")
class DeclareCriticalPeriodInput:
    unit_id: relay.GlobalID = strawberry.field(description="单元 — The unit")
    kind: EventKind = strawberry.field(description="类型 — Kind")
    title: str = strawberry.field(description="名称 — e.g. 国庆假期")
    start_date: date = strawberry.field(description="开始日期 — First day")
    end_date: date = strawberry.field(description="结束日期 — Last day")


@strawberry.input(description="撤回特殊时期 — Withdraw a critical period declared by mistake")
class WithdrawCriticalPeriodInput:
    period_id: relay.GlobalID = strawberry.field(description="特殊时期 — The period")
    reason: str = strawberry.field(description="原因 — Why")


@strawberry.type(description="特殊时期变更结果 — Result of a change to critical periods")
class CriticalPeriodPayload:
    period: CriticalPeriod | None = strawberry.field(description="特殊时期 — The row written; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: CriticalPeriodRow | None, errors: list[UserError]) -> CriticalPeriodPayload:
        return cls(period=present(CriticalPeriod.from_row, row), user_errors=errors)


def record_input(data: RecordPerformanceInput, field: str = "") -> rec.RecordInput:
    prefix = (field,) if field else ()
    return rec.RecordInput(
        kind=data.kind.value,
        performed_on=data.performed_on,
        title=data.title,
        unit_ids=[decode_id(u, "OrgUnit", (*prefix, "unitIds", str(n))) for n, u in enumerate(data.unit_ids)],
        item_ids=[
            decode_id(i, "DutyItem", (*prefix, "dutyItemIds", str(n)))
            for n, i in enumerate(data.duty_item_ids)
        ],
        findings=data.findings,
        participants=[
            rec.Participant(
                name=p.name,
                role=p.role,
                person_id=decode_id(p.person_id, "Person", (*prefix, "participants", str(n), "personId"))
                if p.person_id
                else None,
            )
            for n, p in enumerate(data.participants)
        ],
        attachments=[
            rec.Attachment(
                name=a.name, media_type=a.media_type, size_bytes=a.size_bytes, sha256=a.sha256, uri=a.uri
            )
            for a in data.attachments
        ],
        makeup_for=data.makeup_for,
    )
