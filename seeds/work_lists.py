"""The catalogue's work lists (seeds/tasks/*.yaml: 004 附件2, the 2023 key-work list) and how
a park takes one: department names become the park's departments, the leader tokens the
park's leader posts (never the documents' names), the issuing department the park's office.

Leader tokens: PRINCIPAL — the park's 管委会主任 post (else its 主要负责人, else 党工委书记);
IN_CHARGE — the park's leader posts in charge (分管) of a lead department on the day;
ALL_LEADERS — every leader post of the park. "各部、办、中心" is every department of the park
(as supporting units, those not leading the task).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM, Actor
from domain.duties.models import DutySource
from domain.errors import DomainError, ErrorCode, not_found
from domain.posts.kinds import PostKind
from domain.posts.models import Post, PostCharge
from domain.tasks.models import WorkList
from domain.tasks.service import TaskInput, WorkListInput, create_work_list
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit, subtree_upper_bound

TASKS_DIR = Path(__file__).resolve().parent / "tasks"
ALL_DEPARTMENTS = "各部、办、中心"
LEADER_KINDS = (
    PostKind.PARTY_SECRETARY,
    PostKind.COMMITTEE_DIRECTOR,
    PostKind.PRINCIPAL,
    PostKind.DEPUTY_IN_CHARGE,
    PostKind.OTHER_LEADER,
)
PRINCIPAL_ORDER = (PostKind.COMMITTEE_DIRECTOR, PostKind.PRINCIPAL, PostKind.PARTY_SECRETARY)


def read_work_lists(directory: Path = TASKS_DIR) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.yaml"))]


def park_list_code(spec: dict[str, Any], park: OrgUnit) -> str:
    return f"{spec['code']}.{park.id}"


@dataclass
class Adoption:
    work_list: WorkList | None
    missing: list[str] = field(default_factory=list)  # names the park has no department of


async def _departments(session: AsyncSession, park: OrgUnit) -> dict[str, int]:
    rows = await session.execute(
        select(OrgUnit.name, OrgUnit.id)
        .where(
            OrgUnit.kind == UnitKind.DEPARTMENT,
            OrgUnit.parent_id == park.id,
            OrgUnit.archived_at.is_(None),
        )
        .order_by(OrgUnit.id)
    )
    return {name: uid for name, uid in rows.all()}


async def _leader_posts(session: AsyncSession, park: OrgUnit) -> list[Post]:
    return list(
        (
            await session.scalars(
                select(Post)
                .where(
                    Post.unit_id == park.id,
                    Post.archived_at.is_(None),
                    Post.kind.in_([k.value for k in LEADER_KINDS]),
                )
                .order_by(Post.id)
            )
        ).all()
    )


async def _charges(session: AsyncSession, post_ids: list[int], on: date) -> dict[int, set[int]]:
    rows = await session.execute(
        select(PostCharge.post_id, PostCharge.unit_id).where(
            PostCharge.post_id.in_(post_ids),
            PostCharge.start_date <= on,
            (PostCharge.end_date.is_(None)) | (PostCharge.end_date >= on),
        )
    )
    out: dict[int, set[int]] = {}
    for pid, uid in rows.all():
        out.setdefault(pid, set()).add(uid)
    return out


def _units(names: list[str], departments: dict[str, int], missing: list[str]) -> list[int]:
    out: list[int] = []
    for name in names:
        if name == ALL_DEPARTMENTS:
            out.extend(departments.values())
        elif name in departments:
            out.append(departments[name])
        elif name not in missing:
            missing.append(name)
    return list(dict.fromkeys(out))


async def adopt_work_list(
    session: AsyncSession, spec: dict[str, Any], park: OrgUnit, *, on: date, actor: Actor = SYSTEM
) -> Adoption:
    """The park's own copy of a catalogue work list (idempotent: an existing one is kept)."""
    code = park_list_code(spec, park)
    existing = await session.scalar(select(WorkList).where(WorkList.code == code))
    if existing is not None:
        return Adoption(existing)
    departments = await _departments(session, park)
    missing: list[str] = []
    office = departments.get(spec["issuing_department"])
    if office is None:
        return Adoption(None, [spec["issuing_department"]])
    leaders = await _leader_posts(session, park)
    charges = await _charges(session, [p.id for p in leaders], on)
    principal: list[int] = []
    for kind in PRINCIPAL_ORDER:
        principal = [p.id for p in leaders if p.kind == kind.value]
        if principal:
            break
    source = await session.scalar(select(DutySource.id).where(DutySource.file == spec["document"]))
    tasks: list[TaskInput] = []
    for row in spec["tasks"]:
        lead = _units(row["lead_departments"], departments, missing)
        if not lead:
            continue
        support = [u for u in _units(row["supporting_departments"], departments, missing) if u not in lead]
        posts: list[int] = []
        for token in row["leaders"]:
            if token == "ALL_LEADERS":
                posts += [p.id for p in leaders]
            elif token == "PRINCIPAL":
                posts += principal
            elif token == "IN_CHARGE":
                posts += [p.id for p in leaders if charges.get(p.id, set()) & set(lead)]
        tasks.append(
            TaskInput(
                number=int(row["number"]),
                title=row["title"],
                requirement=row["requirement"],
                deadline=date.fromisoformat(str(row["deadline"])),
                lead_unit_ids=lead,
                support_unit_ids=support,
                leader_post_ids=list(dict.fromkeys(posts)),
                section=row.get("section"),
                source_clause=row.get("clause"),
                note=_DEADLINE_NOTES.get(row.get("deadline_basis", "")),
            )
        )
    work_list = await create_work_list(
        session,
        WorkListInput(
            code=code,
            title=spec["title"],
            year=int(spec["year"]),
            park_id=park.id,
            issuing_unit_id=office,
            tasks=tasks,
            source_id=source,
            source_clause=spec.get("source_clause"),
        ),
        actor=actor,
    )
    return Adoption(work_list, missing)


_DEADLINE_NOTES = {
    "DOCUMENT": "期限为原文规定（2023年12月底前）。",
    "LIST_YEAR": "原文未给期限，按本清单年度计（2023年12月31日前）。",
}


async def parks_under(session: AsyncSession, path: str) -> list[OrgUnit]:
    return list(
        (
            await session.scalars(
                select(OrgUnit)
                .where(
                    OrgUnit.kind == UnitKind.PARK,
                    OrgUnit.path >= path,
                    OrgUnit.path < subtree_upper_bound(path),
                )
                .order_by(OrgUnit.id)
            )
        ).all()
    )


async def adopt_catalogue_work_list(
    session: AsyncSession, *, code: str, park_id: int, today: date, actor: Actor
) -> WorkList:
    """A park takes a catalogue work list by its code (the `adoptWorkList` mutation)."""
    spec = next((s for s in read_work_lists() if s["code"] == code), None)
    if spec is None:
        raise not_found("code", "重点工作清单模板", "Work list template")
    park = await session.get(OrgUnit, park_id)
    if park is None:
        raise not_found("parkId", "园区", "Park")
    if park.kind != UnitKind.PARK:
        raise DomainError.one(ErrorCode.INVALID_VALUE, "parkId", "须为园区", "must be a park")
    if await session.scalar(select(WorkList.id).where(WorkList.code == park_list_code(spec, park))):
        raise DomainError.one(
            ErrorCode.DUPLICATE, "code", "园区已有该重点工作清单", "The park has this work list already"
        )
    adoption = await adopt_work_list(session, spec, park, on=today, actor=actor)
    if adoption.work_list is None or adoption.missing:
        names = "、".join(adoption.missing)
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            "parkId",
            f"园区没有清单所指的部室：{names}",
            f"The park lacks {len(adoption.missing)} of the departments the list names",
        )
    return adoption.work_list
