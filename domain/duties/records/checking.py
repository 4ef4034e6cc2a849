"""The rules of the evidence a record must keep, checked before it is written: its units
exist and are not archived, its duties are ones its kind can fulfil, nothing is dated in
the future, and its lists of units, duties, participants and attachments are bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import (
    DutyItem,
    DutyListVersion,
)
from domain.duties.records.inputs import (
    MAX_ITEMS,
    MAX_PARTICIPANTS,
    MAX_UNITS,
    RecordInput,
    check_attachments,
)
from domain.duties.rules import RecordKind, parse_rule
from domain.errors import ErrorCode, ErrorCollector
from domain.inputs import clean_text
from domain.people.models import Person
from domain.tree.models import OrgUnit


@dataclass(frozen=True)
class Checked:
    unit_ids: list[int]
    item_ids: list[int]
    paths: dict[int, str]  # of the units
    duties: dict[int, tuple[int, str]]  # (list id, item key) of the items


# The units a record names, as a caller read them in the write's transaction: id → (when
# archived, path). A unit not in it does not exist.
Units = dict[int, tuple[datetime | None, str]]

# Every record write reads its units (unless its caller has): built once.
_UNITS = select(OrgUnit.id, OrgUnit.archived_at, OrgUnit.path).where(
    OrgUnit.id.in_(bindparam("unit_ids", expanding=True))
)


async def check_record(
    session: AsyncSession, errors: ErrorCollector, data: RecordInput, today: date, units: Units | None = None
) -> Checked:
    try:
        kind = RecordKind(data.kind)
    except ValueError:
        errors.add(ErrorCode.INVALID_VALUE, "kind", "未知的记录类型", f"Unknown record kind {data.kind}")
        kind = None
    if data.performed_on > today:
        errors.add(ErrorCode.INVALID_VALUE, "performedOn", "履职日期不能晚于今天", "cannot be in the future")
    if data.makeup_for is not None and data.makeup_for >= data.performed_on:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "makeupFor",
            "补做的期间须早于履职日期",
            "a make-up is for a day before the day it was performed",
        )
    clean_text(errors, "title", data.title, label_zh="标题", label_en="Title", max_length=200)
    clean_text(
        errors,
        "findings",
        data.findings,
        label_zh="发现问题",
        label_en="Findings",
        max_length=20000,
        required=False,
    )
    unit_ids = list(dict.fromkeys(data.unit_ids))
    paths: dict[int, str] = {}
    duties: dict[int, tuple[int, str]] = {}
    if not unit_ids:
        errors.add(ErrorCode.REQUIRED, "unitIds", "须列明覆盖的单位", "Name the units the record covers")
    elif len(unit_ids) > MAX_UNITS:
        errors.add(ErrorCode.INVALID_VALUE, "unitIds", f"最多{MAX_UNITS}个单位", f"at most {MAX_UNITS} units")
    else:
        if units is None:
            rows = (await session.execute(_UNITS, {"unit_ids": unit_ids})).all()
            units = {uid: (archived_at, path) for uid, archived_at, path in rows}
        found = {}
        for uid in unit_ids:
            if uid in units:
                found[uid], paths[uid] = units[uid]
        for n, uid in enumerate(unit_ids):
            if uid not in found:
                errors.add(
                    ErrorCode.NOT_FOUND,
                    ("unitIds", str(n)),
                    "组织单元不存在",
                    "Organisation unit does not exist",
                )
            elif found[uid] is not None:
                errors.add(ErrorCode.ARCHIVED, ("unitIds", str(n)), "单元已撤销", "The unit is archived")
    item_ids = list(dict.fromkeys(data.item_ids))
    if len(item_ids) > MAX_ITEMS:
        errors.add(
            ErrorCode.INVALID_VALUE, "itemIds", f"最多{MAX_ITEMS}项职责", f"at most {MAX_ITEMS} duties"
        )
    elif item_ids:
        rules: dict[int, Any] = {}
        for iid, rule, key, list_id in (
            await session.execute(
                select(DutyItem.id, DutyItem.rule, DutyItem.key, DutyListVersion.list_id)
                .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
                .where(DutyItem.id.in_(item_ids))
            )
        ).all():
            rules[iid] = rule
            duties[iid] = (list_id, key)
        for n, iid in enumerate(item_ids):
            if iid not in rules:
                errors.add(ErrorCode.NOT_FOUND, ("itemIds", str(n)), "职责不存在", "Duty item does not exist")
            elif kind is not None and rules[iid] is not None and kind not in parse_rule(rules[iid]).kinds:
                errors.add(
                    ErrorCode.INVALID_VALUE,
                    ("itemIds", str(n)),
                    "该类记录不能履行这项职责",
                    f"A {kind.value} record cannot fulfil this duty",
                )
    if len(data.participants) > MAX_PARTICIPANTS:
        errors.add(ErrorCode.INVALID_VALUE, "participants", "参加人员过多", f"at most {MAX_PARTICIPANTS}")
    person_ids = {p.person_id for p in data.participants if p.person_id is not None}
    known = (
        set((await session.scalars(select(Person.id).where(Person.id.in_(person_ids)))).all())
        if person_ids
        else set()
    )
    for n, p in enumerate(data.participants):
        base = ("participants", str(n))
        clean_text(errors, (*base, "name"), p.name, label_zh="姓名", label_en="Name", max_length=100)
        clean_text(
            errors, (*base, "role"), p.role, label_zh="职务", label_en="Role", max_length=100, required=False
        )
        if p.person_id is not None and p.person_id not in known:
            errors.add(ErrorCode.NOT_FOUND, (*base, "personId"), "人员不存在", "Person does not exist")
    check_attachments(errors, data.attachments, "attachments", "附件")
    return Checked(unit_ids, item_ids, paths, duties)
