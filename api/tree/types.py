from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from api.connection import Connection, build_connection, page_request
from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.lazy import lazy_class
from api.nodes import LoadedNode
from domain.posts.kinds import PostKind
from domain.posts.queries import POST_ORDER, PostFilter
from domain.tree.kinds import RiskClass, Trade, UnitKind
from domain.tree.models import OrgUnit as OrgUnitRow
from domain.tree.queries import UNIT_ORDER, ClassInForce, UnitFilter

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders
    from api.posts.types import Post, ResponsiblePersons

PostRef = Annotated["Post", strawberry.lazy("api.posts.types")]
ResponsiblePersonsRef = Annotated["ResponsiblePersons", strawberry.lazy("api.posts.types")]


@strawberry.input(description="单元筛选 — Filter of organisation units")
class UnitFilterInput:
    kinds: list[UnitKind] | None = strawberry.field(default=None, description="单元类型 — Only these kinds")
    search: str | None = strawberry.field(
        default=None, description="搜索 — Part of the name or code, or a whole credit code"
    )
    trades: list[Trade] | None = strawberry.field(
        default=None,
        description="行业 — Only enterprises of these trades or of trades under them (工贸 includes 机械)",
    )
    risk_classes: list[RiskClass] | None = strawberry.field(
        default=None,
        description="企业分类 — Only enterprises whose A/B/C/D class in force today is one of these",
    )
    placarded: bool | None = strawberry.field(
        default=None, description="挂牌 — Placarded (挂牌) enterprises or not"
    )
    high_risk: bool | None = strawberry.field(
        default=None, description="高危行业 — High-risk enterprises or not"
    )
    small_micro: bool | None = strawberry.field(
        default=None, description="小微企业 — Enterprises under 30 staff, or not"
    )
    include_archived: bool = strawberry.field(
        default=False, description="含已撤销 — Also list archived units"
    )

    def to_domain(self, on: date | None = None) -> UnitFilter:
        return UnitFilter(
            kinds=tuple(self.kinds) if self.kinds else None,
            search=self.search,
            trades=tuple(self.trades) if self.trades else None,
            risk_classes=tuple(self.risk_classes) if self.risk_classes else None,
            placarded=self.placarded,
            high_risk=self.high_risk,
            small_micro=self.small_micro,
            include_archived=self.include_archived,
            on=on if self.risk_classes else None,
        )


def unit_filter(given: UnitFilterInput | None, on: date | None = None) -> UnitFilter:
    """`on`: the day whose A/B/C/D class `riskClasses` matches (today, for the API)."""
    return given.to_domain(on) if given else UnitFilter()


@strawberry.input(description="岗位筛选 — Filter of posts")
class PostFilterInput:
    kinds: list[PostKind] | None = strawberry.field(default=None, description="岗位类型 — Only these kinds")
    include_archived: bool = strawberry.field(
        default=False, description="含已撤销 — Also list archived posts"
    )

    def to_domain(self) -> PostFilter:
        return PostFilter(
            kinds=tuple(self.kinds) if self.kinds else None, include_archived=self.include_archived
        )


@strawberry.type(description="企业信息 — Attributes of an enterprise that the rules depend on")
class EnterpriseProfile:
    credit_code: str = strawberry.field(description="统一社会信用代码 — Unified social credit code")
    trade: Trade = strawberry.field(description="行业 — Trade")
    high_risk: bool = strawberry.field(
        description="高危行业 — Whether the enterprise is in a high-risk trade"
    )
    staff_count: int = strawberry.field(description="从业人数 — Staff count")
    small_micro: bool = strawberry.field(description="小微企业 — Fewer than 30 staff")
    placarded: bool = strawberry.field(
        description="挂牌 — Key supervised unit with a public placard and three responsible persons"
    )
    unit_id: strawberry.Private[int]
    # The class decided last (the unit row's): the answer when the history has no row.
    latest_class: strawberry.Private[RiskClass | None]

    async def _in_force(self, info: Info) -> ClassInForce | None:
        return await info.context.loaders.class_in_force_by_unit.load((self.unit_id, info.context.today))

    @strawberry.field(
        description="企业分类 — The A/B/C/D class in force today, if classed (a class decided today "
        "takes effect later: see nextRiskClass)"
    )
    async def risk_class(self, info: Info) -> RiskClass | None:
        found = await self._in_force(info)
        return found.risk_class if found else self.latest_class

    @strawberry.field(description="分类生效日期 — Since when the class in force today has held")
    async def risk_class_since(self, info: Info) -> date | None:
        found = await self._in_force(info)
        return found.since if found else None

    @strawberry.field(description="下一分类 — A class already decided that takes effect after today")
    async def next_risk_class(self, info: Info) -> RiskClass | None:
        found = await self._in_force(info)
        return found.next_class if found else None

    @strawberry.field(description="下一分类生效日期 — The day the next class takes effect")
    async def next_risk_class_from(self, info: Info) -> date | None:
        found = await self._in_force(info)
        return found.next_from if found else None

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("EnterpriseProfile", self.unit_id)


@strawberry.type(
    name="OrgUnit",
    description="组织单元 — A unit of the organisation tree: district (区), park (园区), department (部室) "
    "or enterprise (企业)",
)
class OrgUnit(LoadedNode[OrgUnitRow]):
    id: relay.NodeID[int]
    kind: UnitKind = strawberry.field(description="单元类型 — Kind of unit")
    code: str = strawberry.field(description="编码 — Code, unique among the unit's siblings")
    name: str = strawberry.field(description="名称 — Name")
    depth: int = strawberry.field(description="层级 — Depth in the tree; districts are 0")
    version: int = strawberry.field(description="版本 — Version; updates must send the version they read")
    archived_at: datetime | None = strawberry.field(
        description="撤销时间 — When the unit was archived, if it was"
    )
    created_at: datetime = strawberry.field(description="创建时间 — When the unit was created")
    updated_at: datetime = strawberry.field(description="更新时间 — When the unit last changed")
    row: strawberry.Private[OrgUnitRow]

    @strawberry.field(description="企业信息 — Enterprise attributes; null for other kinds")
    def enterprise(self) -> EnterpriseProfile | None:
        # Built when asked for: lists of units (a dashboard's hundreds) mostly are not.
        row = self.row
        if row.kind != UnitKind.ENTERPRISE:
            return None
        # An enterprise has a trade (the table's check constraint).
        assert row.trade is not None
        return EnterpriseProfile(
            unit_id=row.id,
            credit_code=row.credit_code or "",
            trade=Trade(row.trade),
            high_risk=bool(row.high_risk),
            staff_count=row.staff_count or 0,
            small_micro=bool(row.small_micro),
            latest_class=row.risk_class_value,
            placarded=bool(row.placarded),
        )

    @classmethod
    def from_row(cls, row: OrgUnitRow) -> OrgUnit:
        return cls(
            id=row.id,
            kind=UnitKind(row.kind),
            code=row.code,
            name=row.name,
            depth=row.depth,
            version=row.version,
            archived_at=row.archived_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, OrgUnitRow | None]:
        return loaders.unit_by_id

    @strawberry.field(description="上级单元 — Parent unit; null for a district or if you may not read it")
    async def parent(self, info: Info) -> OrgUnit | None:
        if self.row.parent_id is None:
            return None
        row = await info.context.loaders.unit_by_id.load(self.row.parent_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(
        description="上级路径 — Ancestors from the district down to the parent (at most the tree's depth); "
        "only those you may read"
    )
    async def ancestors(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.unit_by_id.load_many(self.row.ancestor_ids)
        return [OrgUnit.from_row(r) for r in rows if r is not None]

    @strawberry.field(description="下级单元 — Direct children")
    async def children(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: UnitFilterInput | None = None,
    ) -> Connection[OrgUnit]:
        flt = unit_filter(filter, info.context.today)
        loader = info.context.loaders.children_by_unit
        page = await loader.load((self.row.id, page_request(info, first, after, UNIT_ORDER), flt))
        return build_connection(page, OrgUnit.from_row, lambda: loader.counts.load((self.row.id, flt)))

    @strawberry.field(
        description="全部下级 — Every unit below this one (the subtree, without the unit itself)"
    )
    async def descendants(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: UnitFilterInput | None = None,
    ) -> Connection[OrgUnit]:
        flt = unit_filter(filter, info.context.today)
        loader = info.context.loaders.descendants_by_unit
        page = await loader.load((self.row.id, page_request(info, first, after, UNIT_ORDER), flt))
        return build_connection(page, OrgUnit.from_row, lambda: loader.counts.load((self.row.id, flt)))

    @strawberry.field(description="岗位 — Posts (岗位) of this unit")
    async def posts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: PostFilterInput | None = None,
    ) -> Connection[PostRef]:
        flt = filter.to_domain() if filter else PostFilter()
        loader = info.context.loaders.posts_by_unit
        page = await loader.load((self.row.id, page_request(info, first, after, POST_ORDER), flt))
        return build_connection(
            page, lazy_class(PostRef).from_row, lambda: loader.counts.load((self.row.id, flt))
        )

    @strawberry.field(
        description="三个责任人 — The three responsible persons of a placarded enterprise on a date "
        "(default today); null for other units"
    )
    async def responsible_persons(self, info: Info, on: date | None = None) -> ResponsiblePersonsRef | None:
        if self.row.kind != UnitKind.ENTERPRISE:
            return None
        return await lazy_class(ResponsiblePersonsRef).load(info, self, on or info.context.today)
