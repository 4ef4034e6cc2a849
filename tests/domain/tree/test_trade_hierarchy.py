"""Trades as regulators class them: a hierarchy whose conditions reach the trades under a
trade (a rule for 工贸 reaches a 机械 enterprise), and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.duties.rules import Condition, UnitFacts, parse_rule
from domain.tree.kinds import (
    TRADE_LABELS,
    TRADE_LABELS_EN,
    TRADE_PARENTS,
    Trade,
    ancestors,
    children,
    descendants,
    is_within,
    with_descendants,
)

trades = st.sampled_from(list(Trade))


def test_industry_trade_covers_the_eight_trades_of_the_regulators() -> None:
    under = set(children(Trade.INDUSTRY_TRADE))
    eight = {
        Trade.METALLURGY,  # 冶金
        Trade.NONFERROUS,  # 有色
        Trade.BUILDING_MATERIALS,  # 建材
        Trade.MACHINERY,  # 机械
        Trade.LIGHT_INDUSTRY,  # 轻工
        Trade.TEXTILES,  # 纺织
        Trade.TOBACCO,  # 烟草
        Trade.COMMERCE,  # 商贸
    }
    assert eight <= under and under - eight == {Trade.DUST_EXPLOSION}
    assert ancestors(Trade.FOOD) == (Trade.LIGHT_INDUSTRY, Trade.INDUSTRY_TRADE)
    assert Trade.FOOD in descendants(Trade.INDUSTRY_TRADE)
    # Regulated apart from 工贸.
    for apart in (Trade.HAZARDOUS_CHEMICALS, Trade.CONSTRUCTION, Trade.FIREWORKS, Trade.MINING, Trade.GAS):
        assert TRADE_PARENTS[apart] is None and not is_within(apart.value, Trade.INDUSTRY_TRADE)


def test_every_trade_has_labels_and_the_hierarchy_has_no_cycle() -> None:
    assert set(TRADE_LABELS) == set(TRADE_LABELS_EN) == set(TRADE_PARENTS) == set(Trade)
    for t in Trade:
        assert t not in ancestors(t) and len(set(ancestors(t))) == len(ancestors(t))


@given(trades, trades)
def test_a_condition_on_a_trade_holds_exactly_for_it_and_the_trades_under_it(rule: Trade, own: Trade) -> None:
    holds = Condition(trades=(rule,)).holds(UnitFacts(trade=own.value))
    assert holds == (own == rule or own in descendants(rule))
    assert holds == (own == rule or rule in ancestors(own))
    assert (own in descendants(rule)) == (rule in ancestors(own))
    assert holds == (own in with_descendants([rule]))


@given(st.lists(trades, min_size=1, max_size=4, unique=True), trades)
def test_a_condition_on_several_trades_holds_when_one_of_them_does(rules: list[Trade], own: Trade) -> None:
    holds = Condition(trades=tuple(rules)).holds(UnitFacts(trade=own.value))
    assert holds == any(own == r or own in descendants(r) for r in rules)


def test_no_trade_or_an_unknown_stored_trade_matches_no_condition() -> None:
    assert not Condition(trades=(Trade.INDUSTRY_TRADE,)).holds(UnitFacts(trade=None))
    assert not Condition(trades=(Trade.INDUSTRY_TRADE,)).holds(UnitFacts(trade="UNHEARD_OF"))


def test_the_2023_three_operations_check_reaches_machinery_and_reads_as_before() -> None:
    rule = parse_rule(
        {
            "kinds": ["INSPECTION"],
            "deadline": "2023-07-31",
            "when": {"trades": ["INDUSTRY_TRADE", "CONSTRUCTION"]},
        }
    )
    assert rule.variant_for(UnitFacts(trade="MACHINERY")) is not None
    assert rule.variant_for(UnitFacts(trade="FOOD")) is not None
    assert rule.variant_for(UnitFacts(trade="HAZARDOUS_CHEMICALS")) is None
    assert rule.render() == "仅工贸、建设施工行业：2023年7月31日前完成"
