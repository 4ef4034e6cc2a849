"""Writing a record, correcting it and withdrawing it: a correction or a withdrawal is a
new row that points at the row it replaces, one per row, by the recorder only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Integer, Select, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.chain import sealing
from domain.audit.service import entry, insert_audited, insert_entries, row_snapshot
from domain.corrections import is_corrected
from domain.db import utcnow
from domain.duties.delegations.reading import delegations_to
from domain.duties.models import (
    EXEMPTION,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
)
from domain.duties.obligations import RecordFacts
from domain.duties.records.checking import Units, check_record
from domain.duties.records.inputs import RecordInput, attachment_row
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.scoring.maintain import track
from domain.tree.models import OrgUnit


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
        inserted = cast(
            CursorResult[Any], await session.execute(add_record, values, execution_options=sealing.NOTED)
        )
        key = inserted.inserted_primary_key
        assert key is not None
        record_id = key[0]
        await session.execute(
            add_units,
            [{"record_id": record_id, "unit_id": u} for u in unit_ids],
            execution_options=sealing.NOTED,
        )
        if item_ids:
            await session.execute(
                add_items,
                [{"record_id": record_id, "item_id": i} for i in item_ids],
                execution_options=sealing.NOTED,
            )
    # Sealed into the evidence chains when the transaction commits.
    sealing.note(session, DutyRecord, [{"id": record_id}])
    sealing.note(session, DutyRecordUnit, [{"record_id": record_id, "unit_id": u} for u in unit_ids])
    sealing.note(session, DutyRecordItem, [{"record_id": record_id, "item_id": i} for i in item_ids])
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
                actor=recorder,
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
    checked = await check_record(session, errors, data, today, units)
    errors.raise_if_any()
    async with track(
        session,
        today,
        persons=[recorder.person_id],
        posts=await delegated_posts(session, [recorder.person_id], [data.performed_on, data.makeup_for]),
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


async def delegated_posts(
    session: AsyncSession, persons: Sequence[int | None], days: Sequence[date | None]
) -> list[int]:
    """Posts whose duties the persons' records on these days may count for by a delegation
    (their obligations change with the records, beside the persons' own)."""
    who = [p for p in persons if p is not None]
    when = [d for d in days if d is not None]
    if not who or not when:
        return []
    return sorted({d.post_id for d in await delegations_to(session, who, min(when), max(when))})


async def current_row(session: AsyncSession, record_id: int) -> DutyRecord | None:
    return await session.get(DutyRecord, record_id)


async def _replaceable(session: AsyncSession, record_id: int, recorder: Actor) -> DutyRecord:
    original = await session.get(DutyRecord, record_id)
    if original is None:
        raise not_found("recordId", "履职记录", "Record")
    if original.withdrawn:
        raise DomainError.one(ErrorCode.ALREADY_ENDED, "recordId", "该记录已撤回", "The record was withdrawn")
    if await is_corrected(session, DutyRecord, record_id):
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
    checked = await check_record(session, errors, data, today, units)
    errors.raise_if_any()
    persons = [original.recorder_person_id, recorder.person_id]
    days = [original.performed_on, original.makeup_for, data.performed_on, data.makeup_for]
    async with track(
        session,
        today,
        persons=persons,
        posts=await delegated_posts(session, persons, days),
        days=days,
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
    posts = [original.exempt_post_id, *await delegated_posts(session, persons, days)]
    async with track(session, today, persons=persons, posts=posts, days=days, records_only=records_only):
        return await _withdraw(session, original, clean_reason, recorder, domain)


async def _withdraw(
    session: AsyncSession, original: DutyRecord, clean_reason: str | None, recorder: Actor, domain: str
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
    await insert_audited(session, withdrawal, "record.withdraw", domain, actor=recorder)
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
