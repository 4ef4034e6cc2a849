"""Compliance report requests through HTTP: links that are tampered with, expired or whose
signer lost the right; callers outside reach; bad periods; deterministic, safe rendering; the
demo's parks.
"""

from __future__ import annotations

import io
import time
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.scoring.report_files import render, render_csv, render_xlsx
from domain.actors import SYSTEM
from domain.scoring import reports as rp
from domain.scoring.models import ComplianceReport
from domain.tree.models import OrgUnit
from seeds.loader import load_dataset
from tests import factories as f
from tests.api.helpers import refused, reload
from tests.api.report_helpers import (
    REQUEST,
    THURSDAY,
    TODAY,
    parse_csv,
    parse_xlsx,
    report_world,
    request_report,
)
from tests.factories import gid

# --- links --------------------------------------------------------------------------------


async def test_links_are_signed_expire_and_follow_the_signers_right(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    w = await report_world(session)
    temp = await f.person(session, name="临时查阅人（演示）")
    await f.grant_role(session, f"person:{temp.id}", "district_reader", w["park"].id, end=TODAY)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    now = int(time.time())
    app.state.link_clock = lambda: now
    admin = as_(f"person:{w['admin'].id}")
    report = await request_report(admin, w["park"], "MONTHLY", "2026-10-01", "CSV")
    url = report["downloadUrl"]
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert int(query["expires"]) == now + 900
    assert datetime.fromisoformat(report["expiresAt"]).timestamp() == now + 900
    assert (await http.get(url)).status_code == 200

    def refused_link(response: Any, status: int, code: str) -> None:
        assert response.status_code == status, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == code and error["message"] and error["extensions"]["messageEn"]
        assert error["code"] == code  # the deprecated top-level copy

    tampered = url.replace(
        query["signature"], ("0" if query["signature"][0] != "0" else "1") + query["signature"][1:]
    )
    refused_link(await http.get(tampered), 403, "INVALID_SIGNATURE")
    longer = url.replace(f"expires={query['expires']}", f"expires={int(query['expires']) + 3600}")
    refused_link(await http.get(longer), 403, "INVALID_SIGNATURE")
    refused_link(await http.get(url.replace("signature=", "signature=%E4%B8%AD")), 403, "INVALID_SIGNATURE")
    refused_link(await http.get(parts.path), 403, "INVALID_SIGNATURE")
    other_id = parts.path.split("/")[2]
    refused_link(await http.get(url.replace(f"/reports/{other_id}/", "/reports/999999/")), 404, "NOT_FOUND")
    refused_link(await http.get(url.replace(f"/reports/{other_id}/", "/reports/x/")), 404, "NOT_FOUND")
    refused_link(await http.get(url.replace(".csv?", ".xlsx?")), 404, "NOT_FOUND")

    app.state.link_clock = lambda: now + 900
    assert (await http.get(url)).status_code == 200, "valid to its last second"
    app.state.link_clock = lambda: now + 901
    refused_link(await http.get(url), 403, "LINK_EXPIRED")

    # A link is as good as its signer's right: a grant that ended stops it.
    app.state.link_clock = lambda: now
    mine = await request_report(as_(f"person:{temp.id}"), w["park"], "WEEKLY", THURSDAY.isoformat(), "XLSX")
    assert (await http.get(mine["downloadUrl"])).status_code == 200
    app.state.clock = lambda: TODAY + timedelta(days=1)
    refused_link(await http.get(mine["downloadUrl"]), 403, "FORBIDDEN")


# --- refusals -----------------------------------------------------------------------------


async def _kept(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ComplianceReport)) or 0


async def test_outside_reach_is_not_found_and_nothing_is_kept(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    outsider = as_(f"person:{w['outsider'].id}")
    for kind, period in (("MONTHLY", "2026-10-01"), ("WEEKLY", "2026-11-18")):
        body = await outsider(
            REQUEST,
            {
                "input": {
                    "parkId": gid("OrgUnit", w["park"].id),
                    "kind": kind,
                    "periodStart": period,
                    "format": "XLSX",
                }
            },
        )
        refused(body, "NOT_FOUND", ["input", "parkId"])
    body = await outsider(
        REQUEST,
        {
            "input": {
                "parkId": gid("Person", 1),
                "kind": "MONTHLY",
                "periodStart": "2026-10-01",
                "format": "CSV",
            }
        },
    )
    refused(body, "NOT_FOUND", ["input", "parkId"])
    assert await _kept(session) == 0


@pytest.mark.parametrize(
    ("kind", "period", "unit"),
    [
        ("WEEKLY", "2026-11-18", "park"),  # a Wednesday
        ("WEEKLY", "2026-11-26", "park"),  # a Thursday still to come
        ("MONTHLY", "2026-10-02", "park"),  # not a month's first day
        ("MONTHLY", "2026-12-01", "park"),  # a month still to come
        ("MONTHLY", "2024-12-01", "park"),  # before scores are kept (since 2025-01-01)
        ("MONTHLY", "2026-10-01", "safety"),  # a department, not a park
    ],
)
async def test_bad_requests_are_typed_errors_and_keep_nothing(
    app: Any, session: AsyncSession, as_: Any, kind: str, period: str, unit: str
) -> None:
    w = await report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    body = await admin(
        REQUEST,
        {
            "input": {
                "parkId": gid("OrgUnit", w[unit].id),
                "kind": kind,
                "periodStart": period,
                "format": "CSV",
            }
        },
    )
    refused(body, "INVALID_VALUE", ["input", "parkId" if unit != "park" else "periodStart"])
    assert await _kept(session) == 0


# --- files --------------------------------------------------------------------------------


async def test_rendering_is_deterministic_and_safe(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await report_world(session)
    report = await rp.build_report(session, w["park"], rp.ReportKind.MONTHLY, date(2026, 10, 1), today=TODAY)
    first = render_xlsx(report)
    # Three days later, by every clock a zip stamps its entries with.
    real = time.localtime
    monkeypatch.setattr(
        time, "localtime", lambda secs=None: real((time.time() if secs is None else secs) + 3 * 86_400)
    )
    assert render_xlsx(report) == first and render_csv(report) == render_csv(report)
    monkeypatch.undo()
    # A text that looks like a formula stays text in both formats.
    report.tables[0].rows[0][2] = '=HYPERLINK("http://example.invalid")'
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    cell = wb[rp.UNIT_SCORES]["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert "'=HYPERLINK" in render_csv(report).decode("utf-8-sig")


async def test_both_reports_build_for_a_demo_park(session: AsyncSession) -> None:
    await load_dataset(session, today=TODAY)
    await session.flush()
    park = (await session.scalars(select(OrgUnit).where(OrgUnit.code == "ZY"))).one()
    units = await session.scalar(
        select(func.count()).where(
            OrgUnit.path.startswith(park.path),
            OrgUnit.kind.in_(["DEPARTMENT", "ENTERPRISE"]),
            OrgUnit.archived_at.is_(None),
        )
    )
    for kind, period in ((rp.ReportKind.MONTHLY, date(2026, 10, 1)), (rp.ReportKind.WEEKLY, THURSDAY)):
        for fmt in rp.FileFormat:
            row = await rp.create_report(
                session,
                unit=park,
                kind=kind,
                period_start=period,
                file_format=fmt,
                actor=SYSTEM,
                today=TODAY,
                render=render,
            )
            parsed = parse_xlsx(row.content) if fmt is rp.FileFormat.XLSX else parse_csv(row.content)
            assert parsed["fields"]["园区编码"] == "ZY"
            if kind is rp.ReportKind.MONTHLY:
                assert parsed["fields"]["得分（含下级）"] is not None
                assert len(parsed["tables"][rp.UNIT_SCORES]) == units
                assert len(parsed["tables"][rp.TOP_LOSSES]) == 10
            else:
                total = [r for r in parsed["tables"][rp.WEEK_OBLIGATIONS] if r["状态代码"] == "TOTAL"]
                assert total[0]["数量"] > 0
