from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.context import Info
from api.errors import UserError, mutate, present
from api.guard import post_domain_of, read_person, write_assignment, write_charge, write_post, write_unit
from api.ids import decode_id
from api.posts.types import Assignment, Post, PostCharge
from authz.catalogue import Resource
from domain.audit.service import record_row, row_snapshot
from domain.inputs import UNSET
from domain.posts import charges, service
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment as AssignmentRow
from domain.posts.models import Post as PostRow
from domain.posts.models import PostCharge as PostChargeRow


@strawberry.input(description="新建岗位 — A new post at a unit")
class CreatePostInput:
    unit_id: relay.GlobalID = strawberry.field(description="单元 — The unit the post belongs to")
    kind: PostKind = strawberry.field(description="岗位类型 — Kind of post")
    title: str | None = strawberry.field(
        default=None, description="岗位名称 — Title; omitted: the kind's name"
    )
    single_holder: bool | None = strawberry.field(
        default=None, description="一人一岗 — One holder at a time; omitted: decided by the kind"
    )
    in_charge_of_unit_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="分管单元 — Units below the post's unit that it is in charge of, from today"
    )


@strawberry.type(description="新建岗位结果 — Result of creating a post")
class CreatePostPayload:
    post: Post | None = strawberry.field(description="岗位 — The post; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: PostRow | None, errors: list[UserError]) -> CreatePostPayload:
        return cls(post=present(Post.from_row, row), user_errors=errors)


@strawberry.input(description="任职 — Put a person in a post from a date")
class AssignPersonInput:
    post_id: relay.GlobalID = strawberry.field(description="岗位 — The post")
    person_id: relay.GlobalID = strawberry.field(description="人员 — The person")
    start_date: date = strawberry.field(description="开始日期 — First day held")
    end_date: date | None = strawberry.field(default=None, description="结束日期 — Last day held, if known")
    note: str | None = strawberry.field(
        default=None, description="备注 — Note (e.g. the appointment document)"
    )


@strawberry.input(description="结束任职 — Close an open assignment")
class EndAssignmentInput:
    assignment_id: relay.GlobalID = strawberry.field(description="任职 — The assignment")
    end_date: date = strawberry.field(description="结束日期 — Last day held")
    version: int | None = strawberry.field(
        default=None, description="版本 — The version read, to refuse stale writes"
    )


@strawberry.input(
    description="更正任职 — Correct a wrongly recorded assignment by a new record; "
    "the old one stays in history"
)
class CorrectAssignmentInput:
    assignment_id: relay.GlobalID = strawberry.field(description="任职 — The record to correct")
    version: int = strawberry.field(description="版本 — The version read")
    reason: str = strawberry.field(description="更正原因 — Why the record was wrong")
    person_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="人员 — Right person"
    )
    start_date: date | None = strawberry.field(
        default=strawberry.UNSET, description="开始日期 — Right start date"
    )
    end_date: date | None = strawberry.field(
        default=strawberry.UNSET, description="结束日期 — Right end date; null makes it open"
    )
    withdraw: bool = strawberry.field(
        default=False, description="撤回 — The assignment never happened: withdraw it instead"
    )


@strawberry.input(description="增加分管 — Put a post in charge of (分管) a unit from a date")
class AddPostChargeInput:
    post_id: relay.GlobalID = strawberry.field(description="岗位 — The post")
    unit_id: relay.GlobalID = strawberry.field(description="分管单元 — A unit below the post's unit")
    start_date: date = strawberry.field(description="开始日期 — First day in charge")


@strawberry.input(description="结束分管 — Close an open 分管 record")
class EndPostChargeInput:
    charge_id: relay.GlobalID = strawberry.field(description="分管记录 — The record")
    end_date: date = strawberry.field(description="结束日期 — Last day in charge")


@strawberry.type(description="分管变更结果 — Result of a change to 分管 records")
class PostChargePayload:
    charge: PostCharge | None = strawberry.field(
        description="分管记录 — The record written or closed; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: PostChargeRow | None, errors: list[UserError]) -> PostChargePayload:
        return cls(charge=present(PostCharge.from_row, row), user_errors=errors)


@strawberry.type(description="任职变更结果 — Result of a change to assignments")
class AssignmentPayload:
    assignment: Assignment | None = strawberry.field(
        description="任职 — The record written or changed; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: AssignmentRow | None, errors: list[UserError]) -> AssignmentPayload:
        return cls(assignment=present(Assignment.from_row, row), user_errors=errors)


@strawberry.type
class PostsMutation:
    @strawberry.mutation(description="新建岗位 — Create a post at a unit")
    async def create_post(self, info: Info, input: CreatePostInput) -> CreatePostPayload:
        async def work(session: AsyncSession) -> PostRow:
            charged = [
                decode_id(gid, "OrgUnit", ("inChargeOfUnitIds", str(i)))
                for i, gid in enumerate(input.in_charge_of_unit_ids or [])
            ]
            ctx = info.context
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            await write_unit(ctx, session, unit_id, "unitId", Resource.POST)
            for i, charged_id in enumerate(charged):
                await write_unit(ctx, session, charged_id, ("inChargeOfUnitIds", str(i)), Resource.ASSIGNMENT)
            post = await service.create_post(
                session,
                unit_id=unit_id,
                kind=input.kind,
                title=input.title,
                single_holder=input.single_holder,
                in_charge_of=charged,
                today=info.context.today,
            )
            await record_row(
                session,
                "posts.create_post",
                post,
                await post_domain_of(session, post.id) or "/",
                actor=actor(info.context),
            )
            return post

        return await mutate(info, work, CreatePostPayload.of)

    @strawberry.mutation(description="增加分管 — Put a post in charge of a unit (一岗双责) from a date")
    async def add_post_charge(self, info: Info, input: AddPostChargeInput) -> PostChargePayload:
        async def work(session: AsyncSession) -> PostChargeRow:
            post_id = decode_id(input.post_id, "Post", "postId")
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            domain = await write_post(info.context, session, post_id, "postId")
            await write_unit(info.context, session, unit_id, "unitId", Resource.ASSIGNMENT)
            charge = await charges.add_charge(
                session, post_id=post_id, unit_id=unit_id, start_date=input.start_date
            )
            await record_row(session, "posts.add_charge", charge, domain, actor=actor(info.context))
            return charge

        return await mutate(info, work, PostChargePayload.of)

    @strawberry.mutation(description="结束分管 — End a post's charge of a unit on a date")
    async def end_post_charge(self, info: Info, input: EndPostChargeInput) -> PostChargePayload:
        async def work(session: AsyncSession) -> PostChargeRow:
            charge_id = decode_id(input.charge_id, "PostCharge", "chargeId")
            domain = await write_charge(info.context, session, charge_id, "chargeId")
            before = row_snapshot(await session.get(PostChargeRow, charge_id))
            charge = await charges.end_charge(session, charge_id=charge_id, end_date=input.end_date)
            await record_row(session, "posts.end_charge", charge, domain, before, actor=actor(info.context))
            return charge

        return await mutate(info, work, PostChargePayload.of)

    @strawberry.mutation(description="任职 — Assign a person to a post (实名制)")
    async def assign_person(self, info: Info, input: AssignPersonInput) -> AssignmentPayload:
        async def work(session: AsyncSession) -> AssignmentRow:
            post_id = decode_id(input.post_id, "Post", "postId")
            person_id = decode_id(input.person_id, "Person", "personId")
            domain = await write_post(info.context, session, post_id, "postId")
            await read_person(info.context, session, person_id, "personId")
            row = await service.assign(
                session,
                post_id=post_id,
                person_id=person_id,
                start_date=input.start_date,
                end_date=input.end_date,
                note=input.note,
                today=info.context.today,
            )
            await record_row(session, "posts.assign_person", row, domain, actor=actor(info.context))
            return row

        return await mutate(info, work, AssignmentPayload.of)

    @strawberry.mutation(description="结束任职 — End an open assignment on a date")
    async def end_assignment(self, info: Info, input: EndAssignmentInput) -> AssignmentPayload:
        async def work(session: AsyncSession) -> AssignmentRow:
            assignment_id = decode_id(input.assignment_id, "Assignment", "assignmentId")
            domain = await write_assignment(info.context, session, assignment_id, "assignmentId")
            before = row_snapshot(await session.get(AssignmentRow, assignment_id))
            row = await service.end_assignment(
                session,
                assignment_id=assignment_id,
                end_date=input.end_date,
                version=input.version,
                today=info.context.today,
            )
            await record_row(session, "posts.end_assignment", row, domain, before, actor=actor(info.context))
            return row

        return await mutate(info, work, AssignmentPayload.of)

    @strawberry.mutation(description="更正任职 — Correct or withdraw an assignment with a new record")
    async def correct_assignment(self, info: Info, input: CorrectAssignmentInput) -> AssignmentPayload:
        async def work(session: AsyncSession) -> AssignmentRow:
            person = input.person_id
            assignment_id = decode_id(input.assignment_id, "Assignment", "assignmentId")
            domain = await write_assignment(info.context, session, assignment_id, "assignmentId")
            new_person = (
                UNSET
                if person is strawberry.UNSET or person is None
                else decode_id(person, "Person", "personId")
            )
            if new_person is not UNSET:
                await read_person(info.context, session, new_person, "personId")
            row = await service.correct_assignment(
                session,
                assignment_id=assignment_id,
                version=input.version,
                reason=input.reason,
                person_id=new_person,
                start_date=UNSET if input.start_date in (strawberry.UNSET, None) else input.start_date,
                end_date=UNSET if input.end_date is strawberry.UNSET else input.end_date,
                withdraw=input.withdraw,
                today=info.context.today,
            )
            await record_row(session, "posts.correct_assignment", row, domain, actor=actor(info.context))
            return row

        return await mutate(info, work, AssignmentPayload.of)
