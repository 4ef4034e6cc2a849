"""Records of performance, exemptions and critical periods: written once, corrected or
withdrawn by new rows that point at what they replace.

Who may write what is the API's business (it checks the caller's rights on every unit);
these services check the input and the rules of the evidence itself: one correction per
row, only the recorder corrects their record, a record names only duties its kind can
fulfil, nothing is dated in the future.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Integer, Select, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import entry, insert_audited, insert_entries, row_snapshot
from domain.db import utcnow
from domain.duties.models import (
    EXEMPTION,
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    ExemptionDecision,
)
from domain.duties.obligations import RecordFacts
from domain.duties.rules import EventKind, RecordKind, parse_rule
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.people.models import Person
from domain.posts.models import Post
from domain.scoring.maintain import posts_near, track
from domain.tree.models import OrgUnit

MAX_UNITS = 200
MAX_ITEMS = 50
MAX_PARTICIPANTS = 100
MAX_ATTACHMENTS = 50
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Participant:
    name: str
    role: str | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class Attachment:
    name: str
    media_type: str
    size_bytes: int
    sha256: str
    uri: str | None = None


def check_attachments(errors: ErrorCollector, items: Sequence[Attachment], field: str, label_zh: str) -> None:
    """Files' metadata as records and hazards keep it: at most MAX_ATTACHMENTS, each with a
    name, a media type, a size and a SHA-256 digest."""
    if len(items) > MAX_ATTACHMENTS:
        errors.add(ErrorCode.INVALID_VALUE, field, f"{label_zh}过多", f"at most {MAX_ATTACHMENTS}")
        return
    for n, a in enumerate(items):
        base = (field, str(n))
        clean_text(errors, (*base, "name"), a.name, label_zh="文件名", label_en="Name", max_length=255)
        clean_text(
            errors,
            (*base, "mediaType"),
            a.media_type,
            label_zh="文件类型",
            label_en="Media type",
            max_length=100,
        )
        clean_text(
            errors, (*base, "uri"), a.uri, label_zh="地址", label_en="URI", max_length=1000, required=False
        )
        if a.size_bytes < 0:
            errors.add(
                ErrorCode.INVALID_VALUE, (*base, "sizeBytes"), "文件大小不能为负", "cannot be negative"
            )
        if not SHA256_RE.match(a.sha256 or ""):
            errors.add(
                ErrorCode.INVALID_VALUE,
                (*base, "sha256"),
                "应为64位小写十六进制摘要",
                "must be 64 lowercase hex digits",
            )


def attachment_row(a: Attachment) -> dict[str, Any]:
    return {
        "name": a.name.strip(),
        "mediaType": a.media_type.strip(),
        "sizeBytes": a.size_bytes,
        "sha256": a.sha256,
        "uri": a.uri,
    }


@dataclass(frozen=True)
class RecordInput:
    kind: str
    performed_on: date
    title: str
    unit_ids: Sequence[int]
    item_ids: Sequence[int] = ()
    findings: str | None = None
    participants: Sequence[Participant] = field(default_factory=tuple)
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    makeup_for: date | None = None


@dataclass(frozen=True)
class _Checked:
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


async def _check_record(
    session: AsyncSession, errors: ErrorCollector, data: RecordInput, today: date, units: Units | None = None
) -> _Checked:
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
    return _Checked(unit_ids, item_ids, paths, duties)


@cache
def _write_statements() -> tuple[Insert, Insert, Insert]:
    """Inserting a record, its units and its duties: built once. The record's id is read
    from the cursor (SQLite's last row id), not by RETURNING, which SQLite before 3.35 lacks."""
    record, units, items = _tables()
    return insert(record), insert(units), insert(items)


@cache
def _write_in_one() -> Select[Any]:
    """PostgreSQL: the record, its units (`unit_ids`) and duties (`item_ids`) in one
    statement, returning the record's id (data-modifying CTEs, which SQLite lacks)."""
    record, units, items = _tables()
    new = (
        insert(record)
        .values({c.key: bindparam(c.key) for c in record.c if c.key != "id"})
        .returning(record.c.id)
        .cte("new_record")
    )
    links = [
        insert(table)
        .from_select(
            ["record_id", column],
            select(new.c.id, func.unnest(bindparam(f"{column}s", type_=ARRAY(Integer)))),
        )
        .cte(f"new_{table.name}")
        for table, column in ((units, "unit_id"), (items, "item_id"))
    ]
    return select(new.c.id).add_cte(*links)


def _tables() -> tuple[Table, Table, Table]:
    record, units, items = (cast(Table, m.__table__) for m in (DutyRecord, DutyRecordUnit, DutyRecordItem))
    return record, units, items


async def _write(
    session: AsyncSession,
    data: RecordInput,
    recorder: Actor,
    unit_ids: list[int],
    item_ids: list[int],
    domain: str,
    corrects: DutyRecord | None = None,
    reason: str | None = None,
) -> DutyRecord:
    """The record, its units and duties and its audit entry, by Core statements: record
    writes are the commonest writes, and the ORM's unit of work cost more Python than the
    inserts (on PostgreSQL two: `_write_in_one` and the audit entry's). Every column is
    given here (no defaults left to the insert), so the row returned (not attached to the
    session) is the row stored."""
    values: dict[str, Any] = {
        "kind": data.kind,
        "performed_on": data.performed_on,
        "title": data.title.strip(),
        "findings": (data.findings or "").strip() or None,
        "recorder": recorder.subject,
        "recorder_person_id": recorder.person_id,
        "agency_id": recorder.agency_id,
        "makeup_for": data.makeup_for,
        "participants": [
            {"name": p.name.strip(), "role": (p.role or "").strip() or None, "personId": p.person_id}
            for p in data.participants
        ],
        "attachments": [attachment_row(a) for a in data.attachments],
        "exempt_post_id": None,
        "exempt_person_id": None,
        "exempt_list_id": None,
        "exempt_item_key": None,
        "exempt_from": None,
        "exempt_to": None,
        "reason": reason,
        "corrects_id": corrects.id if corrects else None,
        "withdrawn": False,
        "created_at": utcnow(),
    }
    if session.get_bind().dialect.name == "postgresql":
        in_one = {**values, "unit_ids": unit_ids, "item_ids": item_ids}
        record_id = (await session.execute(_write_in_one(), in_one)).scalar_one()
    else:
        add_record, add_units, add_items = _write_statements()
        inserted = cast(CursorResult[Any], await session.execute(add_record, values))
        key = inserted.inserted_primary_key
        assert key is not None
        record_id = key[0]
        await session.execute(add_units, [{"record_id": record_id, "unit_id": u} for u in unit_ids])
        if item_ids:
            await session.execute(add_items, [{"record_id": record_id, "item_id": i} for i in item_ids])
    record = DutyRecord(id=record_id, **values)
    await insert_entries(
        session,
        [
            entry(
                session,
                action="record.correct" if corrects else "record.create",
                target_type="DutyRecord",
                target_id=record_id,
                domain=domain,
                after=row_snapshot(record),
            )
        ],
    )
    return record


async def create_record(
    session: AsyncSession,
    *,
    data: RecordInput,
    recorder: Actor,
    domain: str,
    today: date,
    units: Units | None = None,
) -> DutyRecord:
    """`units`: the record's units as the caller read them in this transaction (`Units`)."""
    errors = ErrorCollector()
    checked = await _check_record(session, errors, data, today, units)
    errors.raise_if_any()
    async with track(
        session,
        today,
        persons=[recorder.person_id],
        days=[data.performed_on, data.makeup_for],
        records_only=True,
    ) as tracked:
        record = await _write(session, data, recorder, checked.unit_ids, checked.item_ids, domain)
        if recorder.person_id is not None:
            # All the change is this record: the score update takes it as it is.
            tracked.add_record(
                RecordFacts(
                    id=record.id,
                    kind=record.kind,
                    performed_on=record.performed_on,
                    person_id=recorder.person_id,
                    unit_paths=tuple(checked.paths[u] for u in checked.unit_ids),
                    unit_ids=tuple(checked.unit_ids),
                    items=frozenset(checked.duties[i] for i in checked.item_ids),
                    makeup_for=record.makeup_for,
                )
            )
        return record


async def current_row(session: AsyncSession, record_id: int) -> DutyRecord | None:
    return await session.get(DutyRecord, record_id)


async def _replaceable(session: AsyncSession, record_id: int, recorder: Actor) -> DutyRecord:
    original = await session.get(DutyRecord, record_id)
    if original is None:
        raise not_found("recordId", "履职记录", "Record")
    if original.withdrawn:
        raise DomainError.one(ErrorCode.ALREADY_ENDED, "recordId", "该记录已撤回", "The record was withdrawn")
    if await session.scalar(select(DutyRecord.id).where(DutyRecord.corrects_id == record_id)):
        raise DomainError.one(
            ErrorCode.ALREADY_CORRECTED,
            "recordId",
            "该记录已被更正，请更正最新的记录",
            "The record was already corrected; correct the latest version",
        )
    if original.recorder != recorder.subject:
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            "recordId",
            "只有记录人本人可以更正或撤回（谁检查、谁签字、谁负责）",
            "Only the recorder may correct or withdraw a record",
        )
    return original


def _reason(errors: ErrorCollector, reason: str | None) -> str | None:
    return clean_text(errors, "reason", reason, label_zh="更正原因", label_en="Reason", max_length=2000)


async def correct_record(
    session: AsyncSession,
    *,
    record_id: int,
    data: RecordInput,
    reason: str | None,
    recorder: Actor,
    domain: str,
    today: date,
    units: Units | None = None,
) -> DutyRecord:
    original = await _replaceable(session, record_id, recorder)
    if original.kind == EXEMPTION:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            "recordId",
            "豁免申请只能撤回后重新申请",
            "Withdraw an exemption request and file a new one",
        )
    errors = ErrorCollector()
    clean_reason = _reason(errors, reason)
    checked = await _check_record(session, errors, data, today, units)
    errors.raise_if_any()
    async with track(
        session,
        today,
        persons=[original.recorder_person_id, recorder.person_id],
        days=[original.performed_on, original.makeup_for, data.performed_on, data.makeup_for],
        records_only=True,
    ):
        return await _write(
            session,
            data,
            recorder,
            checked.unit_ids,
            checked.item_ids,
            domain,
            corrects=original,
            reason=clean_reason,
        )


async def withdraw_record(
    session: AsyncSession,
    *,
    record_id: int,
    reason: str | None,
    recorder: Actor,
    domain: str,
    today: date | None = None,
) -> DutyRecord:
    original = await _replaceable(session, record_id, recorder)
    errors = ErrorCollector()
    clean_reason = _reason(errors, reason)
    errors.raise_if_any()
    days = [original.performed_on, original.makeup_for, original.exempt_from, original.exempt_to]
    persons = [original.recorder_person_id, original.exempt_person_id]
    # Withdrawing an exemption request changes exemptions too, not records alone.
    records_only = original.kind != EXEMPTION
    async with track(
        session, today, persons=persons, posts=[original.exempt_post_id], days=days, records_only=records_only
    ):
        return await _withdraw(session, original, clean_reason, domain)


async def _withdraw(
    session: AsyncSession, original: DutyRecord, clean_reason: str | None, domain: str
) -> DutyRecord:
    copy = {
        c: getattr(original, c)
        for c in (
            "kind",
            "performed_on",
            "title",
            "findings",
            "recorder",
            "recorder_person_id",
            "agency_id",
            "makeup_for",
            "participants",
            "attachments",
            "exempt_post_id",
            "exempt_person_id",
            "exempt_list_id",
            "exempt_item_key",
            "exempt_from",
            "exempt_to",
        )
    }
    withdrawal = DutyRecord(**copy, corrects_id=original.id, withdrawn=True, reason=clean_reason)
    await insert_audited(session, withdrawal, "record.withdraw", domain)
    # The withdrawal covers what the record covered, so it shows in the same histories.
    unit_ids = (
        await session.scalars(select(DutyRecordUnit.unit_id).where(DutyRecordUnit.record_id == original.id))
    ).all()
    item_ids = (
        await session.scalars(select(DutyRecordItem.item_id).where(DutyRecordItem.record_id == original.id))
    ).all()
    session.add_all(DutyRecordUnit(record_id=withdrawal.id, unit_id=u) for u in unit_ids)
    session.add_all(DutyRecordItem(record_id=withdrawal.id, item_id=i) for i in item_ids)
    await session.flush()
    return withdrawal


async def record_units(session: AsyncSession, record_id: int) -> list[tuple[int, str]]:
    return list(
        (
            await session.execute(
                select(OrgUnit.id, OrgUnit.path)
                .join(DutyRecordUnit, DutyRecordUnit.unit_id == OrgUnit.id)
                .where(DutyRecordUnit.record_id == record_id)
            )
        ).tuples()
    )


# --- exemptions ------------------------------------------------------------------------


async def list_item_keys(session: AsyncSession, list_id: int) -> set[str]:
    return set(
        (
            await session.scalars(
                select(DutyItem.key)
                .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
                .where(DutyListVersion.list_id == list_id)
            )
        ).all()
    )


async def request_exemption(
    session: AsyncSession,
    *,
    post: Post | None,
    person_id: int | None,
    list_id: int,
    item_key: str,
    start: date,
    end: date,
    reason: str | None,
    recorder: Actor,
    unit_id: int,
    domain: str,
    today: date,
) -> DutyRecord:
    """Ask that an obligation (of a post, or of a person for per-holder duties) be not
    applicable from `start` to `end`, for a reason (a closed enterprise, a vacant post)."""
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="豁免理由", label_en="Reason", max_length=2000
    )
    if end < start:
        errors.add(ErrorCode.INVALID_DATE_RANGE, "to", "结束日期不能早于开始日期", "must not be before from")
    lst = await session.get(DutyList, list_id)
    if lst is None:
        errors.add(ErrorCode.NOT_FOUND, "itemId", "职责不存在", "Duty item does not exist")
    elif post is not None and post.kind not in lst.post_kinds:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "postId",
            "该岗位不承担这份清单",
            "The post does not carry this duty list",
        )
    elif item_key not in await list_item_keys(session, list_id):
        errors.add(ErrorCode.NOT_FOUND, "itemId", "职责不存在", "Duty item does not exist")
    errors.raise_if_any()
    record = DutyRecord(
        kind=EXEMPTION,
        performed_on=today,
        title="豁免申请",
        recorder=recorder.subject,
        recorder_person_id=recorder.person_id,
        agency_id=recorder.agency_id,
        participants=[],
        attachments=[],
        exempt_post_id=post.id if post else None,
        exempt_person_id=person_id,
        exempt_list_id=list_id,
        exempt_item_key=item_key,
        exempt_from=start,
        exempt_to=end,
        reason=clean_reason,
    )
    await insert_audited(session, record, "exemption.request", domain)
    session.add(DutyRecordUnit(record_id=record.id, unit_id=unit_id))
    await session.flush()
    return record


async def decide_exemption(
    session: AsyncSession,
    *,
    record: DutyRecord,
    approved: bool,
    note: str | None,
    decider: Actor,
    holder_ids: set[int],
    domain: str,
    today: date | None = None,
) -> ExemptionDecision:
    errors = ErrorCollector()
    clean_note = clean_text(
        errors, "note", note, label_zh="审批意见", label_en="Note", max_length=2000, required=not approved
    )
    if record.kind != EXEMPTION:
        raise not_found("exemptionId", "豁免申请", "Exemption request")
    if record.withdrawn or await session.scalar(
        select(DutyRecord.id).where(DutyRecord.corrects_id == record.id)
    ):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "exemptionId", "该申请已撤回", "The request was withdrawn"
        )
    if await session.scalar(select(ExemptionDecision.id).where(ExemptionDecision.record_id == record.id)):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "exemptionId", "该申请已审批", "The request was already decided"
        )
    if decider.subject == record.recorder or (
        decider.person_id is not None and decider.person_id in holder_ids
    ):
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            "exemptionId",
            "申请人或岗位责任人本人不能审批，须由上级审批",
            "The requester or the holder cannot approve; someone above them must",
        )
    errors.raise_if_any()
    async with track(
        session,
        today,
        persons=[record.exempt_person_id],
        posts=[record.exempt_post_id],
        days=[record.exempt_from, record.exempt_to],
    ):
        return await _decide(session, record, approved, clean_note, decider, domain)


async def _decide(
    session: AsyncSession,
    record: DutyRecord,
    approved: bool,
    clean_note: str | None,
    decider: Actor,
    domain: str,
) -> ExemptionDecision:
    return await insert_audited(
        session,
        ExemptionDecision(
            record_id=record.id,
            approved=approved,
            decided_by=decider.subject,
            decided_by_person_id=decider.person_id,
            note=clean_note,
        ),
        "exemption.decide",
        domain,
    )


# --- critical periods ------------------------------------------------------------------


async def declare_critical_period(
    session: AsyncSession,
    *,
    unit_id: int,
    kind: str,
    title: str,
    start: date,
    end: date,
    actor: Actor,
    domain: str,
    corrects: CriticalPeriod | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> CriticalPeriod:
    errors = ErrorCollector()
    try:
        EventKind(kind)
    except ValueError:
        errors.add(
            ErrorCode.INVALID_VALUE, "kind", "未知的特殊时期类型", f"Unknown critical period kind {kind}"
        )
    clean_title = clean_text(errors, "title", title, label_zh="名称", label_en="Title", max_length=200)
    if end < start:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            "结束日期不能早于开始日期",
            "must not be before the start",
        )
    elif (end - start).days > 366:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            "特殊时期不能超过一年",
            "a critical period lasts at most a year",
        )
    errors.raise_if_any()
    units = [unit_id, corrects.unit_id if corrects else unit_id]
    days = [start, end, *((corrects.start_date, corrects.end_date) if corrects else ())]
    async with track(session, today, posts=await posts_near(session, units), days=days):
        return await _declare(
            session, unit_id, kind, clean_title, start, end, actor, domain, corrects, reason
        )


async def _declare(
    session: AsyncSession,
    unit_id: int,
    kind: str,
    clean_title: str | None,
    start: date,
    end: date,
    actor: Actor,
    domain: str,
    corrects: CriticalPeriod | None,
    reason: str | None,
) -> CriticalPeriod:
    return await insert_audited(
        session,
        CriticalPeriod(
            unit_id=unit_id,
            kind=kind,
            title=clean_title or "",
            start_date=start,
            end_date=end,
            created_by=actor.subject,
            corrects_id=corrects.id if corrects else None,
            reason=reason,
        ),
        "critical_period.declare",
        domain,
    )


async def withdraw_critical_period(
    session: AsyncSession,
    *,
    period_id: int,
    reason: str | None,
    actor: Actor,
    domain: str,
    today: date | None = None,
) -> CriticalPeriod:
    original = await session.get(CriticalPeriod, period_id)
    if original is None:
        raise not_found("periodId", "特殊时期", "Critical period")
    if original.withdrawn or await session.scalar(
        select(CriticalPeriod.id).where(CriticalPeriod.corrects_id == period_id)
    ):
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "periodId", "该特殊时期已撤回或更正", "Already withdrawn or corrected"
        )
    errors = ErrorCollector()
    clean_reason = clean_text(
        errors, "reason", reason, label_zh="撤回原因", label_en="Reason", max_length=2000
    )
    errors.raise_if_any()
    posts = await posts_near(session, [original.unit_id])
    async with track(session, today, posts=posts, days=[original.start_date, original.end_date]):
        return await _withdraw_period(session, original, actor, domain, clean_reason)


async def _withdraw_period(
    session: AsyncSession, original: CriticalPeriod, actor: Actor, domain: str, clean_reason: str | None
) -> CriticalPeriod:
    return await insert_audited(
        session,
        CriticalPeriod(
            unit_id=original.unit_id,
            kind=original.kind,
            title=original.title,
            start_date=original.start_date,
            end_date=original.end_date,
            created_by=actor.subject,
            corrects_id=original.id,
            withdrawn=True,
            reason=clean_reason,
        ),
        "critical_period.withdraw",
        domain,
    )


def participants_of(record: DutyRecord) -> list[dict[str, Any]]:
    return list(record.participants or [])
