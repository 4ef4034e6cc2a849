"""The dossier's sections on holders, duty lists and obligations, read through the same
domain reads as the API's queries (`Post.assignments`, `dutyLists`/`postDuties`,
`obligations(unitId, includeDescendants: true, from, to)`), filtered by the caller's
visibility. Each section is a JSON-ready dict; ids are the API's global IDs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.dossier.ids import chunks, gid, iso, maybe_gid, plain, subject_ref
from domain.dossier.visibility import Visibility
from domain.duties import queries as dq
from domain.duties import reads
from domain.duties.models import EXEMPTION, DutyItem, DutyList, DutyListVersion, DutyRecord
from domain.duties.obligations import Obligation
from domain.duties.pages import page_key
from domain.people.models import Person
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment
from domain.posts.queries import ASSIGNMENT_ORDER
from domain.rows import rows_by_ids
from domain.tree.models import OrgUnit, subtree_upper_bound


@dataclass(frozen=True)
class Scope:
    """The unit (its subtree), the period [start, end] and the platform's today."""

    unit: OrgUnit
    start: date
    end: date
    today: date

    def subtree(self) -> Any:
        return select(OrgUnit.id).where(
            OrgUnit.path >= self.unit.path, OrgUnit.path < subtree_upper_bound(self.unit.path)
        )


async def person_names(session: AsyncSession, vis: Visibility, ids: Iterable[int | None]) -> dict[int, str]:
    """Names of the persons the caller may see (others stay unnamed, as in the API)."""
    names: dict[int, str] = {}
    for chunk in chunks(i for i in ids if i is not None):
        found = await session.execute(select(Person.id, Person.name).where(Person.id.in_(chunk), vis.persons))
        names.update({i: name for i, name in found.all()})
    return names


async def holders(session: AsyncSession, scope: Scope, vis: Visibility) -> dict[str, Any]:
    """Every post of the subtree the caller may see, with the assignments (in force, as
    `Post.assignments` lists them) overlapping the period: who held it and when."""
    visible = select(Post).where(Post.unit_id.in_(scope.subtree()), vis.posts)
    posts = (await session.scalars(visible.order_by(Post.id))).all()
    rows = (
        await session.scalars(
            select(Assignment)
            .where(
                Assignment.post_id.in_(visible.with_only_columns(Post.id)),
                effective_assignment(),
                assignment_overlaps(scope.start, scope.end),
                vis.assignments,
            )
            .order_by(Assignment.post_id, *ASSIGNMENT_ORDER.columns)
        )
    ).all()
    names = await person_names(session, vis, (a.person_id for a in rows))
    by_post: dict[int, list[dict[str, Any]]] = {}
    for a in rows:
        by_post.setdefault(a.post_id, []).append(
            {
                "id": gid("Assignment", a.id),
                "person": gid("Person", a.person_id) if a.person_id in names else None,
                "personName": names.get(a.person_id),
                "startDate": iso(a.start_date),
                "endDate": iso(a.end_date),
                "withdrawn": a.withdrawn,
                "note": a.note,
                "version": a.version,
                "createdAt": iso(a.created_at),
                "endedAt": iso(a.ended_at),
            }
        )
    return {
        "posts": [
            {
                "id": gid("Post", p.id),
                "unit": gid("OrgUnit", p.unit_id),
                "kind": p.kind,
                "title": p.title,
                "archivedAt": iso(p.archived_at),
                "assignments": by_post.get(p.id, []),
            }
            for p in posts
        ]
    }


def _related_lists(scope: Scope) -> Any:
    """Lists bound to the unit, to a unit above it (they apply to its posts) or below it."""
    path = scope.unit.path
    above = [path[: i + 1] for i in range(len(path)) if path[i] == "/" and i > 0]
    return DutyList.unit_id.in_(
        select(OrgUnit.id).where(or_(OrgUnit.path.in_(above), OrgUnit.id.in_(scope.subtree())))
    )


async def duty_lists(session: AsyncSession, scope: Scope, vis: Visibility) -> dict[str, Any]:
    """The duty lists that bear on the subtree (those `dutyLists` shows the caller), each
    with the versions in force on some day of the period and their items; and, per post
    whose duties the caller may read, its duties on the period's last day (`postDuties`)."""
    lists = (
        await session.scalars(reads.duty_lists(vis.lists).where(_related_lists(scope)).order_by(DutyList.id))
    ).all()
    versions = (
        await session.scalars(
            select(DutyListVersion)
            .where(DutyListVersion.list_id.in_([x.id for x in lists]))
            .order_by(DutyListVersion.list_id, DutyListVersion.effective_from, DutyListVersion.id)
        )
    ).all()
    by_list: dict[int, list[DutyListVersion]] = {}
    for v in versions:
        by_list.setdefault(v.list_id, []).append(v)
    in_force: list[DutyListVersion] = []
    for found in by_list.values():
        for i, v in enumerate(found):
            until = found[i + 1].effective_from if i + 1 < len(found) else None
            if v.effective_from <= scope.end and (until is None or until > scope.start):
                in_force.append(v)
    items = (
        await session.scalars(
            select(DutyItem)
            .where(DutyItem.version_id.in_([v.id for v in in_force]))
            .order_by(DutyItem.version_id, DutyItem.position)
        )
    ).all()
    items_of: dict[int, list[DutyItem]] = {}
    for item in items:
        items_of.setdefault(item.version_id, []).append(item)
    versions_of: dict[int, list[DutyListVersion]] = {}
    for v in in_force:
        versions_of.setdefault(v.list_id, []).append(v)
    post_ids = list(
        (
            await session.scalars(
                select(Post.id).where(Post.unit_id.in_(scope.subtree()), vis.duty_posts).order_by(Post.id)
            )
        ).all()
    )
    duties = await dq.duty_items_of_posts(session, post_ids, scope.end)
    return {
        "lists": [
            {
                "id": gid("DutyList", x.id),
                "code": x.code,
                "name": x.name,
                "unit": maybe_gid("OrgUnit", x.unit_id),
                "postKinds": list(x.post_kinds),
                "sourceClause": x.source_clause,
                "versions": [
                    {
                        "id": gid("DutyListVersion", v.id),
                        "number": v.number,
                        "effectiveFrom": iso(v.effective_from),
                        "note": v.note,
                        "items": [
                            {
                                "id": gid("DutyItem", i.id),
                                "key": i.key,
                                "position": i.position,
                                "text": i.text,
                                "sourceClause": i.source_clause,
                                "rule": plain(i.rule),
                            }
                            for i in items_of.get(v.id, [])
                        ],
                    }
                    for v in versions_of.get(x.id, [])
                ],
            }
            for x in lists
        ],
        "postDuties": [
            {
                "post": gid("Post", p),
                "on": iso(scope.end),
                "duties": [
                    {"dutyList": gid("DutyList", lst.id), "dutyItem": gid("DutyItem", item.id)}
                    for lst, item in duties.get(p, [])
                ],
            }
            for p in post_ids
        ],
    }


def obligation_id(o: Obligation) -> str:
    return gid("Obligation", o.item_id, o.post_id, o.person_id, o.period_start, o.share_start, o.event_id)


async def obligations(
    session: AsyncSession, scope: Scope, vis: Visibility
) -> tuple[dict[str, Any], list[DutyRecord]]:
    """The obligations of the subtree's posts for periods overlapping the period, with their
    statuses as of today: exactly `obligations(unitId, includeDescendants: true, from, to)`.
    Records are named only when the caller may read them (as the API's `onTimeRecords`).
    Also gives the records of the records' section (`records`)."""
    posts = reads.posts_among(dq.posts_of_unit(scope.unit.path, subtree=True), vis.duty_posts)
    found = await dq.obligations_of_posts(session, posts, scope.start, scope.end, scope.today)
    found.sort(key=page_key)
    mentioned: set[int] = set()
    for o in found:
        mentioned.update(o.on_time_record_ids, o.late_record_ids, o.delegated_record_ids)
        if o.exemption_record_id is not None:
            mentioned.add(o.exemption_record_id)
    kept = await records(session, scope, vis, mentioned)
    readable = {r.id for r in kept}

    def named(ids: Iterable[int]) -> list[str]:
        return [gid("DutyRecord", i) for i in ids if i in readable]

    names = await person_names(session, vis, (o.person_id for o in found))
    entries = [
        {
            "id": obligation_id(o),
            "dutyList": gid("DutyList", o.list_id),
            "dutyItem": gid("DutyItem", o.item_id),
            "itemKey": o.item_key,
            "post": maybe_gid("Post", o.post_id),
            "person": gid("Person", o.person_id) if o.person_id in names else None,
            "personName": names.get(o.person_id) if o.person_id is not None else None,
            "periodStart": iso(o.period_start),
            "periodEnd": iso(o.period_end),
            "shareStart": iso(o.share_start),
            "shareEnd": iso(o.share_end),
            "dueDate": iso(o.due_date),
            "required": o.required,
            "doneCount": len(o.covered_unit_ids) if o.target_unit_ids else o.done_count,
            "status": o.status.value,
            "notApplicableReason": o.not_applicable_reason.value if o.not_applicable_reason else None,
            "vacant": o.person_id is None,
            "answering": o.answering,
            "heldDays": o.held_days,
            "onTimeRecords": named(o.on_time_record_ids),
            "lateRecords": named(o.late_record_ids),
            "delegatedRecords": named(o.delegated_record_ids),
            "exemption": named([o.exemption_record_id] if o.exemption_record_id is not None else []),
            "criticalPeriod": maybe_gid("CriticalPeriod", o.event_id),
        }
        for o in found
    ]
    counts = {s: 0 for s in sorted({o.status.value for o in found})}
    for o in found:
        counts[o.status.value] += 1
    return {"obligations": entries, "byStatus": counts}, kept


async def records(
    session: AsyncSession, scope: Scope, vis: Visibility, counted: set[int]
) -> list[DutyRecord]:
    """The records the caller may read covering the subtree performed in the period
    (`dutyRecords(unitId, from, to)`), and those that counted for an obligation, by id."""
    performed = reads.records(
        vis.records, unit_given=True, unit=scope.unit, start=scope.start, end=scope.end
    ).where(DutyRecord.kind != EXEMPTION)
    found = {r.id: r for r in (await session.scalars(performed)).all()}
    for chunk in chunks(counted - found.keys()):
        found.update(await rows_by_ids(session, DutyRecord, chunk, vis.records))
    return [found[i] for i in sorted(found)]


def record_entry(r: DutyRecord, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": gid("DutyRecord", r.id),
        "kind": r.kind,
        "performedOn": iso(r.performed_on),
        "title": r.title,
        "findings": r.findings,
        "recorder": subject_ref(r.recorder),
        "makeupFor": iso(r.makeup_for),
        "withdrawn": r.withdrawn,
        "reason": r.reason,
        "corrects": maybe_gid("DutyRecord", r.corrects_id),
        "createdAt": iso(r.created_at),
        "participants": plain(r.participants or []),
        "attachments": plain(r.attachments or []),
        "files": files,
    }
