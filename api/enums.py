"""Domain vocabularies exposed as GraphQL enums (the domain owns the values)."""

from __future__ import annotations

import strawberry

from domain.posts.kinds import PostKind
from domain.tree.kinds import RiskClass, Trade, UnitKind

UnitKindEnum = strawberry.enum(
    UnitKind, name="UnitKind", description="单元类型 — Kind of organisation unit: 区, 园区, 部室, 企业"
)
TradeEnum = strawberry.enum(Trade, name="Trade", description="行业 — Trade of an enterprise")
RiskClassEnum = strawberry.enum(
    RiskClass,
    name="RiskClass",
    description="企业分类 — A/B/C/D class; supervision intensity rises from A to D",
)
PostKindEnum = strawberry.enum(PostKind, name="PostKind", description="岗位类型 — Kind of post (岗位)")
