"""`parse_rule`: a stored or submitted mapping to a `Rule`, refusing a malformed one with a
typed error naming the field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from domain.duties.periods import Every
from domain.duties.rules.model import (
    MAX_WITHIN_DAYS,
    Condition,
    Coverage,
    EventKind,
    FrequencyBasis,
    Per,
    RecordKind,
    Rule,
    Scope,
    Shape,
    Timing,
    Variant,
)
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.tree.kinds import RiskClass, Trade

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
    "delegable",
    "basis",
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
                vdata = self.mapping(item, path, _TIMING_KEYS | {"when", "basis"})
                if vdata is None:
                    continue
                when = self.condition(vdata["when"], (*path, "when")) if "when" in vdata else None
                vbasis = (
                    self.enum(FrequencyBasis, vdata["basis"], (*path, "basis")) if "basis" in vdata else None
                )
                timing = self.timing(vdata, path)
                if when is None and "when" not in vdata and i != len(raw) - 1:
                    self.bad(path, "无条件的默认项须放在最后", "the default variant (no when) must come last")
                if timing is not None:
                    variants.append(Variant(timing, when, vbasis))
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
        delegable = self.boolean(data["delegable"], ("delegable",)) if "delegable" in data else None
        if delegable and per is Per.HOLDER:
            self.bad(
                ("delegable",),
                "按责任人合计的职责不能委托",
                "a duty owed by a person over their posts cannot be delegated",
            )
        basis = (
            self.enum(FrequencyBasis, data.get("basis", "DOCUMENT"), ("basis",)) or FrequencyBasis.DOCUMENT
        )
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
            delegable=bool(delegable),
            basis=basis,
        )


def parse_rule(value: Any, field: Sequence[str] = ("rule",)) -> Rule:
    """A rule from its mapping form; DomainError(INVALID_RULE) names every problem."""
    parser = _Parser(tuple(field))
    rule = parser.rule(value)
    parser.errors.raise_if_any()
    if rule is None:  # pragma: no cover - every failing path records an error
        raise DomainError.one(ErrorCode.INVALID_RULE, tuple(field), "规则无效", "The rule is invalid")
    return rule
