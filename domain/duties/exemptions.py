"""Exemptions (豁免) as application steps: asking that an obligation be not applicable for
some dates, and deciding such a request. The caller has been authorized already (the API's
guards); these find what the steps need and hand over to `records`, which keeps the rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties import records as rec
from domain.duties.models import DutyItem, DutyListVersion, DutyRecord
from domain.errors import not_found
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment


async def request_exemption(
    session: AsyncSession,
    *,
    item_id: int,
    post_id: int,
    person_id: int | None,
    start: date,
    end: date,
    reason: str | None,
    recorder: Actor,
    domain: str,
    today: date,
) -> DutyRecord:
    """File a request that the duty item not apply to the post (or to one holder of it)
    from `start` to `end`. The item is NOT_FOUND on `dutyItemId`; the post must exist."""
    found = (
        await session.execute(
            select(DutyListVersion.list_id, DutyItem.key)
            .join(DutyItem, DutyItem.version_id == DutyListVersion.id)
            .where(DutyItem.id == item_id)
        )
    ).first()
    if found is None:
        raise not_found("dutyItemId", "职责", "Duty item")
    post = await session.get(Post, post_id)
    assert post is not None, "the guard read the post"
    return await rec.request_exemption(
        session,
        post=post,
        person_id=person_id,
        list_id=found[0],
        item_key=found[1],
        start=start,
        end=end,
        reason=reason,
        recorder=recorder,
        unit_id=post.unit_id,
        domain=domain,
        today=today,
    )


async def holders_during(session: AsyncSession, post_id: int, start: date, end: date) -> set[int]:
    """The persons who held the post at some time from `start` to `end`."""
    found = await session.scalars(
        select(Assignment.person_id).where(
            Assignment.post_id == post_id, effective_assignment(), assignment_overlaps(start, end)
        )
    )
    return set(found.all())


async def decide_exemption(
    session: AsyncSession,
    *,
    record: DutyRecord,
    approved: bool,
    note: str | None,
    decider: Actor,
    domain: str,
    today: date,
) -> DutyRecord:
    """Approve or refuse an exemption request (`record`, of a post). Neither the requester
    nor anyone who held the post during the dates (nor the person named) may decide it."""
    assert (
        record.exempt_post_id is not None and record.exempt_from is not None and record.exempt_to is not None
    )
    holders = await holders_during(session, record.exempt_post_id, record.exempt_from, record.exempt_to)
    if record.exempt_person_id is not None:
        holders.add(record.exempt_person_id)
    await rec.decide_exemption(
        session,
        record=record,
        approved=approved,
        note=note,
        decider=decider,
        holder_ids=holders,
        domain=domain,
        today=today,
    )
    return record
