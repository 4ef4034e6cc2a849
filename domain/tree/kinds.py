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
    # The other trades of 工贸 as the regulators class them (冶金、有色、建材、机械、轻工、
    # 纺织、烟草、商贸); METALLURGY and MACHINERY above are two of them.
    NONFERROUS = "NONFERROUS"  # 有色
    BUILDING_MATERIALS = "BUILDING_MATERIALS"  # 建材
    LIGHT_INDUSTRY = "LIGHT_INDUSTRY"  # 轻工
    TEXTILES = "TEXTILES"  # 纺织
    TOBACCO = "TOBACCO"  # 烟草
    COMMERCE = "COMMERCE"  # 商贸


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
    Trade.NONFERROUS: "有色",
    Trade.BUILDING_MATERIALS: "建材",
    Trade.LIGHT_INDUSTRY: "轻工",
    Trade.TEXTILES: "纺织",
    Trade.TOBACCO: "烟草",
    Trade.COMMERCE: "商贸",
}

TRADE_LABELS_EN = {
    Trade.HAZARDOUS_CHEMICALS: "Hazardous chemicals",
    Trade.METALLURGY: "Metal smelting",
    Trade.DUST_EXPLOSION: "Combustible dust",
    Trade.CONSTRUCTION: "Construction",
    Trade.FIREWORKS: "Fireworks",
    Trade.MINING: "Mining",
    Trade.GAS: "Gas",
    Trade.INDUSTRY_TRADE: "Industry and trade",
    Trade.MACHINERY: "Machinery",
    Trade.FOOD: "Food processing",
    Trade.LOGISTICS: "Warehousing and logistics",
    Trade.OTHER: "Other",
    Trade.NONFERROUS: "Nonferrous metals",
    Trade.BUILDING_MATERIALS: "Building materials",
    Trade.LIGHT_INDUSTRY: "Light industry",
    Trade.TEXTILES: "Textiles",
    Trade.TOBACCO: "Tobacco",
    Trade.COMMERCE: "Commerce",
}

# The trades as regulators class them: each trade's parent, None at the top. 工贸 covers
# 冶金、有色、建材、机械、轻工、纺织、烟草、商贸 (the classification of 工贸 enterprises in
# the regulators' standards); 食品加工 is a 轻工 trade. 粉尘涉爆 is one of 工贸's
# "四涉一有限一使用" special areas (004 附件1: "工贸领域，持续开展‘四涉一有限一使用’专项整
# 治"), so an enterprise classed by it is a 工贸 enterprise. 危险化学品、烟花爆竹、矿山、
# 建设施工、燃气 are regulated apart from 工贸 (002 lists 危化品、工贸、建设施工、城镇燃气
# side by side); 仓储物流 straddles 商贸 and 交通运输 and stays on its own.
TRADE_PARENTS: dict[Trade, Trade | None] = {
    Trade.HAZARDOUS_CHEMICALS: None,
    Trade.FIREWORKS: None,
    Trade.MINING: None,
    Trade.CONSTRUCTION: None,
    Trade.GAS: None,
    Trade.INDUSTRY_TRADE: None,
    Trade.LOGISTICS: None,
    Trade.OTHER: None,
    Trade.METALLURGY: Trade.INDUSTRY_TRADE,
    Trade.NONFERROUS: Trade.INDUSTRY_TRADE,
    Trade.BUILDING_MATERIALS: Trade.INDUSTRY_TRADE,
    Trade.MACHINERY: Trade.INDUSTRY_TRADE,
    Trade.LIGHT_INDUSTRY: Trade.INDUSTRY_TRADE,
    Trade.TEXTILES: Trade.INDUSTRY_TRADE,
    Trade.TOBACCO: Trade.INDUSTRY_TRADE,
    Trade.COMMERCE: Trade.INDUSTRY_TRADE,
    Trade.DUST_EXPLOSION: Trade.INDUSTRY_TRADE,
    Trade.FOOD: Trade.LIGHT_INDUSTRY,
}


def ancestors(trade: Trade) -> tuple[Trade, ...]:
    """The trades above this one, nearest first (机械 → (工贸,))."""
    out: list[Trade] = []
    parent = TRADE_PARENTS[trade]
    while parent is not None:
        out.append(parent)
        parent = TRADE_PARENTS[parent]
    return tuple(out)


def children(trade: Trade) -> tuple[Trade, ...]:
    """The trades directly under this one, in the enum's order."""
    return tuple(t for t in Trade if TRADE_PARENTS[t] is trade)


def descendants(trade: Trade) -> tuple[Trade, ...]:
    """Every trade under this one (not itself), depth first in the enum's order."""
    out: list[Trade] = []
    for child in children(trade):
        out.append(child)
        out.extend(descendants(child))
    return tuple(out)


# A trade as stored (a string) with the trades it belongs to, itself first.
_SELF_AND_ANCESTORS: dict[str, frozenset[str]] = {
    t.value: frozenset({t.value, *(a.value for a in ancestors(t))}) for t in Trade
}


def is_within(trade: str | None, of: Trade) -> bool:
    """The stored trade is `of` or one of its descendants (a 机械 enterprise is a 工贸 one)."""
    return trade is not None and of.value in _SELF_AND_ANCESTORS.get(trade, frozenset({trade}))


def with_descendants(trades: tuple[Trade, ...] | list[Trade]) -> tuple[Trade, ...]:
    """The trades and every trade under them, without repeats, in the enum's order."""
    wanted = {d for t in trades for d in (t, *descendants(t))}
    return tuple(t for t in Trade if t in wanted)


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
