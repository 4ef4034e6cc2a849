"""Writing a record: the record, its units and its audit entry are written together."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.duties.models import DutyRecordUnit
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
