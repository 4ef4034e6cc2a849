"""Writing a record: the record, its units and its audit entry are written together."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.duties.models import DutyItem, DutyRecord, DutyRecordItem, DutyRecordUnit
from domain.posts.kinds import PostKind
from tests import factories as f


async def test_a_record_is_written_with_its_units_and_its_audit_entry(session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    who = await f.person(session, "记录人甲")
    units = [tree["chem"], tree["food"]]
    record = await f.record(session, who, "INSPECTION", date(2026, 3, 2), units, title="月度检查（演示）")

    linked = (
        await session.scalars(select(DutyRecordUnit.unit_id).where(DutyRecordUnit.record_id == record.id))
    ).all()
    assert sorted(linked) == sorted(u.id for u in units)
    events = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.target_type == "DutyRecord", AuditEvent.target_id == record.id
            )
        )
    ).all()
    assert [e.action for e in events] == ["record.create"]
    assert events[0].domain == units[0].path
    assert events[0].after is not None and events[0].after["title"] == "月度检查（演示）"
    assert events[0].after["performed_on"] == "2026-03-02"


async def test_the_record_returned_is_the_row_stored_with_its_duties(session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    who = await f.person(session, "记录人乙")
    await f.duty_list(
        session,
        tree["chem"],
        [PostKind.SAFETY_MANAGER],
        {"check": {"kinds": ["INSPECTION"], "every": "MONTH"}},
    )
    item_id = await session.scalar(select(DutyItem.id).where(DutyItem.key == "check"))
    assert item_id is not None
    record = await f.record(
        session, who, "INSPECTION", date(2026, 3, 3), [tree["chem"]], item_ids=(item_id,), title=" 周检 "
    )

    linked = (
        await session.scalars(select(DutyRecordItem.item_id).where(DutyRecordItem.record_id == record.id))
    ).all()
    assert linked == [item_id]
    stored = (await session.execute(select(DutyRecord).where(DutyRecord.id == record.id))).scalar_one()
    for column in DutyRecord.__table__.columns:
        assert getattr(record, column.key) == getattr(stored, column.key), column.key
    assert stored.title == "周检" and stored.withdrawn is False and stored.recorder_person_id == who.id
