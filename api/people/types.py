from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from api.connection import Connection, build_connection, page_request
from api.context import Info
from api.lazy import lazy_class
from api.nodes import LoadedNode
from authz.catalogue import Action, Resource
from domain.people.models import Person as PersonRow
from domain.posts.queries import ASSIGNMENT_ORDER, AssignmentFilter

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders
    from api.posts.types import Assignment

AssignmentRef = Annotated["Assignment", strawberry.lazy("api.posts.types")]


@strawberry.type(
    name="Person",
    description="人员 — A person who may hold posts. ID and phone numbers are shown masked to those who "
    "may see contact details, and in full to admins of a unit the person belongs to (and to the person)",
)
class Person(LoadedNode[PersonRow]):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="姓名 — Name")
    version: int = strawberry.field(description="版本 — Version")
    created_at: datetime = strawberry.field(description="创建时间 — When the person was recorded")
    row: strawberry.Private[PersonRow]

    @classmethod
    def from_row(cls, row: PersonRow) -> Person:
        return cls(
            id=row.id,
            name=row.name,
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, PersonRow | None]:
        return loaders.person_by_id

    async def _sees(self, info: Info, resource: Resource) -> bool:
        ctx = info.context
        if ctx.caller is not None and ctx.caller.person_id == self.row.id:
            return True
        domains = await ctx.loaders.domains_by_person.load(self.row.id)
        return ctx.reach.allows_any(resource, Action.READ, domains)

    async def _contact(self, info: Info) -> bool:
        return await self._sees(info, Resource.CONTACT) or await self._sees(info, Resource.PII)

    @strawberry.field(
        description="身份证号（脱敏） — Resident ID number, masked (first 3 and last 4 characters); "
        "null if you may not see contact details"
    )
    async def id_number_masked(self, info: Info) -> str | None:
        return self.row.id_number_masked if await self._contact(info) else None

    @strawberry.field(description="电话（脱敏） — Phone number, masked; null if none or you may not see it")
    async def phone_masked(self, info: Info) -> str | None:
        return self.row.phone_masked if await self._contact(info) else None

    @strawberry.field(
        description="身份证号 — Resident ID number in full; null unless you may see personal data (个人信息)"
    )
    async def id_number(self, info: Info) -> str | None:
        return self.row.id_number if await self._sees(info, Resource.PII) else None

    @strawberry.field(description="电话 — Phone number in full; null unless you may see personal data")
    async def phone(self, info: Info) -> str | None:
        return self.row.phone if await self._sees(info, Resource.PII) else None

    @strawberry.field(
        description="任职 — The person's assignments (their posts): in force on a date if `on` is given, "
        "else all of them, oldest first"
    )
    async def assignments(
        self,
        info: Info,
        on: date | None = None,
        first: int | None = None,
        after: str | None = None,
        include_history: bool = False,
    ) -> Connection[AssignmentRef]:
        flt = AssignmentFilter(on=on, include_history=include_history)
        loader = info.context.loaders.assignments_by_person
        page = await loader.load((self.row.id, page_request(info, first, after, ASSIGNMENT_ORDER), flt))
        return build_connection(
            page, lazy_class(AssignmentRef).from_row, lambda: loader.counts.load((self.row.id, flt))
        )
