from __future__ import annotations

import strawberry
from strawberry import relay

from api.connection import Connection, root_connection
from api.context import Info
from api.ids import try_decode_id
from api.people.types import Person
from domain.pagination import Ordering
from domain.people import lists
from domain.people.models import Person as PersonRow

PERSON_ORDER: Ordering[PersonRow] = Ordering((PersonRow.name, PersonRow.id), key=lambda p: (p.name, p.id))


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="人员列表 — Persons, by name; `search` matches part of the name")
    async def persons(
        self, info: Info, first: int | None = None, after: str | None = None, search: str | None = None
    ) -> Connection[Person]:
        stmt = lists.persons(info.context.reach.persons(), search)
        return await root_connection(info, stmt, PERSON_ORDER, Person.from_row, first, after)

    @strawberry.field(description="人员 — One person by ID; null if there is none")
    async def person(self, info: Info, id: relay.GlobalID) -> Person | None:
        person_id = try_decode_id(id, "Person")
        row = await info.context.loaders.person_by_id.load(person_id) if person_id is not None else None
        return Person.from_row(row) if row else None
