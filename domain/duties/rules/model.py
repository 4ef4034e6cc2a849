"""The rule model: record kinds, critical-period kinds, timings, conditions on the unit,
variants and rules, each able to describe itself and to give its canonical mapping."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from domain.duties.periods import EVERY_LABELS, Every, format_date
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, TRADE_LABELS, RiskClass, Trade, is_within


class RecordKind(StrEnum):
    INSPECTION = "INSPECTION"  # 检查
    MEETING = "MEETING"  # 会议、研究、专题调度
    STUDY = "STUDY"  # 学习
    REPORT = "REPORT"  # 报告、汇报、报送
    DRILL = "DRILL"  # 演练
    TRAINING = "TRAINING"  # 培训
    ON_SITE = "ON_SITE"  # 到场履职
    PLAN = "PLAN"  # 方案、清单、制度
    ASSESSMENT = "ASSESSMENT"  # 评估、研判


RECORD_KIND_LABELS = {
    RecordKind.INSPECTION: "检查",
    RecordKind.MEETING: "会议研究",
    RecordKind.STUDY: "学习",
    RecordKind.REPORT: "报告",
    RecordKind.DRILL: "演练",
    RecordKind.TRAINING: "培训",
    RecordKind.ON_SITE: "到场履职",
    RecordKind.PLAN: "制定方案",
    RecordKind.ASSESSMENT: "评估研判",
}


class EventKind(StrEnum):
    KEY_DATE = "KEY_DATE"  # 重要节点
    RESUMPTION = "RESUMPTION"  # 复工复产
    EMERGENCY = "EMERGENCY"  # 险情
    ACCIDENT = "ACCIDENT"  # 事故
    EXTREME_WEATHER = "EXTREME_WEATHER"  # 灾害天气
    MAJOR_HAZARD = "MAJOR_HAZARD"  # 重大事故隐患


EVENT_KIND_LABELS = {
    EventKind.KEY_DATE: "重要节点",
    EventKind.RESUMPTION: "复工复产",
    EventKind.EMERGENCY: "出现险情",
    EventKind.ACCIDENT: "发生事故",
    EventKind.EXTREME_WEATHER: "灾害天气",
    EventKind.MAJOR_HAZARD: "发现重大事故隐患",
}


# The most days after a critical period a rule may give to act in (`within_days`).
MAX_WITHIN_DAYS = 366


class Coverage(StrEnum):
    PLACARDED = "PLACARDED"  # 挂牌企业全覆盖
    ENTERPRISES = "ENTERPRISES"  # 企业全覆盖


COVERAGE_LABELS = {Coverage.PLACARDED: "挂牌企业", Coverage.ENTERPRISES: "企业"}


class Scope(StrEnum):
    SUBTREE = "SUBTREE"  # the post's unit, its subtree and what it is in charge of
    UNIT = "UNIT"  # the post's own unit only


class Per(StrEnum):
    POST = "POST"
    HOLDER = "HOLDER"  # one obligation per person over all their posts of the list


class FrequencyBasis(StrEnum):
    """Where a frequency comes from: the source document's own number, or a choice of the
    platform (or of a district's admins) where the document gives none ("定期", "不同程度的
    监管力度")."""

    DOCUMENT = "DOCUMENT"  # 文件规定
    DEFAULT = "DEFAULT"  # 园区自定


BASIS_LABELS = {FrequencyBasis.DOCUMENT: "文件规定", FrequencyBasis.DEFAULT: "园区自定"}
BASIS_MARK = "（园区自定）"


WEEKDAY_LABELS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "日"}


@dataclass(frozen=True)
class UnitFacts:
    """What a rule's conditions may look at. None means unknown (not an enterprise)."""

    trade: str | None = None
    high_risk: bool | None = None
    staff_count: int | None = None
    risk_class: str | None = None
    placarded: bool | None = None

    @property
    def small_micro(self) -> bool | None:
        return None if self.staff_count is None else self.staff_count < SMALL_MICRO_STAFF_LIMIT


@dataclass(frozen=True)
class Condition:
    high_risk: bool | None = None
    small_micro: bool | None = None
    placarded: bool | None = None
    trades: tuple[Trade, ...] = ()
    risk_classes: tuple[RiskClass, ...] = ()

    def holds(self, facts: UnitFacts) -> bool:
        if self.high_risk is not None and facts.high_risk is not self.high_risk:
            return False
        if self.small_micro is not None and facts.small_micro is not self.small_micro:
            return False
        if self.placarded is not None and facts.placarded is not self.placarded:
            return False
        # A trade reaches its sub-trades: a rule for 工贸 reaches a 机械 enterprise.
        if self.trades and not any(is_within(facts.trade, t) for t in self.trades):
            return False
        return not (self.risk_classes and facts.risk_class not in self.risk_classes)

    def render(self) -> str:
        parts: list[str] = []
        if self.trades:
            parts.append("、".join(TRADE_LABELS[t] for t in self.trades) + "行业")
        if self.high_risk is not None:
            parts.append("高危行业" if self.high_risk else "非高危行业")
        if self.risk_classes:
            parts.append("、".join(self.risk_classes) + "类企业")
        if self.small_micro is not None:
            parts.append("小微企业" if self.small_micro else "非小微企业")
        if self.placarded is not None:
            parts.append("挂牌企业" if self.placarded else "非挂牌企业")
        return "的".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("high_risk", "small_micro", "placarded"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.trades:
            out["trades"] = [str(t) for t in self.trades]
        if self.risk_classes:
            out["risk_classes"] = [str(c) for c in self.risk_classes]
        return out


class Shape(StrEnum):
    PERIODIC = "PERIODIC"
    ONE_OFF = "ONE_OFF"
    EVENT = "EVENT"


@dataclass(frozen=True)
class Timing:
    shape: Shape
    every: Every | None = None
    interval: int = 1
    anchor_year: int | None = None
    weekday: int | None = None
    deadline: date | None = None
    events: tuple[EventKind, ...] = ()
    within_days: int = 0
    times: int = 1
    coverage: Coverage | None = None

    def render(self) -> str:
        amount = f"完成1次{COVERAGE_LABELS[self.coverage]}全覆盖" if self.coverage else f"至少{self.times}次"
        if self.shape is Shape.ONE_OFF:
            assert self.deadline is not None
            if self.coverage:
                return f"{format_date(self.deadline)}前{amount}"
            return f"{format_date(self.deadline)}前完成" + (f"{self.times}次" if self.times > 1 else "")
        if self.shape is Shape.EVENT:
            when = "、".join(EVENT_KIND_LABELS[e] for e in self.events)
            by = "期间内" if self.within_days == 0 else f"结束后{self.within_days}日内"
            return f"遇{when}时须在{by}完成" + (f"{self.times}次" if self.times > 1 else "")
        assert self.every is not None
        if self.weekday is not None:
            head = f"每周{WEEKDAY_LABELS[self.weekday]}"
        elif self.interval > 1:
            head = f"每{self.interval}年"
        else:
            head = EVERY_LABELS[self.every]
        return head + amount

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.shape is Shape.PERIODIC:
            assert self.every is not None
            out["every"] = str(self.every)
            if self.interval > 1:
                out["interval"] = self.interval
                out["anchor_year"] = self.anchor_year
            if self.weekday is not None:
                out["weekday"] = self.weekday
        elif self.shape is Shape.ONE_OFF:
            assert self.deadline is not None
            out["deadline"] = self.deadline.isoformat()
        else:
            out["events"] = [str(e) for e in self.events]
            if self.within_days:
                out["within_days"] = self.within_days
        if self.coverage:
            out["coverage"] = str(self.coverage)
        else:
            out["times"] = self.times
        return out


@dataclass(frozen=True)
class Variant:
    timing: Timing
    when: Condition | None = None
    # None: the rule's basis (a rule fills it in for each of its variants).
    basis: FrequencyBasis | None = None

    def render(self) -> str:
        return (self.when.render() if self.when else "") + self.timing.render()


@dataclass(frozen=True)
class Rule:
    kinds: tuple[RecordKind, ...]
    variants: tuple[Variant, ...]
    when: Condition | None = None
    start: date | None = None
    end: date | None = None
    campaign: str | None = None
    scope: Scope = Scope.SUBTREE
    per: Per = Per.POST
    indicator: str | None = None
    # The holder may entrust it to another person (主持或者委托分管负责人召开): a delegation
    # lets the delegate's records count for the post (domain.duties.delegations).
    delegable: bool = False
    # Whose number the frequency is; a variant may say otherwise for itself.
    basis: FrequencyBasis = FrequencyBasis.DOCUMENT

    def __post_init__(self) -> None:
        if any(v.basis is None for v in self.variants):
            resolved = tuple(
                v if v.basis is not None else replace(v, basis=self.basis) for v in self.variants
            )
            object.__setattr__(self, "variants", resolved)

    @property
    def has_default_basis(self) -> bool:
        """Some timing of it is the platform's choice (a district may set its own)."""
        return any(v.basis is FrequencyBasis.DEFAULT for v in self.variants)

    def variant_for(self, facts: UnitFacts) -> Variant | None:
        """The timing that applies to a unit with these facts, or None (not applicable)."""
        if self.when is not None and not self.when.holds(facts):
            return None
        for variant in self.variants:
            if variant.when is None or variant.when.holds(facts):
                return variant
        return None

    @property
    def depends_on_unit(self) -> bool:
        return self.when is not None or any(v.when is not None for v in self.variants)

    def render(self) -> str:
        """Readable Chinese, e.g. "每季度至少1次；高危行业每月至少1次"."""
        ordered = sorted(self.variants, key=lambda v: v.when is not None)
        mixed = len({v.basis for v in self.variants}) > 1
        body = "；".join(
            v.render() + (BASIS_MARK if mixed and v.basis is FrequencyBasis.DEFAULT else "") for v in ordered
        )
        prefix = ""
        if self.campaign or self.start or self.end:
            span = _span(self.start, self.end)
            prefix = f"{self.campaign}期间（{span}）" if self.campaign else span
            prefix += "，"
        if self.when is not None:
            prefix += f"仅{self.when.render()}："
        if self.indicator:
            prefix = f"指标：{self.indicator}。" + prefix
        suffix = "（按责任人合计）" if self.per is Per.HOLDER else ""
        if not mixed and self.variants and self.variants[0].basis is FrequencyBasis.DEFAULT:
            suffix += BASIS_MARK
        if self.delegable:
            suffix += "（可委托）"
        return prefix + body + suffix

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kinds": [str(k) for k in self.kinds]}
        basis = self.basis
        if len(self.variants) == 1 and self.variants[0].when is None:
            out.update(self.variants[0].timing.to_dict())
            basis = self.variants[0].basis or basis
        else:
            out["variants"] = [
                ({"when": v.when.to_dict()} if v.when else {})
                | v.timing.to_dict()
                | ({"basis": str(v.basis)} if v.basis not in (None, basis) else {})
                for v in self.variants
            ]
        if self.when is not None:
            out["when"] = self.when.to_dict()
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.campaign:
            out["campaign"] = self.campaign
        if self.scope is not Scope.SUBTREE:
            out["scope"] = str(self.scope)
        if self.per is not Per.POST:
            out["per"] = str(self.per)
        if self.indicator:
            out["indicator"] = self.indicator
        if self.delegable:
            out["delegable"] = True
        if basis is not FrequencyBasis.DOCUMENT:
            out["basis"] = str(basis)
        return out


def _span(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{format_date(start)}至{format_date(end)}"
    if start:
        return f"自{format_date(start)}起"
    assert end is not None
    return f"至{format_date(end)}止"
