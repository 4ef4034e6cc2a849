"""The write-side door of the ledger (conventions of api/guard.py: not readable →
NOT_FOUND, readable but not changeable → FORBIDDEN).

Reporting, planning and rectifying need hazard-write on the hazard's unit; confirming,
rejecting and verifying are the supervising side's: hazard-write above the unit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Context
from api.duties.guards import recorder
from api.guard import forbidden
from authz.catalogue import Action, Resource
from authz.domains import parent_domain
from authz.objects import unit_path
from authz.visibility.hazards import hazards_visible
from domain.actors import Actor
from domain.errors import not_found
from domain.hazards import service
from domain.hazards.models import Hazard
from domain.hazards.states import Action as HazardAction
from domain.rows import has_row

FROM_ABOVE = frozenset(
    {
        HazardAction.CONFIRM,
        HazardAction.REJECT,
        HazardAction.PASS_VERIFICATION,
        HazardAction.FAIL_VERIFICATION,
    }
)


async def actor(ctx: Context, session: AsyncSession, unit_ids: list[int]) -> Actor:
    """The caller as the actor of a hazard step, with the agency they act for at the units."""
    return await recorder(ctx, session, unit_ids)


async def hazard_for_change(
    ctx: Context,
    session: AsyncSession,
    hazard_id: int,
    action: HazardAction | None,
    *,
    from_above: bool = False,
) -> tuple[Hazard, str]:
    """The hazard, locked, and its unit's path; refused unless the caller may act on it:
    from above its unit for the supervising side's actions (and `from_above`), at it else."""
    if not await has_row(session, Hazard, hazard_id, hazards_visible(ctx.reach)):
        raise not_found("hazardId", "隐患", "Hazard")
    hazard = await service.load_for_change(session, hazard_id)
    path = await unit_path(session, hazard.unit_id)
    assert path is not None
    if from_above or action in FROM_ABOVE:
        if not ctx.can(Resource.HAZARD, Action.WRITE, parent_domain(path)):
            raise forbidden(
                "hazardId",
                "隐患（确认、验收须由监管方进行）",
                "Hazard (the supervising side confirms and verifies)",
            )
    elif not ctx.can(Resource.HAZARD, Action.WRITE, path):
        raise forbidden("hazardId", "隐患", "Hazard")
    return hazard, path
