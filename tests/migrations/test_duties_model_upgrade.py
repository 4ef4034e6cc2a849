"""The upgrade to the duties model of the documents, over a database built by the version
before it (20261207_0011): a park whose committee director changed hands mid-February
2025 after leading February's inspection, its stored scores of the old meaning (the
outgoing holder's share too short to owe, the incoming one's missed), and the 2023 key-work
list adopted as a duty list. After `migrate` (the migrations, then the scores rebuilt) and
`load-catalogue`, the evidence is as it was, the scores say the post did February, the
key-work items are the park's tasks, and the catalogue's marks reached the park's list."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from domain.actors import SYSTEM
from domain.db import create_engine, create_session_factory
from domain.duties.models import (
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
)
from domain.people.models import Person
from domain.posts.models import Assignment, Post
from domain.scoring.maintain import rebuild_if_emptied
from domain.tree.models import OrgUnit
from migrations.runner import upgrade
from scratch import temporary_database
from seeds.catalogue_marks import carry_rule_marks
from seeds.key_work_upgrade import move_key_work_to_tasks
from seeds.requirements import load_requirements
from tests.conftest import base_url

PREVIOUS = "20261207_0011"
TODAY = date(2025, 3, 10)
INSPECTION = {"kinds": ["INSPECTION"], "every": "MONTH", "times": 1}
MEETING = {"kinds": ["MEETING"], "every": "QUARTER", "times": 1}  # 004-park-principal-6a, unmarked


@pytest.fixture
async def scratch_url(tmp_path: Any) -> AsyncIterator[str]:
    async with temporary_database(base_url(), tmp_path) as url:
        yield url


async def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in (await conn.execute(text(sql))).all()]


async def _build_previous(url: str) -> None:
    """The rows the previous version wrote (its tables only: no column of this version)."""
    engine = create_engine(url)
    try:
        await upgrade(engine, PREVIOUS)
        async with create_session_factory(engine, expire_on_commit=False)() as s:
            s.add(
                OrgUnit(id=1, kind="DISTRICT", code="UD", name="升级区", parent_id=None, path="/1/", depth=0)
            )
            s.add(OrgUnit(id=2, kind="PARK", code="UP", name="升级园区", parent_id=1, path="/1/2/", depth=1))
            for uid, name in ((3, "安全生产部"), (4, "党政办")):
                s.add(
                    OrgUnit(id=uid, kind="DEPARTMENT", code=f"D{uid}", name=name, parent_id=2,
                            path=f"/1/2/{uid}/", depth=2)
                )  # fmt: skip
            s.add(Person(id=10, name="离任主任（演示）", id_number="999999198001010011"))
            s.add(Person(id=11, name="接任主任（演示）", id_number="999999198202020022"))
            await s.flush()
            s.add(Post(id=20, unit_id=2, kind="COMMITTEE_DIRECTOR", title="管委会主任", single_holder=True))
            await s.flush()
            s.add(
                Assignment(post_id=20, person_id=10, start_date=date(2025, 1, 1), end_date=date(2025, 2, 9))
            )
            s.add(Assignment(post_id=20, person_id=11, start_date=date(2025, 2, 10)))
            lists: dict[str, int] = {}
            for code, kinds, unit, items in (
                ("004-key-work-2023", ["PRINCIPAL", "DEPARTMENT_HEAD"], None,
                 {"004-key-work-2023-3": {"kinds": ["REPORT"], "deadline": "2023-12-31"}}),
                ("UP-004-key-work-2023", ["PRINCIPAL", "DEPARTMENT_HEAD"], 2,
                 {"004-key-work-2023-3": {"kinds": ["REPORT"], "deadline": "2023-12-31"}}),
                ("UP-leaders", ["COMMITTEE_DIRECTOR"], 2,
                 {"004-park-principal-6b": INSPECTION, "004-park-principal-6a": MEETING}),
            ):  # fmt: skip
                lst = DutyList(code=code, name=code, post_kinds=kinds, unit_id=unit, created_by="system")
                if unit is not None and code.endswith("key-work-2023"):
                    lst.template_id = lists["004-key-work-2023"]
                s.add(lst)
                await s.flush()
                lists[code] = lst.id
                version = DutyListVersion(list_id=lst.id, number=1, effective_from=date(2023, 7, 16),
                                          created_by="system")  # fmt: skip
                s.add(version)
                await s.flush()
                for n, (key, rule) in enumerate(items.items()):
                    s.add(DutyItem(version_id=version.id, key=key, position=n + 1, text="原文", rule=rule))
            await s.flush()
            inspection_item = await s.scalar(
                text("SELECT id FROM duty_item WHERE key = '004-park-principal-6b'")
            )
            record = DutyRecord(kind="INSPECTION", performed_on=date(2025, 2, 5), title="带队检查",
                                recorder="person:10", recorder_person_id=10)  # fmt: skip
            s.add(record)
            await s.flush()
            s.add(DutyRecordUnit(record_id=record.id, unit_id=2))
            s.add(DutyRecordItem(record_id=record.id, item_id=inspection_item))
            await s.commit()
        async with engine.begin() as conn:
            # The scores the previous version stored: February missed by the incoming holder.
            await conn.execute(
                text(
                    "INSERT INTO score_state (as_of, since, rebuilt_at, refreshed_at) "
                    "VALUES ('2025-03-10', '2025-01-01', '2025-03-10 00:00:00', '2025-03-10 00:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO score_tally (person_id, post_id, unit_id, month, weight_class, on_time, late, "
                    "missed) VALUES (11, 20, 2, '2025-02-01', 'MONTHLY', 0, 0, 1)"
                )
            )
    finally:
        await engine.dispose()


async def test_the_upgrade_keeps_the_evidence_and_judges_it_as_the_documents_mean(scratch_url: str) -> None:
    await _build_previous(scratch_url)
    engine = create_engine(scratch_url)
    try:
        async with engine.connect() as conn:
            evidence = {
                table: await _rows(conn, f"SELECT * FROM {table} ORDER BY 1")
                for table in ("duty_record", "assignment", "duty_item", "duty_list_version")
            }
        # `python -m api migrate`: the migrations, then the scores they emptied, rebuilt.
        await upgrade(engine)
        async with create_session_factory(engine)() as session:
            assert await rebuild_if_emptied(session, TODAY) is True
            await session.commit()
        async with engine.connect() as conn:
            for table in ("duty_record", "assignment"):
                assert await _rows(conn, f"SELECT * FROM {table} ORDER BY 1") == evidence[table]
            february = await _rows(
                conn,
                "SELECT person_id, answering, on_time, late, missed FROM score_tally "
                "WHERE post_id = 20 AND month = '2025-02-01' AND weight_class = 'MONTHLY' ORDER BY person_id",
            )
        # The post did February: the incoming holder (on the due date) carries it, the
        # outgoing one's share counts in their own score; nobody missed it.
        assert [(p, bool(a), on, late, missed) for p, a, on, late, missed in february] == [
            (10, True, 1, 0, 0),
            (11, False, 1, 0, 0),
        ]

        # `python -m api load-catalogue`.
        async with create_session_factory(engine)() as session:
            await load_requirements(session)
            moved = await move_key_work_to_tasks(session, today=TODAY, actor=SYSTEM)
            marked = await carry_rule_marks(session, today=TODAY, actor=SYSTEM)
            await session.commit()
        assert moved["key_work_versions"] == 2 and moved["work_lists"] == 1
        assert marked["marked_versions"] >= 1
        async with create_session_factory(engine)() as session:
            tasks = (await session.scalars(text("SELECT count(*) FROM work_task"))).one()
            assert tasks == 26
            copy = await session.scalar(text("SELECT id FROM duty_list WHERE code = 'UP-004-key-work-2023'"))
            versions = await _rows(
                await session.connection(),
                f"SELECT v.number, v.effective_from, count(i.id) FROM duty_list_version v "
                f"LEFT JOIN duty_item i ON i.version_id = v.id WHERE v.list_id = {copy} "
                "GROUP BY v.number, v.effective_from ORDER BY v.number",
            )
            assert [(n, str(d), c) for n, d, c in versions] == [(1, "2023-07-16", 1), (2, "2025-03-10", 0)]
            leaders = await session.scalar(text("SELECT id FROM duty_list WHERE code = 'UP-leaders'"))
            marks = await _rows(
                await session.connection(),
                f"SELECT v.number, i.key, i.rule FROM duty_item i JOIN duty_list_version v ON v.id = i.version_id "
                f"WHERE v.list_id = {leaders} ORDER BY v.number, i.key",
            )
        rules = {(n, key): json.loads(r) if isinstance(r, str) else r for n, key, r in marks}
        assert rules[(1, "004-park-principal-6a")] == MEETING  # history as it was
        assert rules[(2, "004-park-principal-6a")] == {**MEETING, "delegable": True}
        assert rules[(2, "004-park-principal-6b")] == INSPECTION  # timings untouched
    finally:
        await engine.dispose()
