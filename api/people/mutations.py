from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.context import Info
from api.errors import UserError, mutate, present
from api.guard import write_unit
from api.ids import decode_id
from api.people.types import Person
from authz.catalogue import Action, Resource
from authz.domains import ROOT_DOMAIN
from domain.audit.service import record_row
from domain.errors import DomainError, ErrorCode
from domain.people import service
from domain.people.models import Person as PersonRow


@strawberry.input(description="新建人员 — A new person")
class CreatePersonInput:
    name: str = strawberry.field(description="姓名 — Name")
    id_number: str = strawberry.field(
        description="居民身份证号 — Resident ID number (18 characters, checksummed)"
    )
    phone: str | None = strawberry.field(default=None, description="电话 — Mobile or landline number")
    unit_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="登记单位 — The unit that registers the person (their employer); its admins manage "
        "them. Required unless you are a platform-wide admin",
    )


@strawberry.type(description="新建人员结果 — Result of creating a person")
class CreatePersonPayload:
    person: Person | None = strawberry.field(description="人员 — The person; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: PersonRow | None, errors: list[UserError]) -> CreatePersonPayload:
        return cls(person=present(Person.from_row, row), user_errors=errors)


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="新建人员 — Record a person who may hold posts")
    async def create_person(self, info: Info, input: CreatePersonInput) -> CreatePersonPayload:
        async def work(session: AsyncSession) -> PersonRow:
            ctx = info.context
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId") if input.unit_id else None
            if unit_id is not None:
                domain = await write_unit(ctx, session, unit_id, "unitId", Resource.PERSON)
            elif ctx.can(Resource.PERSON, Action.WRITE, ROOT_DOMAIN):
                domain = ROOT_DOMAIN
            else:
                raise DomainError.one(
                    ErrorCode.REQUIRED, "unitId", "请指定登记单位", "Say which unit registers the person"
                )
            person = await service.create_person(
                session,
                name=input.name,
                id_number=input.id_number,
                phone=input.phone,
                today=ctx.today,
                registered_unit_id=unit_id,
            )
            await record_row(session, "people.create_person", person, domain, actor=actor(info.context))
            return person

        return await mutate(info, work, CreatePersonPayload.of)
