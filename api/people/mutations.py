from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Info
from api.errors import UserError, run_mutation
from api.people.types import Person
from domain.people import service


@strawberry.input(description="新建人员 — A new person")
class CreatePersonInput:
    name: str = strawberry.field(description="姓名 — Name")
    id_number: str = strawberry.field(
        description="居民身份证号 — Resident ID number (18 characters, checksummed)"
    )
    phone: str | None = strawberry.field(default=None, description="电话 — Mobile or landline number")


@strawberry.type(description="新建人员结果 — Result of creating a person")
class CreatePersonPayload:
    person: Person | None = strawberry.field(description="人员 — The person; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="新建人员 — Record a person who may hold posts")
    async def create_person(self, info: Info, input: CreatePersonInput) -> CreatePersonPayload:
        async def work(session: AsyncSession) -> Any:
            return await service.create_person(
                session,
                name=input.name,
                id_number=input.id_number,
                phone=input.phone,
                today=info.context.today,
            )

        row, errors = await run_mutation(info, work)
        return CreatePersonPayload(person=Person.from_row(row) if row else None, user_errors=errors)
