"""Delegations of duties: `delegateDuty`, `withdrawDelegation` and the `dutyDelegations`
list. The delegate's records of the duty in the delegation's days count for the post
(the obligation engine reads them as `Facts.delegations`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.connection import Connection, root_connection
from api.context import Info
from api.duties.delegation_guards import delegating_post, delegation_to_withdraw
from api.duties.delegation_types import (
    DELEGATION_ORDER,
    DelegateDutyInput,
    DutyDelegation,
    DutyDelegationPayload,
    WithdrawDelegationInput,
)
from api.errors import mutate
from api.guard import read_person
from api.ids import decode_id, try_decode_id
from authz.visibility.delegations import delegations_visible
from domain.duties.delegations import writing
from domain.duties.delegations.models import DutyDelegation as DutyDelegationRow
from domain.duties.delegations.queries import delegations_listed
from domain.posts.models import Post as PostRow


@strawberry.type
class DelegationsMutation:
    @strawberry.mutation(
        description="委托职责 — Entrust a delegable duty of your post (e.g. "
        "每季度主持或者委托分管负责人召开安全生产"
        "工作会议) to a leader of the same park for some days; their records of it then count for the post"
    )
    async def delegate_duty(self, info: Info, input: DelegateDutyInput) -> DutyDelegationPayload:
        async def work(session: AsyncSession) -> DutyDelegationRow:
            post_id = decode_id(input.post_id, "Post", "postId")
            item_id = decode_id(input.duty_item_id, "DutyItem", "dutyItemId")
            delegate_id = decode_id(input.delegate_id, "Person", "delegateId")
            domain = await delegating_post(info.context, session, post_id, input.start_date, input.end_date)
            await read_person(info.context, session, delegate_id, "delegateId")
            post = await session.get(PostRow, post_id)
            assert post is not None
            return await writing.delegate_duty(
                session,
                post=post,
                item_id=item_id,
                delegate_person_id=delegate_id,
                start=input.start_date,
                end=input.end_date,
                note=input.note,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, DutyDelegationPayload.of)

    @strawberry.mutation(description="撤回委托 — Withdraw a delegation by a new row that points at it")
    async def withdraw_delegation(self, info: Info, input: WithdrawDelegationInput) -> DutyDelegationPayload:
        async def work(session: AsyncSession) -> DutyDelegationRow:
            delegation_id = decode_id(input.delegation_id, "DutyDelegation", "delegationId")
            row, domain = await delegation_to_withdraw(info.context, session, delegation_id)
            return await writing.withdraw_delegation(
                session,
                delegation=row,
                reason=input.reason,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, DutyDelegationPayload.of)


@strawberry.type
class DelegationsQuery:
    @strawberry.field(
        description="职责委托列表 — Delegations you may see (of posts whose duties you may read, to you, or "
        "recorded by you), earliest first: of a post, to a delegate, of a duty (by key), in force on a day; "
        "with includeHistory also the withdrawn ones and their withdrawals"
    )
    async def duty_delegations(
        self,
        info: Info,
        post_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="岗位 — Only delegations of this post")
        ] = None,
        delegate_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="受托人 — Only delegations to this person")
        ] = None,
        item_key: Annotated[
            str | None, strawberry.argument(description="职责编号 — Only delegations of this duty")
        ] = None,
        active_on: Annotated[
            date | None, strawberry.argument(description="日期 — Only delegations in force on this day")
        ] = None,
        include_history: Annotated[
            bool, strawberry.argument(description="含历史 — Also withdrawn delegations and their withdrawals")
        ] = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DutyDelegation]:
        stmt = delegations_listed(
            delegations_visible(info.context.reach),
            post_id=None if post_id is None else try_decode_id(post_id, "Post") or 0,
            delegate_person_id=None if delegate_id is None else try_decode_id(delegate_id, "Person") or 0,
            item_key=item_key,
            active_on=active_on,
            include_history=include_history,
        )
        return await root_connection(info, stmt, DELEGATION_ORDER, DutyDelegation.from_row, first, after)
