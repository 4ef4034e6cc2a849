"""Scores, their explanations, schemes and classes as the API shows them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import LoadedNode
from api.people.types import Person
from api.refs import DEPRECATED_SUBJECT, Actor, actor_of, subject_ref
from api.tree.types import OrgUnit
from authz.visibility.scoring import classes_visible
from domain.rows import rows_by_ids
from domain.scoring import formula as fm
from domain.scoring import queries as sq
from domain.scoring import scheme as sc
from domain.scoring.models import EnterpriseClass as EnterpriseClassRow
from domain.scoring.models import ScoreSchemeVersion as SchemeRow
from domain.scoring.models import UnitScore as UnitScoreRow
from domain.tree.kinds import RiskClass
from domain.tree.models import OrgUnit as OrgUnitRow

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

PeriodKind = strawberry.enum(
    fm.PeriodKind, name="PeriodKind", description="考核期间 — MONTH 月度, QUARTER 季度, YEAR 年度"
)
ScoreScope = strawberry.enum(
    fm.ScoreScope,
    name="ScoreScope",
    description="评分范围 — OWN 本单位（本单位岗位与隐患）, TREE 含下级（整个子树）",
)
WeightClass = strawberry.enum(
    sc.WeightClass,
    name="WeightClass",
    description="权重类别（按履职周期） — DAILY 每日, WEEKLY 每周, MONTHLY 每月, QUARTERLY 每季度, "
    "HALF_YEARLY 每半年, YEARLY 每年, MULTI_YEAR 数年一次, DEADLINE 限期完成, EVENT 重要节点",
)
HazardStanding = strawberry.enum(
    fm.HazardStanding,
    name="HazardStanding",
    description="隐患在考核期间的情形 — CLOSED_ON_TIME 按期销号, CLOSED_LATE 逾期销号, OVERDUE 逾期未销号, "
    "OPEN_MAJOR 重大隐患未销号（未逾期）, OPEN 一般隐患整改中（未逾期）",
)
RiskLevel = strawberry.enum(
    sc.RiskLevel,
    name="RiskLevel",
    description="风险等级（四色） — LOW 低风险, GENERAL 一般风险, HIGHER 较大风险, MAJOR 重大风险",
)


async def unit_of(info: Info, unit_id: int | None) -> OrgUnit | None:
    """A unit by id through the request's loader; None for no id or a unit the caller may not
    read."""
    if unit_id is None:
        return None
    row = await info.context.loaders.unit_by_id.load(unit_id)
    return OrgUnit.from_row(row) if row else None


def _known_or_loaded(info: Info, known: OrgUnitRow | None, unit_id: int) -> OrgUnit | None:
    """A unit field's value: the unit the resolver that made the parent already read and
    authorised, else an awaitable of it through the loader. The field's resolver is sync and
    may return an awaitable (graphql-core awaits it): a list of rows whose units are known
    (the dashboard's 200 enterprises) then costs no coroutine and no task per row."""
    if known is not None:
        return OrgUnit.from_row(known)
    return unit_of(info, unit_id)  # type: ignore[return-value]


@strawberry.type(name="ObligationCounts", description="履职计数 — Counted obligations by status")
class ObligationCounts:
    on_time: int = strawberry.field(description="按时完成 — Done on time")
    late: int = strawberry.field(description="逾期完成 — Done late")
    missed: int = strawberry.field(description="未完成 — Missed")

    @strawberry.field(description="计分总数 — Counted in all (on time + late + missed)")
    def counted(self) -> int:
        return self.on_time + self.late + self.missed

    @strawberry.field(description="按时完成率 — Share done on time, 0–1; null when none counted")
    def on_time_rate(self) -> float | None:
        n = self.on_time + self.late + self.missed
        return round(self.on_time / n, 4) if n else None


@strawberry.type(name="HazardCounts", description="隐患计数 — Hazards that counted in the period")
class HazardCounts:
    counted: int = strawberry.field(description="计分隐患 — Hazards counted (found by then, not rejected)")
    overdue: int = strawberry.field(description="逾期 — Open past their deadline on the judging day")
    open_major: int = strawberry.field(description="重大隐患未销号 — Open major hazards on the judging day")
    closed: int = strawberry.field(description="已销号 — Closed by the judging day")

    @strawberry.field(
        description="期间销号率 — Closed by the judging day among the hazards counted in the period, 0–1; "
        "null when none counted (hazardStats.closureRate is over the whole ledger)"
    )
    def closure_rate(self) -> float | None:
        return round(self.closed / self.counted, 4) if self.counted else None


@strawberry.type(
    name="ComplianceScore",
    description="履职评分 — A unit's score for a period (on its own or with its subtree), "
    "with what it counted",
)
class ComplianceScore:
    scope: fm.ScoreScope = strawberry.field(description="评分范围 — Own or with subtree")
    period_kind: fm.PeriodKind = strawberry.field(description="期间类型 — Month, quarter or year")
    period_start: date = strawberry.field(description="期间开始 — First day of the period")
    period_end: date = strawberry.field(description="期间结束 — Last day of the period")
    score: float | None = strawberry.field(
        description="得分 — Score out of 100; null when nothing counted (no obligation or hazard)"
    )
    obligations: ObligationCounts = strawberry.field(description="履职 — Counted obligations")
    hazards: HazardCounts = strawberry.field(description="隐患 — Counted hazards")
    changed_at: datetime | None = strawberry.field(
        description="变更时间 — When this score last changed (for syncing: see parkCompliance)"
    )
    unit_id: strawberry.Private[int]
    scheme_version_id: strawberry.Private[int | None]
    # The unit's row, when the resolver that made the score has read it and may show it.
    unit_row: strawberry.Private[OrgUnitRow | None] = None

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id(
            "ComplianceScore", self.unit_id, self.scope.value, self.period_kind.value, self.period_start
        )

    @classmethod
    def from_row(cls, row: UnitScoreRow, unit: OrgUnitRow | None = None) -> ComplianceScore:
        kind = fm.PeriodKind(row.period_kind)
        return cls(
            scope=fm.ScoreScope(row.scope),
            period_kind=kind,
            period_start=row.period_start,
            period_end=fm.period_end(kind, row.period_start),
            score=row.score,
            obligations=ObligationCounts(on_time=row.on_time, late=row.late, missed=row.missed),
            hazards=HazardCounts(
                counted=row.hz_counted,
                overdue=row.hz_overdue,
                open_major=row.hz_open_major,
                closed=row.hz_closed,
            ),
            changed_at=row.changed_at,
            unit_id=row.unit_id,
            scheme_version_id=row.scheme_version_id,
            unit_row=unit,
        )

    @classmethod
    def empty(cls, unit_id: int, scope: fm.ScoreScope, kind: fm.PeriodKind, start: date) -> ComplianceScore:
        """A period in which nothing counted."""
        return cls(
            scope=scope,
            period_kind=kind,
            period_start=start,
            period_end=fm.period_end(kind, start),
            score=None,
            obligations=ObligationCounts(on_time=0, late=0, missed=0),
            hazards=HazardCounts(counted=0, overdue=0, open_major=0, closed=0),
            changed_at=None,
            unit_id=unit_id,
            scheme_version_id=None,
        )

    @strawberry.field(description="失分 — Points lost (100 − score); null when there is no score")
    def lost_points(self) -> float | None:
        return None if self.score is None else round(100.0 - self.score, 4)

    @strawberry.field(description="单位 — The unit")
    def unit(self, info: Info) -> OrgUnit | None:
        return _known_or_loaded(info, self.unit_row, self.unit_id)

    @strawberry.field(description="考核方案版本 — The scheme version it was computed with")
    async def scheme_version(self, info: Info) -> ScoringSchemeVersion | None:
        if self.scheme_version_id is None:
            return None
        row = await info.context.loaders.scoring.scheme_version_by_id.load(self.scheme_version_id)
        return ScoringSchemeVersion.from_row(row) if row else None

    @strawberry.field(description="数据截至 — The day statuses were judged on (scores are current to it)")
    async def as_of(self, info: Info) -> date | None:
        state = await info.context.loaders.scoring.state.load(0)
        return state.as_of if state else None


@strawberry.type(name="WeightClassWeight", description="权重 — The weight of one class of obligations")
class WeightClassWeight:
    weight_class: sc.WeightClass = strawberry.field(description="权重类别 — Class (by period)")
    weight: int = strawberry.field(description="权重 — Weight of one obligation of the class")


@strawberry.type(name="ClassRuleStep", description="分级规则 — One step of the A/B/C/D rule")
class ClassRuleStep:
    risk_class: str = strawberry.field(
        description="类别 — A, B or C (an enterprise no step fits is D)",
        deprecation_reason="改用 enterpriseClass — Use enterpriseClass",
    )
    min_score: float = strawberry.field(description="最低得分 — Score at least")
    max_risk: sc.RiskLevel = strawberry.field(description="最高风险 — Risk at most")

    @strawberry.field(
        description="类别 — The class of this step, A, B or C (an enterprise no step fits is D)"
    )
    def enterprise_class(self) -> RiskClass:
        return RiskClass(self.risk_class)


@strawberry.type(
    name="ScoringSchemeVersion",
    description="考核方案版本 — A version of a district's scoring scheme "
    "(null district: the platform default)",
)
class ScoringSchemeVersion(LoadedNode[SchemeRow]):
    id: relay.NodeID[int]
    number: int = strawberry.field(description="版本号 — Version number within its district")
    effective_from: date = strawberry.field(
        description="生效日期 — Scores periods that begin on or after this day"
    )
    note: str | None = strawberry.field(description="说明 — Note")
    created_by: str = strawberry.field(
        description="发布人 — Global ID of the person or client that published it; `cli` or `system`",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    created_at: datetime = strawberry.field(description="发布时间 — When")
    weights: JSON = strawberry.field(description="方案内容 — The whole scheme as JSON (what was published)")
    district_id: strawberry.Private[int | None]
    data: strawberry.Private[sc.Scheme]
    raw_created_by: strawberry.Private[str]

    @strawberry.field(description="发布人 — The person or client that published it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.raw_created_by)

    @classmethod
    def from_row(cls, row: SchemeRow) -> ScoringSchemeVersion:
        return cls(
            id=row.id,
            number=row.number,
            effective_from=row.effective_from,
            note=row.note,
            created_by=subject_ref(row.created_by),
            created_at=row.created_at,
            weights=JSON(row.weights),
            district_id=row.district_id,
            data=sc.load_scheme(row.weights),
            raw_created_by=row.created_by,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, SchemeRow | None]:
        return loaders.scoring.scheme_version_by_id

    @strawberry.field(description="区 — The district; null for the platform default")
    async def district(self, info: Info) -> OrgUnit | None:
        return await unit_of(info, self.district_id)

    @strawberry.field(description="履职分值 — Points of the obligation part (of 100)")
    def points_obligations(self) -> int:
        return self.data.points_obligations

    @strawberry.field(description="隐患分值 — Points of the hazard part (of 100)")
    def points_hazards(self) -> int:
        return self.data.points_hazards

    @strawberry.field(description="履职权重 — Weight of an obligation by its class")
    def class_weights(self) -> list[WeightClassWeight]:
        return [WeightClassWeight(weight_class=k, weight=v) for k, v in self.data.class_weights.items()]

    @strawberry.field(description="逾期完成得分比例 — Credit of a late obligation, % of an on-time one")
    def late_credit(self) -> int:
        return self.data.late_credit

    @strawberry.field(description="一般隐患权重 — Weight of a general hazard")
    def general_hazard_weight(self) -> int:
        return self.data.hazard_weights["GENERAL"]

    @strawberry.field(description="重大隐患权重 — Weight of a major hazard")
    def major_hazard_weight(self) -> int:
        return self.data.hazard_weights["MAJOR"]

    @strawberry.field(description="分级规则 — The A/B/C/D rule, tried in order")
    def class_rule(self) -> list[ClassRuleStep]:
        return [
            ClassRuleStep(risk_class=s.risk_class, min_score=s.min_score, max_risk=s.max_risk)
            for s in self.data.class_rule
        ]


@strawberry.type(name="RankedScore", description="排名 — A unit's score and its rank among its peers")
class RankedScore:
    rank: int = strawberry.field(description="名次 — 1 is the best; equal scores share a rank")
    of: int = strawberry.field(description="参评数 — Units ranked")
    score: ComplianceScore = strawberry.field(description="评分 — The score")


@strawberry.type(name="ParkDashboard", description="园区看板 — One park on the district dashboard")
class ParkDashboard:
    score: ComplianceScore = strawberry.field(
        description="园区评分（含下级） — The park's score with its subtree"
    )
    lowest_enterprises: list[ComplianceScore] = strawberry.field(
        description="得分最低企业 — The park's lowest-scoring enterprises, lowest first"
    )
    park_id: strawberry.Private[int]
    park_row: strawberry.Private[OrgUnitRow | None] = None

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("ParkDashboard", self.park_id, self.score.period_kind.value, self.score.period_start)

    @strawberry.field(description="园区 — The park")
    def park(self, info: Info) -> OrgUnit | None:
        return _known_or_loaded(info, self.park_row, self.park_id)


@strawberry.type(name="DistrictDashboard", description="区级看板 — Every park of a district for one period")
class DistrictDashboard:
    period_kind: fm.PeriodKind = strawberry.field(description="期间类型 — Period kind")
    period_start: date = strawberry.field(description="期间开始 — First day of the period")
    as_of: date | None = strawberry.field(description="数据截至 — The day statuses were judged on")
    parks: list[ParkDashboard] = strawberry.field(description="园区 — The parks, by id")
    district_id: strawberry.Private[int]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("DistrictDashboard", self.district_id, self.period_kind.value, self.period_start)

    @strawberry.field(description="区 — The district")
    async def district(self, info: Info) -> OrgUnit | None:
        return await unit_of(info, self.district_id)


@strawberry.type(
    name="PersonScore", description="责任人评分 — A holder's score: their counted obligations only"
)
class PersonScore:
    period_kind: fm.PeriodKind = strawberry.field(description="期间类型 — Period kind")
    period_start: date = strawberry.field(description="期间开始 — First day of the period")
    period_end: date = strawberry.field(description="期间结束 — Last day of the period")
    score: float | None = strawberry.field(
        description="得分 — Out of 100 (obligations only); null when none counted"
    )
    obligations: ObligationCounts = strawberry.field(description="履职 — Counted obligations")
    person_id: strawberry.Private[int]
    scheme_version_id: strawberry.Private[int | None]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("PersonScore", self.person_id, self.period_kind.value, self.period_start)

    @classmethod
    def of(cls, p: sq.PersonScore) -> PersonScore:
        return cls(
            period_kind=p.kind,
            period_start=p.start,
            period_end=fm.period_end(p.kind, p.start),
            score=p.score,
            obligations=ObligationCounts(on_time=p.on_time, late=p.late, missed=p.missed),
            person_id=p.person_id,
            scheme_version_id=p.scheme_version_id,
        )

    @strawberry.field(description="责任人 — The holder")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person_by_id.load(self.person_id)
        return Person.from_row(row) if row else None


@strawberry.type(
    name="EnterpriseClassDecision", description="分级记录 — An A/B/C/D classification of an enterprise"
)
class EnterpriseClassDecision(LoadedNode[EnterpriseClassRow]):
    id: relay.NodeID[int]
    risk_class: str = strawberry.field(
        description="类别 — A, B, C or D", deprecation_reason="改用 enterpriseClass — Use enterpriseClass"
    )
    previous_class: str | None = strawberry.field(
        description="原类别 — The class before",
        deprecation_reason="改用 previousEnterpriseClass — Use previousEnterpriseClass",
    )
    effective_from: date = strawberry.field(description="生效日期 — In force from (periods beginning then)")
    period_kind: fm.PeriodKind = strawberry.field(description="依据期间类型 — Kind of period scored")
    period_start: date = strawberry.field(description="依据期间 — The period whose score it used")
    score: float | None = strawberry.field(description="得分 — The score it used")
    risk_level: sc.RiskLevel = strawberry.field(description="风险等级 — The risk it used")
    decided_by: str = strawberry.field(
        description="决定人 — Global ID of the person or client that ran the classification; `cli` or "
        "`system`",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    created_at: datetime = strawberry.field(description="时间 — When")
    unit_id: strawberry.Private[int]
    scheme_version_id: strawberry.Private[int]
    raw_decided_by: strawberry.Private[str]

    @strawberry.field(description="类别 — The class decided (A/B/C/D)")
    def enterprise_class(self) -> RiskClass:
        return RiskClass(self.risk_class)

    @strawberry.field(description="原类别 — The class before, if there was one")
    def previous_enterprise_class(self) -> RiskClass | None:
        return RiskClass(self.previous_class) if self.previous_class else None

    @strawberry.field(description="决定人 — The person or client that ran it, if you may see them")
    async def decided_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.raw_decided_by)

    @classmethod
    def from_row(cls, row: EnterpriseClassRow) -> EnterpriseClassDecision:
        return cls(
            id=row.id,
            risk_class=row.risk_class,
            previous_class=row.previous_class,
            effective_from=row.effective_from,
            period_kind=fm.PeriodKind(row.period_kind),
            period_start=row.period_start,
            score=row.score,
            risk_level=sc.RiskLevel(row.risk_level),
            decided_by=subject_ref(row.decided_by),
            created_at=row.created_at,
            unit_id=row.unit_id,
            scheme_version_id=row.scheme_version_id,
            raw_decided_by=row.decided_by,
        )

    @classmethod
    async def load_nodes(cls, *, info: Info, node_ids: Iterable[str]) -> list[EnterpriseClassDecision | None]:
        ids = [int(i) for i in node_ids]
        async with info.context.db() as session:
            found = await rows_by_ids(session, EnterpriseClassRow, ids, classes_visible(info.context.reach))
        return [cls.from_row(found[i]) if i in found else None for i in ids]

    @strawberry.field(description="企业 — The enterprise")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of(info, self.unit_id)

    @strawberry.field(description="考核方案版本 — The scheme whose rule decided it")
    async def scheme_version(self, info: Info) -> ScoringSchemeVersion | None:
        row = await info.context.loaders.scoring.scheme_version_by_id.load(self.scheme_version_id)
        return ScoringSchemeVersion.from_row(row) if row else None
