"""Duty lists, their versions and items, sources and frequency rules as the API shows them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.connection import Connection, computed_connection
from api.context import Info
from api.nodes import LoadedNode
from api.refs import DEPRECATED_SUBJECT, Actor, actor_of, subject_ref
from api.tree.types import OrgUnit
from domain.duties import rules as r
from domain.duties.models import DutyItem as DutyItemRow
from domain.duties.models import DutyList as DutyListRow
from domain.duties.models import DutyListVersion as DutyListVersionRow
from domain.duties.models import DutyRecordKind as DutyRecordKindValue
from domain.duties.models import DutySource as DutySourceRow
from domain.duties.periods import Every
from domain.posts.kinds import PostKind
from domain.tree.kinds import RiskClass, Trade

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

RecordKind = strawberry.enum(
    r.RecordKind, name="RecordKind", description="记录类型 — Kind of record of performance"
)
# The domain's enum, registered as the GraphQL enum (strawberry.enum returns the class).
DutyRecordKind = DutyRecordKindValue
strawberry.enum(
    DutyRecordKindValue,
    name="DutyRecordKind",
    description="履职记录类型 — What a duty record is: a kind of performance, or an exemption request",
)
EventKind = strawberry.enum(
    r.EventKind,
    name="CriticalPeriodKind",
    description="特殊时期类型 — Kind of critical period (重要节点、复工复产…)",
)
PeriodUnit = strawberry.enum(
    Every, name="PeriodUnit", description="周期 — Natural calendar period (Asia/Shanghai)"
)
CoverageKind = strawberry.enum(
    r.Coverage, name="CoverageKind", description="覆盖范围 — Set of units to cover"
)
RuleShape = strawberry.enum(r.Shape, name="RuleShape", description="规则形式 — How a rule's timing works")
RuleScope = strawberry.enum(r.Scope, name="RuleScope", description="适用范围 — Where records count")
RulePer = strawberry.enum(r.Per, name="RulePer", description="计算口径 — Counted per post or per holder")
FrequencyBasis = strawberry.enum(
    r.FrequencyBasis,
    name="FrequencyBasis",
    description="频次依据 — Whose number a frequency is: the source document's (文件规定) or a default "
    "chosen by the platform or the district (园区自定)",
)


@strawberry.type(name="DutySource", description="来源文件 — A source document requirements come from")
class DutySource:
    id: relay.GlobalID = strawberry.field(description="编号 — The source's global ID (type DutySource)")
    file: str = strawberry.field(description="文件名 — File name of the document")
    issuer: str = strawberry.field(description="发文单位 — Issuer")
    number: str | None = strawberry.field(description="文号 — Document number")
    issued_on: date = strawberry.field(description="发文日期 — Date of issue")
    title: str = strawberry.field(description="标题 — Title")

    @classmethod
    def from_row(cls, row: DutySourceRow) -> DutySource:
        return cls(
            id=relay.GlobalID("DutySource", str(row.id)),
            file=row.file,
            issuer=row.issuer,
            number=row.number,
            issued_on=row.issued_on,
            title=row.title,
        )


@strawberry.type(name="RuleCondition", description="适用条件 — A condition on the unit's attributes")
class RuleCondition:
    text: str = strawberry.field(description="说明 — Readable Chinese, e.g. 高危行业")
    high_risk: bool | None = strawberry.field(description="高危行业 — Whether the trade must be high-risk")
    small_micro: bool | None = strawberry.field(description="小微企业 — Fewer than 30 staff")
    placarded: bool | None = strawberry.field(description="挂牌 — Key supervised with a public placard")
    trades: list[str] = strawberry.field(
        description="行业 — Trades it applies to (empty: any)",
        deprecation_reason="改用 enterpriseTrades — Use enterpriseTrades",
    )
    risk_classes: list[str] = strawberry.field(
        description="分类 — A/B/C/D classes it applies to (empty: any)",
        deprecation_reason="改用 enterpriseClasses — Use enterpriseClasses",
    )
    enterprise_trades: list[Trade] = strawberry.field(description="行业 — Trades it applies to (empty: any)")
    enterprise_classes: list[RiskClass] = strawberry.field(
        description="分类 — A/B/C/D classes it applies to (empty: any)"
    )

    @classmethod
    def of(cls, c: r.Condition) -> RuleCondition:
        return cls(
            text=c.render(),
            high_risk=c.high_risk,
            small_micro=c.small_micro,
            placarded=c.placarded,
            trades=[str(t) for t in c.trades],
            risk_classes=[str(k) for k in c.risk_classes],
            enterprise_trades=list(c.trades),
            enterprise_classes=list(c.risk_classes),
        )


@strawberry.type(name="RuleVariant", description="频次 — One timing of a rule, with the condition it needs")
class RuleVariant:
    text: str = strawberry.field(description="说明 — Readable Chinese, e.g. 高危行业每月至少1次")
    when: RuleCondition | None = strawberry.field(description="条件 — Condition; null for the default")
    shape: str = strawberry.field(
        description="形式 — PERIODIC, ONE_OFF or EVENT", deprecation_reason="改用 ruleShape — Use ruleShape"
    )
    rule_shape: r.Shape = strawberry.field(description="形式 — Periodic, one-off or on critical periods")
    every: Every | None = strawberry.field(description="周期 — Period of a periodic rule")
    interval: int = strawberry.field(description="间隔 — Every N periods (years)")
    anchor_year: int | None = strawberry.field(description="起算年 — First year of an N-year cycle")
    weekday: int | None = strawberry.field(description="星期 — Due weekday (1 = Monday) of a weekly rule")
    deadline: date | None = strawberry.field(description="期限 — Deadline of a one-off rule")
    events: list[r.EventKind] = strawberry.field(description="事件 — Critical periods that trigger it")
    within_days: int = strawberry.field(
        description="宽限天数 — Days after the critical period it may be done"
    )
    times: int = strawberry.field(description="次数 — At least this many records per period")
    coverage: r.Coverage | None = strawberry.field(
        description="覆盖 — Units every one of which must be covered"
    )
    basis: r.FrequencyBasis = strawberry.field(
        description="频次依据 — 文件规定 (the document's number) or 园区自定 (a default where it gives none)"
    )

    @classmethod
    def of(cls, v: r.Variant) -> RuleVariant:
        t = v.timing
        return cls(
            basis=v.basis or r.FrequencyBasis.DOCUMENT,
            text=v.render(),
            when=RuleCondition.of(v.when) if v.when else None,
            shape=t.shape.value,
            rule_shape=t.shape,
            every=t.every,
            interval=t.interval,
            anchor_year=t.anchor_year,
            weekday=t.weekday,
            deadline=t.deadline,
            events=list(t.events),
            within_days=t.within_days,
            times=t.times,
            coverage=t.coverage,
        )


@strawberry.type(name="FrequencyRule", description="频次规则 — When a duty is due and what fulfils it")
class FrequencyRule:
    text: str = strawberry.field(
        description="说明 — Readable Chinese, e.g. 每季度至少1次；高危行业每月至少1次"
    )
    definition: JSON = strawberry.field(description="定义 — The rule as data (the form createDutyList takes)")
    record_kinds: list[r.RecordKind] = strawberry.field(
        description="记录类型 — Kinds of record that fulfil it"
    )
    variants: list[RuleVariant] = strawberry.field(
        description="频次 — Timings; the first whose condition holds applies"
    )
    when: RuleCondition | None = strawberry.field(description="适用条件 — Units it applies to at all")
    start: date | None = strawberry.field(name="from", description="起始日期 — First day it applies")
    end: date | None = strawberry.field(name="to", description="截止日期 — Last day it applies")
    campaign: str | None = strawberry.field(description="专项行动 — The campaign it belongs to")
    scope: r.Scope = strawberry.field(description="范围 — Where records count")
    per: r.Per = strawberry.field(description="口径 — Counted per post, or per holder over all their posts")
    indicator: str | None = strawberry.field(description="指标 — Indicator target, if it is one")
    basis: r.FrequencyBasis = strawberry.field(
        description="频次依据 — 文件规定, or 园区自定 when any of its timings is a default (see variants)"
    )

    delegable: bool = strawberry.field(
        default=False,
        description="可委托 — The holder may entrust it to another leader (主持或者委托), see delegateDuty",
    )

    @classmethod
    def of(cls, rule: r.Rule) -> FrequencyRule:
        return cls(
            basis=r.FrequencyBasis.DEFAULT if rule.has_default_basis else r.FrequencyBasis.DOCUMENT,
            text=rule.render(),
            definition=JSON(rule.to_dict()),
            record_kinds=list(rule.kinds),
            variants=[RuleVariant.of(v) for v in rule.variants],
            when=RuleCondition.of(rule.when) if rule.when else None,
            start=rule.start,
            end=rule.end,
            campaign=rule.campaign,
            scope=rule.scope,
            per=rule.per,
            indicator=rule.indicator,
            delegable=rule.delegable,
        )

    @classmethod
    def of_data(cls, data: dict[str, Any] | None) -> FrequencyRule | None:
        return cls.of(r.parse_rule(data)) if data is not None else None


@strawberry.type(
    name="DutyItem", description="职责 — One duty of a duty list version, with its source and rule"
)
class DutyItem(LoadedNode[DutyItemRow]):
    id: relay.NodeID[int]
    key: str = strawberry.field(description="职责编号 — Names the duty across versions of its list")
    position: int = strawberry.field(description="序号 — Position in the list")
    text: str = strawberry.field(description="职责内容 — The duty's text, as in its source")
    source_clause: str | None = strawberry.field(description="出处条款 — Clause of the source document")
    note: str | None = strawberry.field(description="说明 — Note (how the rule reads the text)")
    meta: JSON | None = strawberry.field(description="附加信息 — e.g. 责任部室, 配合部室 of a key-work item")
    row: strawberry.Private[DutyItemRow]

    @classmethod
    def from_row(cls, row: DutyItemRow) -> DutyItem:
        return cls(
            id=row.id,
            key=row.key,
            position=row.position,
            text=row.text,
            source_clause=row.source_clause,
            note=row.note,
            meta=None if row.meta is None else JSON(row.meta),
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, DutyItemRow | None]:
        return loaders.duties.item_by_id

    @strawberry.field(description="频次规则 — The rule; null for a duty without a frequency")
    def rule(self) -> FrequencyRule | None:
        return FrequencyRule.of_data(self.row.rule)

    @strawberry.field(description="来源文件 — The source document")
    async def source(self, info: Info) -> DutySource | None:
        if self.row.source_id is None:
            return None
        row = await info.context.loaders.duties.source_by_id.load(self.row.source_id)
        return DutySource.from_row(row) if row else None

    @strawberry.field(description="所属版本 — The list version the item belongs to")
    async def version(self, info: Info) -> DutyListVersion | None:
        row = await info.context.loaders.duties.version_by_id.load(self.row.version_id)
        return DutyListVersion.from_row(row) if row else None


@strawberry.type(name="DutyListVersion", description="清单版本 — The items of a list from a date")
class DutyListVersion(LoadedNode[DutyListVersionRow]):
    id: relay.NodeID[int]
    number: int = strawberry.field(description="版本号 — 1 for the first version")
    effective_from: date = strawberry.field(description="生效日期 — First day this version applies")
    note: str | None = strawberry.field(description="修订说明 — What changed and why")
    created_at: datetime = strawberry.field(description="创建时间 — When the version was written")
    created_by: str = strawberry.field(
        description="创建人 — Global ID of the person or client that wrote it",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    row: strawberry.Private[DutyListVersionRow]

    @classmethod
    def from_row(cls, row: DutyListVersionRow) -> DutyListVersion:
        return cls(
            id=row.id,
            number=row.number,
            effective_from=row.effective_from,
            note=row.note,
            created_at=row.created_at,
            created_by=subject_ref(row.created_by),
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, DutyListVersionRow | None]:
        return loaders.duties.version_by_id

    @strawberry.field(description="创建人 — The person or client that wrote it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)

    @strawberry.field(description="失效日期 — Last day before the next version, if there is one")
    async def effective_until(self, info: Info) -> date | None:
        versions = await info.context.loaders.duties.versions_by_list.load(self.row.list_id)
        later = [v for v in versions if v.number == self.row.number + 1]
        return later[0].effective_from - timedelta(days=1) if later else None

    @strawberry.field(description="职责 — The version's items, in order")
    async def items(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DutyItem]:
        rows = await info.context.loaders.duties.items_by_version.load(self.row.id)
        return computed_connection(info, rows, lambda x: (x.position, x.id), DutyItem.from_row, first, after)


@strawberry.type(name="DutyList", description="职责清单 — A duty list carried by posts of some kinds")
class DutyList(LoadedNode[DutyListRow]):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="清单编号 — Code")
    name: str = strawberry.field(description="名称 — Name")
    post_kinds: list[PostKind] = strawberry.field(description="适用岗位 — Kinds of post that carry it")
    source_clause: str | None = strawberry.field(description="出处 — Where the list is in its source")
    created_at: datetime = strawberry.field(description="创建时间 — When the list was created")
    row: strawberry.Private[DutyListRow]

    @classmethod
    def from_row(cls, row: DutyListRow) -> DutyList:
        return cls(
            id=row.id,
            code=row.code,
            name=row.name,
            post_kinds=[PostKind(k) for k in row.post_kinds],
            source_clause=row.source_clause,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, DutyListRow | None]:
        return loaders.duties.list_by_id

    @strawberry.field(description="模板 — Whether it is a catalogue template, bound to no unit")
    def is_template(self) -> bool:
        return self.row.unit_id is None

    @strawberry.field(
        description="所属单元 — The unit whose posts (and subtree's) carry it; null for a template"
    )
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.row.unit_id is None:
            return None
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="采用的模板 — The template it was adopted from")
    async def template(self, info: Info) -> DutyList | None:
        if self.row.template_id is None:
            return None
        row = await info.context.loaders.duties.list_by_id.load(self.row.template_id)
        return DutyList.from_row(row) if row else None

    @strawberry.field(description="来源文件 — The source document")
    async def source(self, info: Info) -> DutySource | None:
        if self.row.source_id is None:
            return None
        row = await info.context.loaders.duties.source_by_id.load(self.row.source_id)
        return DutySource.from_row(row) if row else None

    @strawberry.field(description="版本 — Every version, first to last")
    async def versions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DutyListVersion]:
        rows = await info.context.loaders.duties.versions_by_list.load(self.row.id)
        return computed_connection(info, rows, lambda v: (v.number,), DutyListVersion.from_row, first, after)

    @strawberry.field(
        description="某日版本 — The version in force on a date (default today); null before the first"
    )
    async def version_on(self, info: Info, on: date | None = None) -> DutyListVersion | None:
        day = on or info.context.today
        rows = await info.context.loaders.duties.versions_by_list.load(self.row.id)
        found = [v for v in rows if v.effective_from <= day]
        return DutyListVersion.from_row(found[-1]) if found else None
