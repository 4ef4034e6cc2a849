"""What every step of a hazard writes: its history entry, and the notices of a major
hazard to the units above it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties.records import Attachment
from domain.hazards.models import Hazard, HazardEvent, HazardNotice
from domain.hazards.states import (
    EventKind,
    NoticeKind,
)
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit

DOUBLE_REPORT = NoticeKind.DOUBLE_REPORT.value
ESCALATION = NoticeKind.ESCALATION.value
# An overdue major hazard goes to its park at once, and to its district this many days
# after its deadline if it is still open.
DISTRICT_AFTER_DAYS = 7


# Evidence files' metadata, kept as records keep their attachments.
Evidence = Attachment


async def record_event(
    session: AsyncSession,
    hazard: Hazard,
    kind: EventKind,
    actor: Actor,
    from_state: str | None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> HazardEvent:
    event = HazardEvent(
        hazard_id=hazard.id,
        kind=kind.value,
        from_state=from_state,
        to_state=hazard.state,
        actor=actor.subject,
        actor_person_id=actor.person_id,
        note=note,
        data=data,
    )
    session.add(event)
    await session.flush()
    return event


async def notice_recipients(session: AsyncSession, unit: OrgUnit) -> list[OrgUnit]:
    """Who gets the 双报告: the nearest supervising department above the unit, and its park
    (whose safety office keeps the ledger)."""
    ancestors = (
        await session.scalars(
            select(OrgUnit).where(OrgUnit.id.in_(unit.ancestor_ids)).order_by(OrgUnit.depth.desc())
        )
    ).all()
    chosen: list[OrgUnit] = []
    for kind in (UnitKind.DEPARTMENT, UnitKind.PARK):
        found = next((a for a in ancestors if a.kind == kind.value), None)
        if found is not None:
            chosen.append(found)
    if not chosen and ancestors:
        chosen.append(ancestors[0])
    return chosen


async def double_report(session: AsyncSession, hazard: Hazard, unit: OrgUnit, actor: Actor) -> list[int]:
    recipients = await notice_recipients(session, unit)
    session.add_all(HazardNotice(hazard_id=hazard.id, unit_id=r.id, kind=DOUBLE_REPORT) for r in recipients)
    await session.flush()
    ids = [r.id for r in recipients]
    await record_event(
        session, hazard, EventKind.NOTIFIED, actor, hazard.state, data={"kind": DOUBLE_REPORT, "unitIds": ids}
    )
    return ids
