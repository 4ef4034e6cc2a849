"""Who may record and withdraw a delegation: the post's holder on every day of it (the
document's 主要负责人 entrusts their own duty), or someone with duty-write at the post
(an admin recording it for them). A post the caller may not read is NOT_FOUND."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Context
from api.guard import write_post
from authz.catalogue import Resource
from authz.objects import post_domain_of
from authz.visibility.delegations import delegations_visible
from domain.duties.delegations.models import DutyDelegation
from domain.duties.delegations.reading import covers, tenures
from domain.errors import DomainError, ErrorCode, not_found
from domain.rows import row_by_id


async def _holds_throughout(
    ctx: Context, session: AsyncSession, post_id: int, start: date, end: date
) -> bool:
    caller = ctx.caller
    if caller is None or caller.person_id is None or caller.client_id is not None:
        return False
    end = max(start, end)  # dates in the wrong order are the input's error, reported by the service
    return covers(await tenures(session, caller.person_id, [post_id], start, end), start, end)


async def delegating_post(
    ctx: Context, session: AsyncSession, post_id: int, start: date, end: date, field: str = "postId"
) -> str:
    """The domain the delegation lives at (the post's), if the caller may record it."""
    if await _holds_throughout(ctx, session, post_id, start, end):
        domain = await post_domain_of(session, post_id)
        if domain is None:
            raise not_found(field, "岗位", "Post")
        return domain
    try:
        return await write_post(ctx, session, post_id, field, Resource.DUTY)
    except DomainError as exc:
        if exc.errors and exc.errors[0].code is ErrorCode.FORBIDDEN:
            raise DomainError.one(
                ErrorCode.FORBIDDEN,
                field,
                "只有在委托期间每一天都在该岗位的人员本人（或管理员）可以委托其职责",
                "Only the post's holder on every day of the delegation (or an admin) may delegate its duty",
            ) from exc
        raise


async def delegation_to_withdraw(
    ctx: Context, session: AsyncSession, delegation_id: int
) -> tuple[DutyDelegation, str]:
    """A delegation the caller may see and withdraw (its recorder, the post's holder on its
    days, or an admin), with its post's domain."""
    row = await row_by_id(session, DutyDelegation, delegation_id, delegations_visible(ctx.reach))
    if row is None:
        raise not_found("delegationId", "委托", "Delegation")
    caller = ctx.caller
    if caller is not None and row.created_by == caller.subject:
        domain = await post_domain_of(session, row.post_id)
        assert domain is not None
        return row, domain
    return row, await delegating_post(ctx, session, row.post_id, row.start_date, row.end_date, "delegationId")
