"""Vocabularies of the tree: unit kinds, trades, risk classes, and where each kind may hang."""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    DISTRICT = "DISTRICT"  # 区
    PARK = "PARK"  # 园区
    DEPARTMENT = "DEPARTMENT"  # 部室/科室
    ENTERPRISE = "ENTERPRISE"  # 企业


UNIT_KIND_LABELS = {
    UnitKind.DISTRICT: "区",
    UnitKind.PARK: "园区",
    UnitKind.DEPARTMENT: "部室",
    UnitKind.ENTERPRISE: "企业",
}

# Which kinds a unit of each kind may hang under. An enterprise hangs under the department
# that supervises its trade (行业监管), or directly under a park that has no such department.
ALLOWED_PARENTS: dict[UnitKind, frozenset[UnitKind | None]] = {
    UnitKind.DISTRICT: frozenset({None}),
    UnitKind.PARK: frozenset({UnitKind.DISTRICT}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.PARK}),
    UnitKind.ENTERPRISE: frozenset({UnitKind.DEPARTMENT, UnitKind.PARK}),
}


class Trade(StrEnum):
    HAZARDOUS_CHEMICALS = "HAZARDOUS_CHEMICALS"  # 危险化学品
    METALLURGY = "METALLURGY"  # 金属冶炼
    DUST_EXPLOSION = "DUST_EXPLOSION"  # 粉尘涉爆
    CONSTRUCTION = "CONSTRUCTION"  # 建设施工
    FIREWORKS = "FIREWORKS"  # 烟花爆竹
    MINING = "MINING"  # 矿山
    GAS = "GAS"  # 燃气
    INDUSTRY_TRADE = "INDUSTRY_TRADE"  # 工贸
    MACHINERY = "MACHINERY"  # 机械制造
    FOOD = "FOOD"  # 食品加工
    LOGISTICS = "LOGISTICS"  # 仓储物流
    OTHER = "OTHER"  # 其他


TRADE_LABELS = {
    Trade.HAZARDOUS_CHEMICALS: "危险化学品",
    Trade.METALLURGY: "金属冶炼",
    Trade.DUST_EXPLOSION: "粉尘涉爆",
    Trade.CONSTRUCTION: "建设施工",
    Trade.FIREWORKS: "烟花爆竹",
    Trade.MINING: "矿山",
    Trade.GAS: "燃气",
    Trade.INDUSTRY_TRADE: "工贸",
    Trade.MACHINERY: "机械制造",
    Trade.FOOD: "食品加工",
    Trade.LOGISTICS: "仓储物流",
    Trade.OTHER: "其他",
}

# Trades the documents treat as 高危行业 unless an admin says otherwise for one enterprise.
HIGH_RISK_TRADES = frozenset(
    {
        Trade.HAZARDOUS_CHEMICALS,
        Trade.METALLURGY,
        Trade.FIREWORKS,
        Trade.MINING,
        Trade.CONSTRUCTION,
    }
)


class RiskClass(StrEnum):
    """A/B/C/D enterprise classes (source 002): supervision intensity rises from A to D."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


# 小微企业: fewer than 30 staff (source 001).
SMALL_MICRO_STAFF_LIMIT = 30
