"""The trades as regulators class them (工贸 covers 冶金、有色、建材、机械、轻工 …): each
trade with its labels, parent and children, for a frontend to draw the hierarchy. Public
vocabulary like `enumLabels`: no data, no database."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.keys import ID_DESCRIPTION, key_id
from domain.tree import kinds
from domain.tree.kinds import Trade


@strawberry.type(
    name="TradeNode",
    description="行业分类 — A trade in the regulators' hierarchy, with its parent and children",
)
class TradeNode:
    value: Trade = strawberry.field(description="行业 — The trade as enterprises and rules name it")
    label: str = strawberry.field(description="中文名称 — Label in Chinese, e.g. 机械制造")
    label_en: str = strawberry.field(description="英文名称 — Label in English")
    parent_value: Trade | None = strawberry.field(
        name="parent", description="上级行业 — The trade it belongs to (机械 → 工贸); null at the top"
    )
    ancestors: list[Trade] = strawberry.field(
        description="所属行业 — Every trade above it, nearest first; a rule for any of them reaches it"
    )
    children_values: list[Trade] = strawberry.field(
        name="children", description="下级行业 — The trades directly under it"
    )
    descendants: list[Trade] = strawberry.field(
        description="全部下级行业 — Every trade under it; a rule for it reaches all of them"
    )

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("TradeNode", self.value.value)

    @classmethod
    def of(cls, trade: Trade) -> TradeNode:
        return cls(
            value=trade,
            label=kinds.TRADE_LABELS[trade],
            label_en=kinds.TRADE_LABELS_EN[trade],
            parent_value=kinds.TRADE_PARENTS[trade],
            ancestors=list(kinds.ancestors(trade)),
            children_values=list(kinds.children(trade)),
            descendants=list(kinds.descendants(trade)),
        )


def _ordered() -> list[Trade]:
    """Depth first from the top trades, each followed by those under it."""
    out: list[Trade] = []
    for top in (t for t in Trade if kinds.TRADE_PARENTS[t] is None):
        out.append(top)
        out.extend(kinds.descendants(top))
    return out


@strawberry.type
class TradesQuery:
    @strawberry.field(
        description="行业分类 — Every trade, depth first (each trade followed by the trades under it); "
        "a condition or filter on a trade also matches the trades under it"
    )
    def trades(self) -> list[TradeNode]:
        return [TradeNode.of(t) for t in _ordered()]
