from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from api.connection import Connection, build_connection, page_request
from api.context import Info
from domain.people.models import Person as PersonRow
from domain.posts.queries import ASSIGNMENT_ORDER, AssignmentFilter

if TYPE_CHECKING:
    from api.posts.types import Assignment

AssignmentRef = Annotated["Assignment", strawberry.lazy("api.posts.types")]


@strawberry.type(
    name="Person",
    description="人员 — A person who may hold posts. ID and phone numbers are shown masked",
)
class Person(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="姓名 — Name")
    id_number_masked: str = strawberry.field(
        description="身份证号（脱敏） — Resident ID number, masked (first 3 and last 4 characters)"
    )
    phone_masked: str | None = strawberry.field(description="电话（脱敏） — Phone number, masked")
    version: int = strawberry.field(description="版本 — Version")
    created_at: datetime = strawberry.field(description="创建时间 — When the person was recorded")
    row: strawberry.Private[PersonRow]

    @classmethod
    def from_row(cls, row: PersonRow) -> Person:
        return cls(
            id=row.id,
            name=row.name,
            id_number_masked=row.id_number_masked,
            phone_masked=row.phone_masked,
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Person | None]:
        rows = await info.context.loaders.person_by_id.load_many([int(i) for i in node_ids])
        return [cls.from_row(r) if r else None for r in rows]

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
        from api.posts.types import Assignment

        flt = AssignmentFilter(on=on, include_history=include_history)
        loader = info.context.loaders.assignments_by_person
        page = await loader.load((self.row.id, page_request(info, first, after, ASSIGNMENT_ORDER), flt))
        return build_connection(page, Assignment.from_row, lambda: loader.counts.load((self.row.id, flt)))
