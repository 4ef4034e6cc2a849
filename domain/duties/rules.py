"""Frequency rules: one model for every shape the source documents use.

A rule says which kinds of record fulfil a duty and when. Its timing is one of:

- periodic: every DAY/WEEK/MONTH/QUARTER/HALF_YEAR/YEAR (every N years from an anchor
  year), optionally due by a weekday ("每周四"), "at least N times" or "covering a set of
  units" per period;
- one-off: done by a deadline ("2023年12月底前完成");
- event-triggered: during (or within N days after) a declared critical period of the unit
  (重要节点, 复工复产, 险情, 事故, 灾害天气, 重大事故隐患).

Timings may be conditional on the unit (variants with `when`, first match wins, a default
last), the whole rule may apply only to some units (`when`) or only between dates
(`from`/`to`, a campaign), and it may be counted per post or per holder across all their
posts of the list. Rules are stored as the canonical mapping `Rule.to_dict()` returns, and
`parse_rule` refuses a malformed one with a typed error naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from domain.duties.periods import EVERY_LABELS, Every, format_date
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, TRADE_LABELS, RiskClass, Trade


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
        if self.trades and facts.trade not in self.trades:
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
        body = "；".join(v.render() for v in ordered)
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
        return prefix + body + suffix

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kinds": [str(k) for k in self.kinds]}
        if len(self.variants) == 1 and self.variants[0].when is None:
            out.update(self.variants[0].timing.to_dict())
        else:
            out["variants"] = [
                ({"when": v.when.to_dict()} if v.when else {}) | v.timing.to_dict() for v in self.variants
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
        return out


def _span(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{format_date(start)}至{format_date(end)}"
    if start:
        return f"自{format_date(start)}起"
    assert end is not None
    return f"至{format_date(end)}止"


# --- parsing -------------------------------------------------------------------------

_TIMING_KEYS = {
    "every",
    "interval",
    "anchor_year",
    "weekday",
    "deadline",
    "events",
    "within_days",
    "times",
    "coverage",
}
_RULE_KEYS = {
    "kinds",
    "variants",
    "when",
    "from",
    "to",
    "campaign",
    "scope",
    "per",
    "indicator",
} | _TIMING_KEYS
_CONDITION_KEYS = {"high_risk", "small_micro", "placarded", "trades", "risk_classes"}


class _Parser:
    def __init__(self, field: tuple[str, ...]) -> None:
        self.errors = ErrorCollector()
        self.root = field

    def bad(self, path: Sequence[str], zh: str, en: str) -> None:
        self.errors.add(ErrorCode.INVALID_RULE, (*self.root, *path), zh, en)

    def mapping(self, value: Any, path: Sequence[str], allowed: set[str]) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.bad(path, "应为键值对象", "must be an object")
            return None
        for key in value:
            if key not in allowed:
                self.bad((*path, str(key)), f"未知字段“{key}”", f"unknown field '{key}'")
        return value

    def integer(self, value: Any, path: Sequence[str], low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(path, f"应为{low}至{high}之间的整数", f"must be a whole number from {low} to {high}")
            return None
        return value

    def day(self, value: Any, path: Sequence[str]) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.bad(path, "应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)")
        return None

    def enum(self, enum: type[StrEnum], value: Any, path: Sequence[str]) -> Any:
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.bad(path, f"取值应为：{allowed}", f"must be one of: {allowed}")
            return None

    def enum_list(self, enum: type[StrEnum], value: Any, path: Sequence[str]) -> tuple[Any, ...]:
        if not isinstance(value, list) or not value:
            self.bad(path, "应为非空列表", "must be a non-empty list")
            return ()
        items = [self.enum(enum, v, (*path, str(i))) for i, v in enumerate(value)]
        if len(set(items)) != len(items):
            self.bad(path, "列表中有重复项", "has duplicates")
        return tuple(i for i in items if i is not None)

    def boolean(self, value: Any, path: Sequence[str]) -> bool | None:
        if not isinstance(value, bool):
            self.bad(path, "应为 true 或 false", "must be true or false")
            return None
        return value

    def condition(self, value: Any, path: Sequence[str]) -> Condition | None:
        data = self.mapping(value, path, _CONDITION_KEYS)
        if data is None:
            return None
        if not data:
            self.bad(path, "条件不能为空", "must set at least one condition")
            return None
        flags = {
            name: self.boolean(data[name], (*path, name))
            for name in ("high_risk", "small_micro", "placarded")
            if name in data
        }
        trades = self.enum_list(Trade, data["trades"], (*path, "trades")) if "trades" in data else ()
        classes = (
            self.enum_list(RiskClass, data["risk_classes"], (*path, "risk_classes"))
            if "risk_classes" in data
            else ()
        )
        return Condition(trades=trades, risk_classes=classes, **flags)

    def timing(self, data: Mapping[str, Any], path: Sequence[str]) -> Timing | None:
        shapes = [key for key in ("every", "deadline", "events") if key in data]
        if len(shapes) != 1:
            self.bad(
                path,
                "须且只能设定 every（周期）、deadline（期限）、events（事件）之一",
                "must set exactly one of every, deadline or events",
            )
            return None
        times = 1
        coverage = None
        if "coverage" in data:
            coverage = self.enum(Coverage, data["coverage"], (*path, "coverage"))
            if "times" in data:
                self.bad(
                    (*path, "times"), "设定覆盖范围时不能再设次数", "cannot be set together with coverage"
                )
        elif "times" in data:
            times = self.integer(data["times"], (*path, "times"), 1, 1000) or 1
        for key in ("interval", "anchor_year", "weekday"):
            if key in data and shapes[0] != "every":
                self.bad((*path, key), "仅适用于周期性规则", "applies only to periodic rules (every)")
        if "within_days" in data and shapes[0] != "events":
            self.bad((*path, "within_days"), "仅适用于事件触发规则", "applies only to event rules (events)")
        if shapes[0] == "deadline":
            deadline = self.day(data["deadline"], (*path, "deadline"))
            return (
                Timing(Shape.ONE_OFF, deadline=deadline, times=times, coverage=coverage) if deadline else None
            )
        if shapes[0] == "events":
            events = self.enum_list(EventKind, data["events"], (*path, "events"))
            within = self.integer(data.get("within_days", 0), (*path, "within_days"), 0, MAX_WITHIN_DAYS)
            if coverage is not None:
                self.bad(
                    (*path, "coverage"),
                    "事件触发规则不设覆盖范围",
                    "event rules cover the event's units already",
                )
            return Timing(Shape.EVENT, events=events, within_days=within or 0, times=times)
        every = self.enum(Every, data["every"], (*path, "every"))
        if every is None:
            return None
        interval = 1
        anchor = None
        if "interval" in data:
            interval = self.integer(data["interval"], (*path, "interval"), 2, 100) or 1
            if every is not Every.YEAR:
                self.bad((*path, "interval"), "间隔仅适用于按年规则", "an interval applies only to YEAR")
            if "anchor_year" not in data:
                self.bad((*path, "anchor_year"), "设定间隔时须给出起算年份", "is required with an interval")
        if "anchor_year" in data:
            anchor = self.integer(data["anchor_year"], (*path, "anchor_year"), 1949, 2200)
            if "interval" not in data:
                self.bad((*path, "anchor_year"), "仅在设定间隔时使用", "is used only with an interval")
        weekday = None
        if "weekday" in data:
            weekday = self.integer(data["weekday"], (*path, "weekday"), 1, 7)
            if every is not Every.WEEK:
                self.bad((*path, "weekday"), "星期仅适用于按周规则", "a weekday applies only to WEEK")
        return Timing(
            Shape.PERIODIC,
            every=every,
            interval=interval,
            anchor_year=anchor,
            weekday=weekday,
            times=times,
            coverage=coverage,
        )

    def rule(self, value: Any) -> Rule | None:
        data = self.mapping(value, (), _RULE_KEYS)
        if data is None:
            return None
        kinds: tuple[RecordKind, ...] = ()
        if "kinds" not in data:
            self.bad(("kinds",), "须列明可履行该职责的记录类型", "must list the record kinds that fulfil it")
        else:
            kinds = self.enum_list(RecordKind, data["kinds"], ("kinds",))
        variants: list[Variant] = []
        if "variants" in data:
            if any(key in data for key in _TIMING_KEYS):
                self.bad(
                    ("variants",), "设定 variants 时，频次须写在各分项中", "timing goes inside each variant"
                )
            raw = data["variants"]
            if not isinstance(raw, list) or not raw:
                self.bad(("variants",), "应为非空列表", "must be a non-empty list")
                raw = []
            for i, item in enumerate(raw):
                path = ("variants", str(i))
                vdata = self.mapping(item, path, _TIMING_KEYS | {"when"})
                if vdata is None:
                    continue
                when = self.condition(vdata["when"], (*path, "when")) if "when" in vdata else None
                timing = self.timing(vdata, path)
                if when is None and "when" not in vdata and i != len(raw) - 1:
                    self.bad(path, "无条件的默认项须放在最后", "the default variant (no when) must come last")
                if timing is not None:
                    variants.append(Variant(timing, when))
        else:
            timing = self.timing(data, ())
            if timing is not None:
                variants.append(Variant(timing))
        when = self.condition(data["when"], ("when",)) if "when" in data else None
        start = self.day(data["from"], ("from",)) if "from" in data else None
        end = self.day(data["to"], ("to",)) if "to" in data else None
        if start and end and end < start:
            self.bad(("to",), "结束日期不能早于开始日期", "must not be before from")
        campaign = data.get("campaign")
        if campaign is not None and (
            not isinstance(campaign, str) or not campaign.strip() or len(campaign) > 200
        ):
            self.bad(("campaign",), "应为不超过200字的名称", "must be a name of at most 200 characters")
        if campaign is not None and not (start and end):
            self.bad(("campaign",), "专项行动须给出起止日期（from、to）", "a campaign needs both from and to")
        indicator = data.get("indicator")
        if indicator is not None and (not isinstance(indicator, str) or not indicator.strip()):
            self.bad(("indicator",), "应为指标说明文字", "must be the indicator's text")
        scope = self.enum(Scope, data.get("scope", "SUBTREE"), ("scope",)) or Scope.SUBTREE
        per = self.enum(Per, data.get("per", "POST"), ("per",)) or Per.POST
        for v in variants:
            t = v.timing
            if t.shape is Shape.ONE_OFF and t.deadline and start and t.deadline < start:
                self.bad(("deadline",), "期限早于规则生效日期", "is before the rule's from date")
            if t.coverage is not None and scope is Scope.UNIT:
                self.bad(
                    ("scope",),
                    "覆盖范围规则不能只限本单位",
                    "a coverage rule needs a scope wider than one unit",
                )
        if self.errors.errors:
            return None
        return Rule(
            kinds=kinds,
            variants=tuple(variants),
            when=when,
            start=start,
            end=end,
            campaign=campaign.strip() if isinstance(campaign, str) else None,
            scope=scope,
            per=per,
            indicator=indicator.strip() if isinstance(indicator, str) else None,
        )


def parse_rule(value: Any, field: Sequence[str] = ("rule",)) -> Rule:
    """A rule from its mapping form; DomainError(INVALID_RULE) names every problem."""
    parser = _Parser(tuple(field))
    rule = parser.rule(value)
    parser.errors.raise_if_any()
    if rule is None:  # pragma: no cover - every failing path records an error
        raise DomainError.one(ErrorCode.INVALID_RULE, tuple(field), "规则无效", "The rule is invalid")
    return rule
