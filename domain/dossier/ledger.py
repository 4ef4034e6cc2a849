"""The dossier's sections on hazards, exemptions and the audit log, read through the same
domain reads as the API (`hazards(unitId, filter: {foundTo})` and the hazard's `history`,
`plans` and `notices`; `dutyRecords` of kind EXEMPTION with their decisions;
`auditEvents`), filtered by the caller's visibility."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import lists as audit_lists
from domain.audit.models import AuditEvent
from domain.clock import SHANGHAI
from domain.dossier.ids import chunks, domain_ref, gid, iso, maybe_gid, plain, subject_ref
from domain.dossier.sections import Scope
from domain.dossier.visibility import Visibility
from domain.duties import reads
from domain.duties.models import EXEMPTION, DutyRecord, ExemptionDecision
from domain.hazards import ledger
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice, HazardPlan
from domain.tree.models import subtree_upper_bound


async def hazards(
    session: AsyncSession, scope: Scope, vis: Visibility
) -> tuple[list[Hazard], list[HazardPlan], dict[int, dict[str, Any]]]:
    """The hazards of the subtree the caller may read that were open on some day of the
    period: found on or before its last day (the ledger with `foundTo`), not closed before
    its first; oldest found first, as the ledger lists them. With every plan, and each
    hazard's entry but its files."""
    stmt = ledger.ledger(
        vis.hazards,
        scope.today,
        unit_given=True,
        unit_path=scope.unit.path,
        flt=ledger.LedgerFilter(found_to=scope.end),
    ).where(or_(Hazard.closed_on.is_(None), Hazard.closed_on >= scope.start))
    found = list((await session.scalars(stmt.order_by(*ledger.HAZARD_ORDER.columns))).all())
    ids = [h.id for h in found]
    categories = {
        c.id: c
        for c in (
            await session.scalars(
                select(HazardCategory).where(HazardCategory.id.in_({h.category_id for h in found}))
            )
        ).all()
    }
    events: list[HazardEvent] = []
    plans: list[HazardPlan] = []
    notices: list[HazardNotice] = []
    for chunk in chunks(ids):
        events.extend(
            (await session.scalars(select(HazardEvent).where(HazardEvent.hazard_id.in_(chunk)))).all()
        )
        plans.extend((await session.scalars(select(HazardPlan).where(HazardPlan.hazard_id.in_(chunk)))).all())
        notices.extend(
            (await session.scalars(select(HazardNotice).where(HazardNotice.hazard_id.in_(chunk)))).all()
        )
    events.sort(key=lambda e: e.id)
    plans.sort(key=lambda p: p.id)
    notices.sort(key=lambda n: n.id)
    # The inspection record that found a hazard is named only where the caller may read it.
    readable: set[int] = set()
    for chunk in chunks(h.record_id for h in found if h.record_id is not None):
        readable.update(
            (await session.scalars(select(DutyRecord.id).where(DutyRecord.id.in_(chunk), vis.records))).all()
        )
    entries: dict[int, dict[str, Any]] = {}
    for h in found:
        category = categories[h.category_id]
        entries[h.id] = {
            "id": gid("Hazard", h.id),
            "unit": gid("OrgUnit", h.unit_id),
            "category": {
                "id": gid("HazardCategory", category.id),
                "code": category.code,
                "name": category.name,
            },
            "grade": h.grade,
            "title": h.title,
            "description": h.description,
            "source": h.source,
            "record": maybe_gid("DutyRecord", h.record_id if h.record_id in readable else None),
            "foundOn": iso(h.found_on),
            "foundBy": subject_ref(h.found_by),
            "state": h.state,
            "deadline": iso(h.deadline),
            "closedOn": iso(h.closed_on),
            "evidence": plain(h.evidence or []),
            "version": h.version,
            "history": [],
            "plans": [],
            "notices": [],
            "files": [],
        }
    for e in events:
        entries[e.hazard_id]["history"].append(
            {
                "id": gid("HazardEvent", e.id),
                "kind": e.kind,
                "fromState": e.from_state,
                "toState": e.to_state,
                "actor": subject_ref(e.actor),
                "note": e.note,
                "data": plain(e.data),
                "createdAt": iso(e.created_at),
            }
        )
    for n in notices:
        entries[n.hazard_id]["notices"].append(
            {
                "id": gid("HazardNotice", n.id),
                "unit": gid("OrgUnit", n.unit_id),
                "kind": n.kind,
                "createdAt": iso(n.created_at),
            }
        )
    return found, plans, entries


def plan_entry(p: HazardPlan, names: dict[int, str], files: list[dict[str, Any]]) -> dict[str, Any]:
    """A plan; its responsible person named only if the caller may see them (`names`)."""
    seen = p.responsible_person_id in names
    return {
        "id": gid("HazardPlan", p.id),
        "measures": p.measures,
        "responsiblePerson": gid("Person", p.responsible_person_id) if seen else None,
        "responsiblePersonName": names.get(p.responsible_person_id),
        "funds": plain(p.funds),
        "deadline": iso(p.deadline),
        "contingencyPlan": p.contingency_plan,
        "createdAt": iso(p.created_at),
        "createdBy": subject_ref(p.created_by),
        "files": files,
    }


async def exemptions(
    session: AsyncSession, scope: Scope, vis: Visibility
) -> tuple[list[DutyRecord], dict[int, ExemptionDecision]]:
    """Exemption requests covering the subtree that the caller may read (`dutyRecords` of
    kind EXEMPTION, in force) whose dates overlap the period, by id, with their decisions."""
    stmt = reads.records(vis.records, unit_given=True, unit=scope.unit, kinds=[[EXEMPTION]]).where(
        and_(DutyRecord.exempt_from <= scope.end, DutyRecord.exempt_to >= scope.start)
    )
    found = list((await session.scalars(stmt.order_by(DutyRecord.id))).all())
    decisions = {
        d.record_id: d
        for d in (
            await session.scalars(
                select(ExemptionDecision).where(ExemptionDecision.record_id.in_([r.id for r in found]))
            )
        ).all()
    }
    return found, decisions


def exemption_entry(
    r: DutyRecord, decision: ExemptionDecision | None, files: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": gid("DutyRecord", r.id),
        "post": maybe_gid("Post", r.exempt_post_id),
        "person": maybe_gid("Person", r.exempt_person_id),
        "dutyList": maybe_gid("DutyList", r.exempt_list_id),
        "itemKey": r.exempt_item_key,
        "exemptFrom": iso(r.exempt_from),
        "exemptTo": iso(r.exempt_to),
        "reason": r.reason,
        "requestedOn": iso(r.performed_on),
        "requestedBy": subject_ref(r.recorder),
        "createdAt": iso(r.created_at),
        "decision": None
        if decision is None
        else {
            "id": gid("ExemptionDecision", decision.id),
            "approved": decision.approved,
            "decidedBy": subject_ref(decision.decided_by),
            "note": decision.note,
            "createdAt": iso(decision.created_at),
        },
        "files": files,
    }


def day_bounds(scope: Scope) -> tuple[datetime, datetime]:
    """The period as instants: from the first day's midnight to the midnight after the last
    day, on the platform's calendar (Asia/Shanghai)."""
    since = datetime.combine(scope.start, time(), SHANGHAI)
    until = datetime.combine(scope.end + timedelta(days=1), time(), SHANGHAI)
    return since, until


async def audit(session: AsyncSession, scope: Scope, vis: Visibility) -> list[dict[str, Any]]:
    """Audit entries the caller may read (`auditEvents`) made in the period whose domain
    lies in the unit's subtree (its posts' domains included), oldest first."""
    since, until = day_bounds(scope)
    path = scope.unit.path
    stmt = audit_lists.events(vis.audit, since=since, until=until).where(
        AuditEvent.domain >= path, AuditEvent.domain < subtree_upper_bound(path)
    )
    return [
        {
            "id": gid("AuditEvent", e.id),
            "at": iso(e.at),
            "actor": subject_ref(e.actor),
            "action": e.action,
            "targetType": e.target_type,
            "targetId": e.target_id,
            "domain": domain_ref(e.domain),
            "before": plain(e.before),
            "after": plain(e.after),
            "requestId": e.request_id,
        }
        for e in (await session.scalars(stmt.order_by(AuditEvent.id))).all()
    ]
