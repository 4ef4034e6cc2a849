"""Migration 20261207_0013 over a database built by the version before it: enterprises,
their profile history and stored rules come through unchanged and keep their meaning (a
stored 工贸 condition now also reaches the trades under 工贸); the new table of district
defaults refuses UPDATE and DELETE."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.db import create_engine, create_session_factory
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.duties.rules import UnitFacts, parse_rule
from domain.tree.kinds import Trade
from domain.tree.models import EnterpriseProfile, OrgUnit
from migrations.runner import upgrade
from scratch import temporary_database
from tests.conftest import base_url
from tests.factories import credit_code

PREVIOUS = "20261207_0011"

OLD_RULES: dict[str, Any] = {
    "002-enterprise-supervision-2-15": {
        "kinds": ["INSPECTION"],
        "variants": [
            {"when": {"risk_classes": ["A"]}, "every": "YEAR", "times": 1},
            {"when": {"risk_classes": ["D"]}, "every": "MONTH", "times": 1},
        ],
    },
    "001-enterprise-principal-2-2-5b": {
        "kinds": ["DRILL"],
        "variants": [
            {"when": {"high_risk": True}, "every": "HALF_YEAR", "times": 1},
            {"every": "YEAR", "times": 1},
        ],
    },
    "002-enterprise-principal-2-4": {"kinds": ["INSPECTION"], "every": "QUARTER", "times": 1},
}


@pytest.fixture
async def scratch_url(tmp_path: Any) -> AsyncIterator[str]:
    async with temporary_database(base_url(), tmp_path) as url:
        yield url


async def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in (await conn.execute(text(sql))).all()]


async def test_enterprises_and_rules_come_through_the_migration_unchanged(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    try:
        await upgrade(engine, PREVIOUS)
        # Written as the previous version's rows (the services of this version already read
        # the new table): a district, a park, three enterprises, and a change of trade.
        sessions = create_session_factory(engine, expire_on_commit=False)
        async with sessions() as session:
            session.add(
                OrgUnit(id=1, kind="DISTRICT", code="MD", name="迁移区", parent_id=None, path="/1/", depth=0)
            )
            session.add(
                OrgUnit(id=2, kind="PARK", code="MP", name="迁移园区", parent_id=1, path="/1/2/", depth=1)
            )
            trades = {3: ("M-IT", "FOOD"), 4: ("M-MA", "MACHINERY"), 5: ("M-DU", "DUST_EXPLOSION")}
            for uid, (code, trade) in trades.items():
                session.add(
                    OrgUnit(
                        id=uid, kind="ENTERPRISE", code=code, name=f"{code}（演示）", parent_id=2,
                        path=f"/1/2/{uid}/", depth=2, credit_code=credit_code(), trade=trade, high_risk=False,
                        staff_count=40, placarded=False,
                    )
                )  # fmt: skip
            await session.flush()
            for uid, (_, trade) in trades.items():
                first = "INDUSTRY_TRADE" if uid == 3 else trade
                session.add(EnterpriseProfile(unit_id=uid, effective_from=date(2023, 1, 1), trade=first,
                                              high_risk=False, staff_count=40, placarded=False))  # fmt: skip
            session.add(EnterpriseProfile(unit_id=3, effective_from=date(2023, 6, 1), trade="FOOD",
                                          high_risk=False, staff_count=40, placarded=False))  # fmt: skip
            # A catalogue template loaded before rules had a basis, and a park's list of it.
            for n, unit_id in ((1, None), (2, 2)):
                lst = DutyList(
                    code=f"L{n}", name="清单", post_kinds=["PRINCIPAL"], unit_id=unit_id, created_by="system"
                )
                session.add(lst)
                await session.flush()
                version = DutyListVersion(
                    list_id=lst.id, number=1, effective_from=date(2023, 1, 1), created_by="system"
                )
                session.add(version)
                await session.flush()
                for position, (key, rule) in enumerate(OLD_RULES.items()):
                    session.add(
                        DutyItem(version_id=version.id, key=key, position=position, text="原文", rule=rule)
                    )
            await session.commit()
        async with engine.connect() as conn:
            old_items = await _rows(conn, "SELECT id, version_id, key, rule FROM duty_item ORDER BY id")
            units = await _rows(conn, "SELECT id, code, trade, high_risk FROM org_unit ORDER BY id")
            profiles = await _rows(conn, "SELECT * FROM enterprise_profile ORDER BY id")
        assert len(profiles) == 4

        await upgrade(engine)

        async with engine.connect() as conn:
            assert await _rows(conn, "SELECT id, code, trade, high_risk FROM org_unit ORDER BY id") == units
            assert await _rows(conn, "SELECT * FROM enterprise_profile ORDER BY id") == profiles
        async with engine.connect() as conn:
            # Old versions and items as they were; the template alone has a new version.
            assert (await _rows(conn, "SELECT id, version_id, key, rule FROM duty_item ORDER BY id"))[
                :6
            ] == old_items
            versions = await _rows(
                conn,
                "SELECT l.code, v.number FROM duty_list_version v JOIN duty_list l ON l.id = v.list_id ORDER BY v.id",
            )
            assert versions == [("L1", 1), ("L2", 1), ("L1", 2)]
            marked = dict(
                await _rows(
                    conn,
                    "SELECT i.key, i.rule FROM duty_item i JOIN duty_list_version v ON v.id = i.version_id "
                    "JOIN duty_list l ON l.id = v.list_id WHERE l.code = 'L1' AND v.number = 2",
                )
            )
        rules = {k: parse_rule(json.loads(r) if isinstance(r, str) else r) for k, r in marked.items()}
        assert rules["002-enterprise-supervision-2-15"].has_default_basis
        assert [str(v.basis) for v in rules["001-enterprise-principal-2-2-5b"].variants] == [
            "DOCUMENT",
            "DEFAULT",
        ]
        assert not rules["002-enterprise-principal-2-4"].has_default_basis
        stored = {code: trade for _, code, trade, _ in units if trade}
        assert stored == {"M-IT": "FOOD", "M-MA": "MACHINERY", "M-DU": "DUST_EXPLOSION"}
        # Every stored trade is still a trade, and the 2023 工贸 rule now reaches all three.
        rule = parse_rule(
            {"kinds": ["INSPECTION"], "deadline": "2023-07-31", "when": {"trades": ["INDUSTRY_TRADE"]}}
        )
        for trade in stored.values():
            Trade(trade)
            assert rule.variant_for(UnitFacts(trade=trade)) is not None

        # The new table is append-only.
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO district_frequency_default (district_id, item_key, rule, effective_from, "
                    "withdrawn, created_at, created_by) VALUES (:d, 'k', '{\"kinds\": [\"MEETING\"]}', "
                    "'2024-01-01', false, '2024-01-01 00:00:00+00', 'system')"
                ),
                {"d": units[0][0]},
            )
        for statement in (
            "UPDATE district_frequency_default SET item_key = 'x'",
            "DELETE FROM district_frequency_default",
        ):
            with pytest.raises((DBAPIError, IntegrityError)):
                async with engine.begin() as conn:
                    await conn.execute(text(statement))
    finally:
        await engine.dispose()
