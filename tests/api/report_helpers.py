"""The world of the report tests, and requesting, downloading and parsing a report in both
formats (.xlsx and .csv).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards.models import Hazard, HazardCategory
from domain.posts.kinds import PostKind
from domain.scoring import reports as rp
from domain.scoring.maintain import rebuild
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.api.helpers import ok
from tests.api.scoring_world import scoring_world
from tests.factories import gid

TODAY = f.TODAY  # Sunday 2026-11-22
THURSDAY = date(2026, 11, 19)  # the week: Friday 13 to Thursday 19 November
FRIDAY = THURSDAY - timedelta(days=6)
WEEKLY = {"kinds": ["REPORT"], "every": "WEEK", "weekday": 4}  # 每周四报送 (source 002)

REQUEST = """
mutation($input: RequestComplianceReportInput!) {
  requestComplianceReport(input: $input) {
    report { fileName format kind periodStart periodEnd sha256 createdAt byteSize downloadUrl expiresAt }
    userErrors { code field message messageEn }
  }
}"""


async def add_hazard(session: AsyncSession, unit: OrgUnit, *, major: bool = False, **kw: Any) -> Hazard:
    category = (await session.scalars(select(HazardCategory).where(HazardCategory.major.is_(major)))).first()
    assert category is not None
    h = Hazard(
        unit_id=unit.id, category_id=category.id, grade="MAJOR" if major else "GENERAL", description="演示",
        evidence=[], source="SELF_CHECK", found_by="system", **kw,
    )  # fmt: skip
    session.add(h)
    return h


async def report_world(session: AsyncSession) -> dict[str, Any]:
    """The scoring world, plus the weekly Thursday report duty of enterprise principals, a
    third enterprise, and hazards around the week of 13–19 November: none of them changes
    between that Thursday and today (no deadline in between, nothing closed since), so the
    ledger's counts today are also its counts on the Thursday."""
    w = await scoring_world(session)
    await f.duty_list(session, w["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"weekly": WEEKLY})
    third = await f.enterprise(session, w["safety"], code="E-MECH", name="丙机械有限公司（演示）")
    boss = await f.person(session, name="丙负责人（演示）")
    await f.assign(session, await f.post(session, third, PostKind.ENTERPRISE_PRINCIPAL), boss)
    await f.record(session, boss, "INSPECTION", date(2026, 10, 9), [third])
    await f.record(session, boss, "REPORT", date(2026, 11, 18), [third], title="周报送")  # on time
    await f.record(session, w["chem_boss"], "REPORT", date(2026, 11, 20), [w["chem"]], title="周报送")  # late
    # The food factory's principal does not report: missed.
    await add_hazard(session, w["chem"], major=True, title="储罐区未设防火堤（演示）", found_on=date(2026, 11, 14),
                  state="RECTIFYING", deadline=date(2026, 12, 31))  # fmt: skip
    await add_hazard(session, w["food"], title="配电箱未上锁（演示）", found_on=date(2026, 11, 16), state="CLOSED",
                  deadline=date(2026, 11, 30), closed_on=date(2026, 11, 18))  # fmt: skip
    await add_hazard(session, w["chem"], title="误报（演示）", found_on=date(2026, 11, 17), state="REJECTED")
    await add_hazard(session, third, title="安全出口堵塞（演示）", found_on=date(2026, 11, 1), state="RECTIFYING",
                  deadline=date(2026, 11, 10))  # fmt: skip
    await session.flush()
    await rebuild(session, TODAY)
    return {**w, "third": third, "third_boss": boss}


# --- parsing what was downloaded ----------------------------------------------------------


def norm(value: Any) -> Any:
    """A cell as text or number, the same whether it came from a CSV or an XLSX."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return round(float(value), 6)
    try:
        return round(float(value), 6)
    except ValueError:
        return value


Parsed = dict[str, Any]


def parse_csv(content: bytes) -> Parsed:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    sections: list[list[list[str]]] = [[]]
    for row in rows:
        if not row:
            sections.append([])
        else:
            sections[-1].append(row)
    head, *tables = sections
    out: Parsed = {"title": head[0][0], "fields": {r[0]: norm(r[1]) for r in head[1:]}, "tables": {}}
    for name_row, header, *body in tables:
        out["tables"][name_row[0]] = [dict(zip(header, (norm(v) for v in r), strict=True)) for r in body]
    return out


def parse_xlsx(content: bytes) -> Parsed:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    overview, *sheets = wb.worksheets
    assert overview.title == rp.OVERVIEW
    rows = list(overview.iter_rows(values_only=True))
    out: Parsed = {"title": rows[0][0], "fields": {r[0]: norm(r[1]) for r in rows[1:]}, "tables": {}}
    for ws in sheets:
        assert ws["A1"].font.bold, "header row bold"
        assert ws.column_dimensions["A"].width > 0
        header, *body = list(ws.iter_rows(values_only=True))
        out["tables"][ws.title] = [dict(zip(header, (norm(v) for v in r), strict=True)) for r in body]
    return out


async def request_report(who: Any, park: Any, kind: str, period: str, fmt: str) -> dict[str, Any]:
    body = await who(
        REQUEST,
        {"input": {"parkId": gid("OrgUnit", park.id), "kind": kind, "periodStart": period, "format": fmt}},
    )
    report: dict[str, Any] = ok(body)["report"]
    return report


async def download(http: Any, report: dict[str, Any]) -> bytes:
    """Through the link alone: no credentials."""
    response = await http.get(report["downloadUrl"])
    assert response.status_code == 200, response.text
    expected = "text/csv" if report["format"] == "CSV" else "application/vnd.openxmlformats"
    assert response.headers["content-type"].startswith(expected)
    disposition = response.headers["content-disposition"]
    assert (
        disposition.startswith('attachment; filename="')
        and "filename*=UTF-8''%E5%9B%AD%E5%8C%BA" in disposition
    )
    assert response.headers["cache-control"] == "private, no-store"
    content: bytes = response.content
    assert len(content) == report["byteSize"]
    return content


async def download_both(http: Any, who: Any, park: Any, kind: str, period: str) -> Parsed:
    """The report in both formats: they say the same, and the XLSX is what is returned."""
    parsed = {}
    for fmt in ("XLSX", "CSV"):
        report = await request_report(who, park, kind, period, fmt)
        content = await download(http, report)
        parsed[fmt] = (parse_xlsx if fmt == "XLSX" else parse_csv)(content)
        again = await request_report(who, park, kind, period, fmt)
        assert again["sha256"] == report["sha256"], "the same data give the same bytes"
    assert parsed["XLSX"] == parsed["CSV"]
    return parsed["XLSX"]
