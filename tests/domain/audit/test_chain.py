"""The evidence chains: writes are sealed in their transaction, verification holds, and a
row or link changed in the database behind the application's back is found, with its
chain, place and row."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.chain.models import ChainLink
from domain.audit.chain.sealing import seal_backlog
from domain.audit.chain.verify import BreakReason, chain_heads, verify
from domain.audit.models import AuditEvent
from domain.duties.models import DutyRecord
from tests.domain.audit.chain_helpers import tamper, world


async def _links(session: AsyncSession, chain: str) -> list[ChainLink]:
    return list(
        (
            await session.scalars(select(ChainLink).where(ChainLink.chain == chain).order_by(ChainLink.seq))
        ).all()
    )


async def test_a_committed_write_is_sealed_in_its_transaction_and_verifies(session: AsyncSession) -> None:
    await seal_backlog(session)
    w = await world(session)
    record_links = await _links(session, "duty_record")
    assert [link.row_key for link in record_links][-1] == str(w["record"].id)
    units = await _links(session, "duty_record_unit")
    assert {link.row_key for link in units} >= {f"{w['record'].id}:{w['tree']['chem'].id}"}
    audit_count = await session.scalar(select(func.count()).select_from(AuditEvent))
    assert len(await _links(session, "audit_event")) == audit_count
    result = await verify(session)
    assert result.ok, [c for c in result.chains if not c.ok]
    statuses = {c.chain: c for c in result.chains}
    assert statuses["audit_event"].length == audit_count
    heads = await chain_heads(session)
    assert heads["audit_event"] == (statuses["audit_event"].head_hash, audit_count)


async def test_a_row_changed_in_the_database_is_found_with_its_chain_place_and_row(
    session: AsyncSession,
) -> None:
    await seal_backlog(session)
    w = await world(session)
    record_id = w["record"].id
    link = (await _links(session, "duty_record"))[-1]
    await tamper(
        session, "duty_record", "UPDATE duty_record SET title = 'changed' WHERE id = :id", id=record_id
    )
    result = await verify(session, ["duty_record", "audit_event"])
    status = {c.chain: c for c in result.chains}
    assert not result.ok
    assert status["audit_event"].ok
    broken = status["duty_record"].first_broken
    assert broken is not None
    assert (broken.chain, broken.seq, broken.row_key, broken.reason) == (
        "duty_record",
        link.seq,
        str(record_id),
        BreakReason.ROW_CHANGED,
    )


async def test_an_audit_entry_changed_in_the_database_is_found(session: AsyncSession) -> None:
    await seal_backlog(session)
    await world(session)
    first = (await _links(session, "audit_event"))[0]
    await tamper(
        session,
        "audit_event",
        "UPDATE audit_event SET actor = 'person:0' WHERE id = :id",
        id=int(first.row_key),
    )
    broken = (await verify(session, ["audit_event"])).chains[0].first_broken
    assert broken is not None and (broken.seq, broken.row_key, broken.reason) == (
        first.seq,
        first.row_key,
        BreakReason.ROW_CHANGED,
    )


async def test_a_deleted_row_is_found(session: AsyncSession) -> None:
    await seal_backlog(session)
    w = await world(session)
    record_id, chem = w["record"].id, w["tree"]["chem"].id
    await tamper(
        session,
        "duty_record_unit",
        "DELETE FROM duty_record_unit WHERE record_id = :r AND unit_id = :u",
        r=record_id,
        u=chem,
    )
    broken = (await verify(session, ["duty_record_unit"])).chains[0].first_broken
    assert broken is not None
    assert (broken.row_key, broken.reason) == (f"{record_id}:{chem}", BreakReason.ROW_MISSING)


async def test_an_altered_link_is_found(session: AsyncSession) -> None:
    await seal_backlog(session)
    await world(session)
    links = await _links(session, "audit_event")
    target = links[len(links) // 2]
    await tamper(
        session,
        "chain_link",
        "UPDATE chain_link SET row_digest = :d WHERE id = :id",
        d="f" * 64,
        id=target.id,
    )
    broken = (await verify(session, ["audit_event"])).chains[0].first_broken
    assert broken is not None and (broken.seq, broken.reason) == (target.seq, BreakReason.LINK_ALTERED)


async def test_a_deleted_link_breaks_the_chain_after_it(session: AsyncSession) -> None:
    await seal_backlog(session)
    await world(session)
    links = await _links(session, "audit_event")
    target = links[1]
    await tamper(session, "chain_link", "DELETE FROM chain_link WHERE id = :id", id=target.id)
    status = (await verify(session, ["audit_event"])).chains[0]
    assert status.first_broken is not None
    assert (status.first_broken.seq, status.first_broken.reason) == (links[2].seq, BreakReason.LINK_ALTERED)
    assert status.unsealed_rows == 1


async def test_the_backlog_pass_seals_rows_written_past_the_chain(
    session: AsyncSession, dialect: str
) -> None:
    await seal_backlog(session)
    w = await world(session)
    # Rows the sealing never saw: links taken away as if they were written before the chain.
    await tamper(session, "chain_link", "DELETE FROM chain_link WHERE chain = 'duty_record'")
    status = (await verify(session, ["duty_record"])).chains[0]
    assert status.first_broken is not None
    assert (status.first_broken.reason, status.first_broken.row_key) == (
        BreakReason.UNSEALED_ROWS,
        str(w["record"].id),
    )
    total = await session.scalar(select(func.count()).select_from(DutyRecord))
    assert status.unsealed_rows == total
    assert await seal_backlog(session, ["duty_record"]) == total
    assert (await verify(session, ["duty_record"])).ok


async def test_a_core_insert_nobody_named_is_sealed_at_commit(session: AsyncSession) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    await seal_backlog(session)
    await session.execute(
        insert(AuditEvent),
        [
            {
                "at": datetime(2025, 1, 1, tzinfo=UTC),
                "actor": "system",
                "action": "test.bulk",
                "target_type": "Test",
                "domain": "/",
            }
            for _ in range(3)
        ],
    )
    await session.commit()
    assert (await verify(session, ["audit_event"])).ok
    assert await session.scalar(
        text("SELECT count(*) FROM chain_link WHERE chain = 'audit_event'")
    ) == await session.scalar(select(func.count()).select_from(AuditEvent))


async def test_a_rolled_back_write_leaves_no_link(session: AsyncSession) -> None:
    await seal_backlog(session)
    await world(session)
    before = len(await _links(session, "duty_record"))
    from tests import factories as f

    await f.district(session)
    await session.rollback()
    await session.commit()
    assert len(await _links(session, "duty_record")) == before
    assert (await verify(session)).ok
