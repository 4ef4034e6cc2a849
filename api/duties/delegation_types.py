"""Delegations of duties (主持或者委托分管负责人召开) as the API shows them, and the inputs and
payload of their mutations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry import relay

from api.context import Info
from api.duties.types import DutyList
from api.errors import UserError, present
from api.nodes import LoadedNode
from api.people.types import Person
from api.posts.types import Post
from api.refs import Actor, actor_of
from domain.duties.delegations.models import DutyDelegation as DutyDelegationRow
from domain.pagination import Ordering

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

DELEGATION_ORDER: Ordering[DutyDelegationRow] = Ordering(
    (DutyDelegationRow.start_date, DutyDelegationRow.id), key=lambda r: (r.start_date, r.id)
)


@strawberry.type(
    name="DutyDelegation",
    description="职责委托 — A holder's entrusting of one duty of their post to another person for some "
    "days (主持或者委托分管负责人召开): the delegate's records of the duty in those days count for the "
    "post; written once, withdrawn by a new row pointing at it",
)
class DutyDelegation(LoadedNode[DutyDelegationRow]):
    id: relay.NodeID[int]
    item_key: str = strawberry.field(
        description="职责编号 — Key of the duty delegated (across list versions)"
    )
    start_date: date = strawberry.field(description="开始日期 — First day of the delegation")
    end_date: date = strawberry.field(description="结束日期 — Last day of the delegation (inclusive)")
    note: str | None = strawberry.field(description="说明 — Note")
    withdrawn: bool = strawberry.field(description="撤回 — This row withdraws the delegation it corrects")
    reason: str | None = strawberry.field(description="撤回原因 — Why it was withdrawn")
    created_at: datetime = strawberry.field(description="记录时间 — When it was recorded")
    row: strawberry.Private[DutyDelegationRow]

    @classmethod
    def from_row(cls, row: DutyDelegationRow) -> DutyDelegation:
        return cls(
            id=row.id,
            item_key=row.item_key,
            start_date=row.start_date,
            end_date=row.end_date,
            note=row.note,
            withdrawn=row.withdrawn,
            reason=row.reason,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, DutyDelegationRow | None]:
        return loaders.duties.delegations.by_id

    @strawberry.field(description="岗位 — The post whose duty is delegated, if you may see it")
    async def post(self, info: Info) -> Post | None:
        row = await info.context.loaders.post_by_id.load(self.row.post_id)
        return Post.from_row(row) if row else None

    @strawberry.field(description="职责清单 — The list the duty is on")
    async def duty_list(self, info: Info) -> DutyList | None:
        row = await info.context.loaders.duties.list_through_post.load(self.row.list_id)
        return DutyList.from_row(row) if row else None

    @strawberry.field(description="受托人 — The person the duty is entrusted to, if you may see them")
    async def delegate(self, info: Info) -> Person | None:
        row = await info.context.loaders.person_by_id.load(self.row.delegate_person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="记录人 — The person or client that recorded it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)

    @strawberry.field(description="撤回的委托 — The delegation this row withdraws")
    async def corrects(self, info: Info) -> DutyDelegation | None:
        if self.row.corrects_id is None:
            return None
        row = await info.context.loaders.duties.delegations.by_id.load(self.row.corrects_id)
        return DutyDelegation.from_row(row) if row else None


@strawberry.input(
    description="委托职责 — Entrust one delegable duty of a post you hold to a leader of the same park for "
    "some days"
)
class DelegateDutyInput:
    post_id: relay.GlobalID = strawberry.field(description="岗位 — The post whose duty is delegated")
    duty_item_id: relay.GlobalID = strawberry.field(
        description="职责 — The duty (an item of a list the post carries, whose rule is delegable)"
    )
    delegate_id: relay.GlobalID = strawberry.field(
        description="受托人 — The person entrusted: they must hold a post in the same park "
        "(文件：分管负责人) "
        "on every day of the delegation"
    )
    start_date: date = strawberry.field(description="开始日期 — First day")
    end_date: date = strawberry.field(description="结束日期 — Last day (inclusive; at most a year)")
    note: str | None = strawberry.field(default=None, description="说明 — Note")


@strawberry.input(description="撤回委托 — Withdraw a delegation by a new row that points at it")
class WithdrawDelegationInput:
    delegation_id: relay.GlobalID = strawberry.field(description="委托 — The delegation")
    reason: str = strawberry.field(description="撤回原因 — Why")


@strawberry.type(description="职责委托变更结果 — Result of a change to delegations")
class DutyDelegationPayload:
    delegation: DutyDelegation | None = strawberry.field(description="委托 — The row written; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: DutyDelegationRow | None, errors: list[UserError]) -> DutyDelegationPayload:
        return cls(delegation=present(DutyDelegation.from_row, row), user_errors=errors)
