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
from api.tree.types import OrgUnit
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment as AssignmentRow
from domain.posts.models import Post as PostRow
from domain.posts.models import PostCharge as PostChargeRow
from domain.posts.queries import ASSIGNMENT_ORDER, CHARGE_ORDER, AssignmentFilter
from domain.tree.queries import UNIT_ORDER

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders
    from api.people.types import Person

PersonRef = Annotated["Person", strawberry.lazy("api.people.types")]


@strawberry.type(
    name="Post",
    description="岗位 — A post at a unit; it carries a duty list and is held by persons (实名制)",
)
class Post(LoadedNode[PostRow]):
    id: relay.NodeID[int]
    kind: PostKind = strawberry.field(description="岗位类型 — Kind of post")
    title: str = strawberry.field(description="岗位名称 — Title")
    single_holder: bool = strawberry.field(
        description="一人一岗 — Whether one person at a time holds the post"
    )
    version: int = strawberry.field(description="版本 — Version")
    archived_at: datetime | None = strawberry.field(
        description="撤销时间 — When the post was archived, if it was"
    )
    created_at: datetime = strawberry.field(description="创建时间 — When the post was created")
    row: strawberry.Private[PostRow]

    @classmethod
    def from_row(cls, row: PostRow) -> Post:
        return cls(
            id=row.id,
            kind=PostKind(row.kind),
            title=row.title,
            single_holder=row.single_holder,
            version=row.version,
            archived_at=row.archived_at,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, PostRow | None]:
        return loaders.post_by_id

    @strawberry.field(description="所在单元 — The unit the post belongs to; null if you may not read it")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(
        description="任职人员 — Assignments in force on a date (default today): who held the post that day"
    )
    async def holders(
        self, info: Info, on: date | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Assignment]:
        flt = AssignmentFilter(on=on or info.context.today)
        return await _assignments(info, self.row.id, flt, first, after)

    @strawberry.field(
        description="任职历史 — Every assignment of the post, past, current and future, oldest first; "
        "with includeHistory also the rows later corrected or withdrawn"
    )
    async def assignments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        include_history: bool = False,
    ) -> Connection[Assignment]:
        return await _assignments(
            info, self.row.id, AssignmentFilter(include_history=include_history), first, after
        )

    @strawberry.field(
        description="分管记录 — The post's 分管 records, oldest first: open ones, or with includeEnded "
        "also the ended ones"
    )
    async def charges(
        self, info: Info, first: int | None = None, after: str | None = None, include_ended: bool = False
    ) -> Connection[PostCharge]:
        loader = info.context.loaders.charges_by_post
        page = await loader.load((self.row.id, page_request(info, first, after, CHARGE_ORDER), include_ended))
        return build_connection(
            page, PostCharge.from_row, lambda: loader.counts.load((self.row.id, include_ended))
        )

    @strawberry.field(
        description="分管单元 — Units the post is in charge of (分管, 一岗双责) on a date (default today)"
    )
    async def in_charge_of(
        self, info: Info, on: date | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[OrgUnit]:
        day = on or info.context.today
        loader = info.context.loaders.charged_units_by_post
        page = await loader.load((self.row.id, page_request(info, first, after, UNIT_ORDER), day))
        return build_connection(page, OrgUnit.from_row, lambda: loader.counts.load((self.row.id, day)))


@strawberry.type(
    name="PostCharge",
    description="分管记录 — A post is in charge of (分管) a unit from a start date to an end date "
    "(both inclusive; open until ended). 一岗双责 follows these records",
)
class PostCharge(LoadedNode[PostChargeRow]):
    id: relay.NodeID[int]
    start_date: date = strawberry.field(description="开始日期 — First day in charge")
    end_date: date | None = strawberry.field(description="结束日期 — Last day in charge; null while open")
    created_at: datetime = strawberry.field(description="记录时间 — When this record was written")
    row: strawberry.Private[PostChargeRow]

    @classmethod
    def from_row(cls, row: PostChargeRow) -> PostCharge:
        return cls(
            id=row.id, start_date=row.start_date, end_date=row.end_date, created_at=row.created_at, row=row
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, PostChargeRow | None]:
        return loaders.charge_by_id

    @strawberry.field(description="岗位 — The post in charge; null if you may not read it")
    async def post(self, info: Info) -> Post | None:
        row = await info.context.loaders.post_by_id.load(self.row.post_id)
        return Post.from_row(row) if row else None

    @strawberry.field(description="分管单元 — The unit in charge; null if you may not read it")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None


async def _assignments(
    info: Info, post_id: int, flt: AssignmentFilter, first: int | None, after: str | None
) -> Connection[Assignment]:
    loader = info.context.loaders.assignments_by_post
    page = await loader.load((post_id, page_request(info, first, after, ASSIGNMENT_ORDER), flt))
    return build_connection(page, Assignment.from_row, lambda: loader.counts.load((post_id, flt)))


@strawberry.type(
    name="Assignment",
    description="任职 — A person holds a post from a start date to an end date (both inclusive; open "
    "until ended). Never overwritten: corrections are new records that point at what they correct",
)
class Assignment(LoadedNode[AssignmentRow]):
    id: relay.NodeID[int]
    start_date: date = strawberry.field(description="开始日期 — First day held")
    end_date: date | None = strawberry.field(description="结束日期 — Last day held; null while open")
    withdrawn: bool = strawberry.field(
        description="撤回 — This record withdraws the one it corrects (it was entered in error)"
    )
    note: str | None = strawberry.field(description="备注 — Note, or the reason of a correction")
    version: int = strawberry.field(description="版本 — Version; ending or correcting sends it")
    created_at: datetime = strawberry.field(description="记录时间 — When this record was written")
    ended_at: datetime | None = strawberry.field(description="结束登记时间 — When the end date was recorded")
    row: strawberry.Private[AssignmentRow]

    @classmethod
    def from_row(cls, row: AssignmentRow) -> Assignment:
        return cls(
            id=row.id,
            start_date=row.start_date,
            end_date=row.end_date,
            withdrawn=row.withdrawn,
            note=row.note,
            version=row.version,
            created_at=row.created_at,
            ended_at=row.ended_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, AssignmentRow | None]:
        return loaders.assignment_by_id

    @strawberry.field(description="岗位 — The post; null if you may not read it")
    async def post(self, info: Info) -> Post | None:
        row = await info.context.loaders.post_by_id.load(self.row.post_id)
        return Post.from_row(row) if row else None

    @strawberry.field(description="人员 — The person; null if you may not read it")
    async def person(self, info: Info) -> PersonRef | None:
        row = await info.context.loaders.person_by_id.load(self.row.person_id)
        return lazy_class(PersonRef).from_row(row) if row else None

    @strawberry.field(description="被更正记录 — The record this one corrects, if it is a correction")
    async def corrects(self, info: Info) -> Assignment | None:
        if self.row.corrects_id is None:
            return None
        row = await info.context.loaders.assignment_by_id.load(self.row.corrects_id)
        return Assignment.from_row(row) if row else None

    @strawberry.field(description="在职 — Whether the assignment covers a date (default today)")
    def active(self, info: Info, on: date | None = None) -> bool:
        return self.row.covers(on or info.context.today)


@strawberry.type(
    description="三个责任人 — The three named responsible persons of a placarded enterprise on a date: "
    "行政负责人 (a park leader), 行业监管部门负责人 (head of the supervising department), 企业责任人"
)
class ResponsiblePersons:
    enterprise: OrgUnit = strawberry.field(description="企业 — The enterprise")
    on: date = strawberry.field(description="日期 — The date asked about")
    administrative: Assignment | None = strawberry.field(
        description="行政负责人 — Administrative responsible person's assignment, if any that day"
    )
    supervisory: Assignment | None = strawberry.field(
        description="行业监管部门负责人 — Supervising department head's assignment, if any that day"
    )
    enterprise_responsible: Assignment | None = strawberry.field(
        description="企业责任人 — The enterprise's own responsible person's assignment, if any that day"
    )

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("ResponsiblePersons", self.enterprise.row.id, self.on)

    @classmethod
    async def load(cls, info: Info, enterprise: OrgUnit, on: date) -> ResponsiblePersons:
        found = await info.context.loaders.responsible_persons_by_enterprise.load((enterprise.row.id, on))

        def pick(kind: PostKind) -> Assignment | None:
            row = found.get(kind)
            return Assignment.from_row(row) if row else None

        return cls(
            enterprise=enterprise,
            on=on,
            administrative=pick(PostKind.ADMINISTRATIVE_RESPONSIBLE),
            supervisory=pick(PostKind.SUPERVISORY_RESPONSIBLE),
            enterprise_responsible=pick(PostKind.ENTERPRISE_RESPONSIBLE),
        )
