"""Scoring schemes (考核方案): the weights a score is computed with, and the class rule.

A scheme is data. Its JSON form (`Scheme.to_dict`, what `score_scheme_version.weights`
stores and the API shows):

    {"points": {"obligations": 70, "hazards": 30},
     "classWeights": {"DAILY": 1, "WEEKLY": 3, ...},   # per obligation, by its period
     "lateCredit": 50,                                    # % of an on-time obligation
     "hazardWeights": {"GENERAL": 2, "MAJOR": 10},
     "hazardCredits": {"OPEN_MAJOR": 50, "OVERDUE": 0, "CLOSED_LATE": 50},
     "classRule": [{"class": "A", "minScore": 90, "maxRisk": "GENERAL"}, ...]}

Every weight is a whole number so that the stored sums are exact (an incremental update
and a full rebuild agree to the unit, not to a rounding error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

from domain.duties.periods import Every
from domain.duties.rules import Shape, Timing
from domain.errors import ErrorCode, ErrorCollector


class WeightClass(StrEnum):
    """What an obligation weighs by: the length of its period (missing a yearly
    assessment costs more than missing one daily check)."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"
    HALF_YEARLY = "HALF_YEARLY"
    YEARLY = "YEARLY"
    MULTI_YEAR = "MULTI_YEAR"
    DEADLINE = "DEADLINE"  # one-off (限期完成)
    EVENT = "EVENT"  # critical periods (重要节点、复工复产…)


WEIGHT_CLASS_LABELS = {
    WeightClass.DAILY: "每日",
    WeightClass.WEEKLY: "每周",
    WeightClass.MONTHLY: "每月",
    WeightClass.QUARTERLY: "每季度",
    WeightClass.HALF_YEARLY: "每半年",
    WeightClass.YEARLY: "每年",
    WeightClass.MULTI_YEAR: "数年一次",
    WeightClass.DEADLINE: "限期完成",
    WeightClass.EVENT: "重要节点",
}

_BY_EVERY = {
    Every.DAY: WeightClass.DAILY,
    Every.WEEK: WeightClass.WEEKLY,
    Every.MONTH: WeightClass.MONTHLY,
    Every.QUARTER: WeightClass.QUARTERLY,
    Every.HALF_YEAR: WeightClass.HALF_YEARLY,
    Every.YEAR: WeightClass.YEARLY,
}


def weight_class(timing: Timing) -> WeightClass:
    if timing.shape is Shape.ONE_OFF:
        return WeightClass.DEADLINE
    if timing.shape is Shape.EVENT:
        return WeightClass.EVENT
    assert timing.every is not None
    if timing.every is Every.YEAR and timing.interval > 1:
        return WeightClass.MULTI_YEAR
    return _BY_EVERY[timing.every]


class HazardCredit(StrEnum):
    OPEN_MAJOR = "OPEN_MAJOR"  # a major hazard open and not yet past its deadline (动态清零)
    OVERDUE = "OVERDUE"  # open past its deadline
    CLOSED_LATE = "CLOSED_LATE"  # closed (销号) after its deadline


class RiskLevel(StrEnum):
    """Four-colour risk (四色风险): 低 / 一般 / 较大 / 重大."""

    LOW = "LOW"
    GENERAL = "GENERAL"
    HIGHER = "HIGHER"
    MAJOR = "MAJOR"


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.GENERAL: 1, RiskLevel.HIGHER: 2, RiskLevel.MAJOR: 3}
RISK_LABELS = {RiskLevel.LOW: "低风险", RiskLevel.GENERAL: "一般风险", RiskLevel.HIGHER: "较大风险",
               RiskLevel.MAJOR: "重大风险"}  # fmt: skip


@dataclass(frozen=True)
class ClassStep:
    """Class `risk_class` when the score is at least `min_score` and the risk at most
    `max_risk`; steps are tried in order, and an enterprise none fits is class D."""

    risk_class: str
    min_score: float
    max_risk: RiskLevel


@dataclass(frozen=True)
class Scheme:
    points_obligations: int = 70
    points_hazards: int = 30
    class_weights: dict[WeightClass, int] = field(
        default_factory=lambda: {
            WeightClass.DAILY: 1,
            WeightClass.WEEKLY: 3,
            WeightClass.MONTHLY: 6,
            WeightClass.QUARTERLY: 10,
            WeightClass.HALF_YEARLY: 12,
            WeightClass.YEARLY: 15,
            WeightClass.MULTI_YEAR: 15,
            WeightClass.DEADLINE: 15,
            WeightClass.EVENT: 10,
        }
    )
    late_credit: int = 50
    hazard_weights: dict[str, int] = field(default_factory=lambda: {"GENERAL": 2, "MAJOR": 10})
    hazard_credits: dict[HazardCredit, int] = field(
        default_factory=lambda: {
            HazardCredit.OPEN_MAJOR: 50,
            HazardCredit.OVERDUE: 0,
            HazardCredit.CLOSED_LATE: 50,
        }
    )
    class_rule: tuple[ClassStep, ...] = (
        ClassStep("A", 90, RiskLevel.GENERAL),
        ClassStep("B", 80, RiskLevel.HIGHER),
        ClassStep("C", 60, RiskLevel.MAJOR),
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "points": {"obligations": self.points_obligations, "hazards": self.points_hazards},
            "classWeights": {str(k): v for k, v in self.class_weights.items()},
            "lateCredit": self.late_credit,
            "hazardWeights": dict(self.hazard_weights),
            "hazardCredits": {str(k): v for k, v in self.hazard_credits.items()},
            "classRule": [
                {"class": s.risk_class, "minScore": s.min_score, "maxRisk": str(s.max_risk)}
                for s in self.class_rule
            ],
        }

    def credit(self, status_late: bool) -> int:
        return self.late_credit if status_late else 100

    def classify(self, score: float | None, risk: RiskLevel) -> str | None:
        """The class for a score and risk; None when there is no score to judge by."""
        if score is None:
            return None
        for step in self.class_rule:
            if score >= step.min_score and RISK_ORDER[risk] <= RISK_ORDER[step.max_risk]:
                return step.risk_class
        return "D"


DEFAULT_SCHEME = Scheme()


def _whole(errors: ErrorCollector, field: tuple[str, ...], value: Any, lo: int, hi: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        errors.add(
            ErrorCode.INVALID_VALUE,
            field,
            f"须为{lo}至{hi}之间的整数",
            f"must be a whole number from {lo} to {hi}",
        )
        return None
    return value


def parse_scheme(data: dict[str, Any], errors: ErrorCollector, base: str = "weights") -> Scheme:
    """A scheme from its JSON form; missing sections keep the platform default. Problems go
    to `errors`, each naming its field (e.g. weights.classWeights.DAILY)."""
    d = DEFAULT_SCHEME
    if not isinstance(data, dict):
        errors.add(ErrorCode.INVALID_VALUE, base, "须为对象", "must be an object")
        return d
    unknown = set(data) - {
        "points",
        "classWeights",
        "lateCredit",
        "hazardWeights",
        "hazardCredits",
        "classRule",
    }
    for key in sorted(unknown):
        errors.add(ErrorCode.INVALID_VALUE, (base, key), "未知的设置项", "unknown setting")
    points = data.get("points", {"obligations": d.points_obligations, "hazards": d.points_hazards})
    po = _whole(errors, (base, "points", "obligations"), points.get("obligations") if isinstance(points, dict)
                else None, 0, 100)  # fmt: skip
    ph = _whole(errors, (base, "points", "hazards"), points.get("hazards") if isinstance(points, dict)
                else None, 0, 100)  # fmt: skip
    if po is not None and ph is not None and po + ph != 100:
        errors.add(ErrorCode.INVALID_VALUE, (base, "points"), "履职与隐患分值之和须为100",
                   "obligation and hazard points must add up to 100")  # fmt: skip
    weights = dict(d.class_weights)
    raw = data.get("classWeights", {})
    if not isinstance(raw, dict):
        errors.add(ErrorCode.INVALID_VALUE, (base, "classWeights"), "须为对象", "must be an object")
        raw = {}
    for key, value in raw.items():
        if key not in WeightClass.__members__:
            errors.add(ErrorCode.INVALID_VALUE, (base, "classWeights", str(key)), "未知的频次类别",
                       "unknown weight class")  # fmt: skip
            continue
        w = _whole(errors, (base, "classWeights", key), value, 0, 1000)
        if w is not None:
            weights[WeightClass(key)] = w
    late = _whole(errors, (base, "lateCredit"), data.get("lateCredit", d.late_credit), 0, 100)
    hw = dict(d.hazard_weights)
    raw = data.get("hazardWeights", {})
    for key, value in raw.items() if isinstance(raw, dict) else ():
        if key not in ("GENERAL", "MAJOR"):
            errors.add(
                ErrorCode.INVALID_VALUE, (base, "hazardWeights", str(key)), "未知的隐患等级", "unknown grade"
            )
            continue
        w = _whole(errors, (base, "hazardWeights", key), value, 0, 1000)
        if w is not None:
            hw[key] = w
    hc = dict(d.hazard_credits)
    raw = data.get("hazardCredits", {})
    for key, value in raw.items() if isinstance(raw, dict) else ():
        if key not in HazardCredit.__members__:
            errors.add(ErrorCode.INVALID_VALUE, (base, "hazardCredits", str(key)), "未知的隐患情形",
                       "unknown hazard case")  # fmt: skip
            continue
        c = _whole(errors, (base, "hazardCredits", key), value, 0, 100)
        if c is not None:
            hc[HazardCredit(key)] = c
    steps = list(d.class_rule)
    if "classRule" in data:
        steps = []
        raw_rule = data["classRule"]
        if not isinstance(raw_rule, list) or not raw_rule:
            errors.add(
                ErrorCode.INVALID_VALUE, (base, "classRule"), "须为非空列表", "must be a non-empty list"
            )
            raw_rule = []
        seen: list[str] = []
        for n, step in enumerate(raw_rule):
            f = (base, "classRule", str(n))
            if not isinstance(step, dict):
                errors.add(ErrorCode.INVALID_VALUE, f, "须为对象", "must be an object")
                continue
            cls = step.get("class")
            if cls not in ("A", "B", "C") or cls in seen or (seen and cls <= seen[-1]):
                errors.add(ErrorCode.INVALID_VALUE, (*f, "class"), "须为A、B、C之一，按顺序且不重复",
                           "must be A, B or C, in order, each once")  # fmt: skip
                continue
            seen.append(cls)
            score = step.get("minScore")
            if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
                errors.add(ErrorCode.INVALID_VALUE, (*f, "minScore"), "须为0至100之间的分数",
                           "must be a score from 0 to 100")  # fmt: skip
                continue
            risk = step.get("maxRisk")
            if risk not in RiskLevel.__members__:
                errors.add(ErrorCode.INVALID_VALUE, (*f, "maxRisk"), "须为LOW、GENERAL、HIGHER、MAJOR之一",
                           "must be LOW, GENERAL, HIGHER or MAJOR")  # fmt: skip
                continue
            steps.append(ClassStep(str(cls), float(score), RiskLevel(str(risk))))
        for a, b in pairwise(steps):
            if b.min_score > a.min_score:
                errors.add(ErrorCode.INVALID_VALUE, (base, "classRule"), "较低类别的分数线不能高于较高类别",
                           "a lower class cannot need a higher score")  # fmt: skip
                break
    return Scheme(
        points_obligations=po if po is not None else d.points_obligations,
        points_hazards=ph if ph is not None else d.points_hazards,
        class_weights=weights,
        late_credit=late if late is not None else d.late_credit,
        hazard_weights=hw,
        hazard_credits=hc,
        class_rule=tuple(steps),
    )


def load_scheme(data: dict[str, Any]) -> Scheme:
    """A stored scheme (validated when it was saved)."""
    errors = ErrorCollector()
    scheme = parse_scheme(data, errors)
    errors.raise_if_any()
    return scheme
