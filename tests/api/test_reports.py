"""Compliance reports through HTTP: the weekly report (每周四报送) and the monthly park report
requested as .xlsx and .csv, downloaded through their signed links, parsed, and checked
against what the API says for the same period; links that are tampered with, expired or
whose signer lost the right; callers outside reach; bad periods; the demo's parks."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.scoring.report_files import render, render_csv, render_xlsx
from domain.actors import SYSTEM
from domain.audit.models import AuditEvent
from domain.hazards.models import Hazard, HazardCategory
from domain.posts.kinds import PostKind
from domain.scoring import reports as rp
from domain.scoring.maintain import rebuild
from domain.scoring.models import ComplianceReport
from domain.tree.models import OrgUnit
from seeds.loader import load_dataset
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.api.test_scoring import _world
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


async def _hazard(session: AsyncSession, unit: OrgUnit, *, major: bool = False, **kw: Any) -> Hazard:
    category = (await session.scalars(select(HazardCategory).where(HazardCategory.major.is_(major)))).first()
    assert category is not None
    h = Hazard(
        unit_id=unit.id, category_id=category.id, grade="MAJOR" if major else "GENERAL", description="演示",
        evidence=[], source="SELF_CHECK", found_by="system", **kw,
    )  # fmt: skip
    session.add(h)
    return h


async def _report_world(session: AsyncSession) -> dict[str, Any]:
    """The scoring world, plus the weekly Thursday report duty of enterprise principals, a
    third enterprise, and hazards around the week of 13–19 November: none of them changes
    between that Thursday and today (no deadline in between, nothing closed since), so the
    ledger's counts today are also its counts on the Thursday."""
    w = await _world(session)
    await f.duty_list(session, w["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"weekly": WEEKLY})
    third = await f.enterprise(session, w["safety"], code="E-MECH", name="丙机械有限公司（演示）")
    boss = await f.person(session, name="丙负责人（演示）")
    await f.assign(session, await f.post(session, third, PostKind.ENTERPRISE_PRINCIPAL), boss)
    await f.record(session, boss, "INSPECTION", date(2026, 10, 9), [third])
    await f.record(session, boss, "REPORT", date(2026, 11, 18), [third], title="周报送")  # on time
    await f.record(session, w["chem_boss"], "REPORT", date(2026, 11, 20), [w["chem"]], title="周报送")  # late
    # The food factory's principal does not report: missed.
    await _hazard(session, w["chem"], major=True, title="储罐区未设防火堤（演示）", found_on=date(2026, 11, 14),
                  state="RECTIFYING", deadline=date(2026, 12, 31))  # fmt: skip
    await _hazard(session, w["food"], title="配电箱未上锁（演示）", found_on=date(2026, 11, 16), state="CLOSED",
                  deadline=date(2026, 11, 30), closed_on=date(2026, 11, 18))  # fmt: skip
    await _hazard(session, w["chem"], title="误报（演示）", found_on=date(2026, 11, 17), state="REJECTED")
    await _hazard(session, third, title="安全出口堵塞（演示）", found_on=date(2026, 11, 1), state="RECTIFYING",
                  deadline=date(2026, 11, 10))  # fmt: skip
    await session.flush()
    await rebuild(session, TODAY)
    return {**w, "third": third, "third_boss": boss}


# --- parsing what was downloaded ----------------------------------------------------------


def _norm(value: Any) -> Any:
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


def _parse_csv(content: bytes) -> Parsed:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    sections: list[list[list[str]]] = [[]]
    for row in rows:
        if not row:
            sections.append([])
        else:
            sections[-1].append(row)
    head, *tables = sections
    out: Parsed = {"title": head[0][0], "fields": {r[0]: _norm(r[1]) for r in head[1:]}, "tables": {}}
    for name_row, header, *body in tables:
        out["tables"][name_row[0]] = [dict(zip(header, (_norm(v) for v in r), strict=True)) for r in body]
    return out


def _parse_xlsx(content: bytes) -> Parsed:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    overview, *sheets = wb.worksheets
    assert overview.title == rp.OVERVIEW
    rows = list(overview.iter_rows(values_only=True))
    out: Parsed = {"title": rows[0][0], "fields": {r[0]: _norm(r[1]) for r in rows[1:]}, "tables": {}}
    for ws in sheets:
        assert ws["A1"].font.bold, "header row bold"
        assert ws.column_dimensions["A"].width > 0
        header, *body = list(ws.iter_rows(values_only=True))
        out["tables"][ws.title] = [dict(zip(header, (_norm(v) for v in r), strict=True)) for r in body]
    return out


async def _request(who: Any, park: Any, kind: str, period: str, fmt: str) -> dict[str, Any]:
    body = await who(
        REQUEST,
        {"input": {"parkId": gid("OrgUnit", park.id), "kind": kind, "periodStart": period, "format": fmt}},
    )
    report: dict[str, Any] = ok(body)["report"]
    return report


async def _download(http: Any, report: dict[str, Any]) -> bytes:
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


async def _both(http: Any, who: Any, park: Any, kind: str, period: str) -> Parsed:
    """The report in both formats: they say the same, and the XLSX is what is returned."""
    parsed = {}
    for fmt in ("XLSX", "CSV"):
        report = await _request(who, park, kind, period, fmt)
        content = await _download(http, report)
        parsed[fmt] = (_parse_xlsx if fmt == "XLSX" else _parse_csv)(content)
        again = await _request(who, park, kind, period, fmt)
        assert again["sha256"] == report["sha256"], "the same data give the same bytes"
    assert parsed["XLSX"] == parsed["CSV"]
    return parsed["XLSX"]


# --- the monthly report -------------------------------------------------------------------

SCORE = """query($u: ID!, $start: Date!, $scope: ScoreScope!) {
  complianceScore(unitId: $u, periodKind: MONTH, periodStart: $start, scope: $scope) {
    score asOf schemeVersion { number }
    obligations { onTime late missed } hazards { counted overdue openMajor closed closureRate } } }"""

RANKING = """query($park: ID!) {
  scoreRanking(withinId: $park, unitKind: ENTERPRISE, periodKind: MONTH, periodStart: "2026-10-01", first: 100) {
    nodes { score { score obligations { onTime late missed } unit { code enterprise { riskClass } } } } } }"""

EXPLAIN = """query($park: ID!) {
  explainScore(unitId: $park, periodKind: MONTH, periodStart: "2026-10-01") {
    hazards { lostPoints } obligations(first: 100) {
      nodes { lostPoints obligation { dueDate status person { name } } } } } }"""


async def test_the_monthly_report_says_what_the_api_says(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    w = await _report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    report = await _request(admin, w["park"], "MONTHLY", "2026-10-01", "XLSX")
    assert report["fileName"] == "园区月报_P1_2026-10.xlsx"
    assert (report["kind"], report["periodStart"], report["periodEnd"]) == (
        "MONTHLY",
        "2026-10-01",
        "2026-10-31",
    )
    got = await _both(http, admin, w["park"], "MONTHLY", "2026-10-01")
    fields = got["fields"]

    park = gid("OrgUnit", w["park"].id)
    tree = (await admin(SCORE, {"u": park, "start": "2026-10-01", "scope": "TREE"}))["data"][
        "complianceScore"
    ]
    own = (await admin(SCORE, {"u": park, "start": "2026-10-01", "scope": "OWN"}))["data"]["complianceScore"]
    assert fields["得分（含下级）"] == pytest.approx(tree["score"])
    assert fields["得分（本级）"] == (None if own["score"] is None else pytest.approx(own["score"]))
    assert fields["数据截至"] == tree["asOf"] and fields["考核方案版本"] == tree["schemeVersion"]["number"]
    ob, hz = tree["obligations"], tree["hazards"]
    assert (fields["履职按时完成"], fields["履职逾期完成"], fields["履职未完成"]) == (
        ob["onTime"],
        ob["late"],
        ob["missed"],
    )
    assert (fields["计分隐患"], fields["逾期未销号隐患"], fields["重大隐患未销号"], fields["已销号隐患"]) == (
        hz["counted"], hz["overdue"], hz["openMajor"], hz["closed"],
    )  # fmt: skip
    assert fields["隐患销号率"] == (None if hz["closureRate"] is None else pytest.approx(hz["closureRate"]))

    # Every department and enterprise, lowest score first, as the API scores and classes them.
    units = {u["单位编码"]: u for u in got["tables"][rp.UNIT_SCORES]}
    assert set(units) == {"AQ", "GH", "E-CHEM", "E-FOOD", "E-MECH"}
    scores = [u["得分（含下级）"] for u in got["tables"][rp.UNIT_SCORES] if u["得分（含下级）"] is not None]
    assert scores == sorted(scores)
    ranked = (await admin(RANKING, {"park": park}))["data"]["scoreRanking"]["nodes"]
    assert {n["score"]["unit"]["code"] for n in ranked} == {"E-CHEM", "E-FOOD", "E-MECH"}
    for n in ranked:
        row = units[n["score"]["unit"]["code"]]
        assert row["得分（含下级）"] == pytest.approx(n["score"]["score"])
        counts = n["score"]["obligations"]
        assert (row["按时完成"], row["逾期完成"], row["未完成"]) == (
            counts["onTime"],
            counts["late"],
            counts["missed"],
        )
        assert row["分级"] == n["score"]["unit"]["enterprise"]["riskClass"]
    for dept in ("safety", "build"):
        s = await admin(SCORE, {"u": gid("OrgUnit", w[dept].id), "start": "2026-10-01", "scope": "TREE"})
        assert units[w[dept].code]["得分（含下级）"] == pytest.approx(s["data"]["complianceScore"]["score"])

    # The ten items that cost most are the explanation's largest shares.
    e = (await admin(EXPLAIN, {"park": park}))["data"]["explainScore"]
    shares = sorted(
        [x["lostPoints"] for x in e["hazards"]] + [x["lostPoints"] for x in e["obligations"]["nodes"]],
        reverse=True,
    )
    top = got["tables"][rp.TOP_LOSSES]
    assert [t["失分"] for t in top] == pytest.approx(shares[:10])
    assert [t["名次"] for t in top] == list(range(1, len(top) + 1))
    (hazard_row,) = [t for t in top if t["类别"] == "隐患"]
    assert hazard_row["事项"] == "消防通道堵塞（演示）" and hazard_row["情形"] == "逾期未销号"
    api = {(round(x["lostPoints"], 6), x["obligation"]["person"]["name"], x["obligation"]["dueDate"])
           for x in e["obligations"]["nodes"]}  # fmt: skip
    for t in top:
        if t["类别"] == "履职":
            assert (t["失分"], t["责任人"], t["截止日期/整改时限"]) in api

    # Kept as handed out, and the hand-out audited without the file.
    kept = (
        await session.scalars(select(ComplianceReport).where(ComplianceReport.unit_id == w["park"].id))
    ).all()
    assert len(kept) == 5 and all(r.created_by == f"person:{w['admin'].id}" for r in kept)
    audit = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "scoring.report"))).all()
    assert len(audit) == 5 and "content" not in (audit[0].after or {})


async def test_a_district_system_gets_numbers_but_no_hazard_records(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    w = await _report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    reader = as_(w["reader"].subject)
    got = _parse_csv(await _download(http, await _request(reader, w["park"], "MONTHLY", "2026-10-01", "CSV")))
    (hazard_row,) = [t for t in got["tables"][rp.TOP_LOSSES] if t["类别"] == "隐患"]
    # District systems read compliance, not the ledger (as explainScore has it); names they may read.
    assert hazard_row["事项"] == "隐患（无权查看）" and hazard_row["失分"] > 0
    assert "food负责人（演示）" in {t["责任人"] for t in got["tables"][rp.TOP_LOSSES]}


# --- the weekly report --------------------------------------------------------------------

OBLIGATIONS = """query($park: ID!) {
  obligations(unitId: $park, includeDescendants: true, from: "2026-11-13", to: "2026-11-19", first: 100) {
    totalCount nodes { dueDate status person { name } post { title } dutyItem { text } } } }"""

HAZARDS = """query($park: ID!, $found: HazardFilterInput) {
  all: hazardStats(unitId: $park) { open overdue majorOpen }
  found: hazardStats(unitId: $park, filter: $found) { total }
  hazards(unitId: $park, first: 100) { nodes { grade state foundOn deadline closedOn } } }"""


async def test_the_weekly_report_says_what_the_api_says(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    w = await _report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    report = await _request(admin, w["park"], "WEEKLY", THURSDAY.isoformat(), "CSV")
    assert report["fileName"] == "园区周报_P1_2026-11-19.csv"
    assert (report["periodStart"], report["periodEnd"]) == (FRIDAY.isoformat(), THURSDAY.isoformat())
    got = await _both(http, admin, w["park"], "WEEKLY", THURSDAY.isoformat())
    assert got["fields"]["报送日（周四）"] == "2026-11-19" and got["fields"]["数据截至"] == TODAY.isoformat()
    park = gid("OrgUnit", w["park"].id)

    # Obligations due in the week, by status: the obligations query's, filtered by due date.
    nodes = (await admin(OBLIGATIONS, {"park": park}))["data"]["obligations"]["nodes"]
    week = [n for n in nodes if FRIDAY.isoformat() <= n["dueDate"] <= THURSDAY.isoformat()]
    expected = Counter(n["status"] for n in week)
    by_status = {r["状态代码"]: r["数量"] for r in got["tables"][rp.WEEK_OBLIGATIONS]}
    assert by_status.pop("TOTAL") == len(week) == 3
    assert by_status == {s: expected.get(s, 0) for s in by_status}
    assert (by_status["DONE_ON_TIME"], by_status["DONE_LATE"], by_status["MISSED"]) == (1, 1, 1)
    missed = got["tables"][rp.WEEK_MISSED]
    api_missed = [n for n in week if n["status"] == "MISSED"]
    assert [(m["责任人"], m["岗位"], m["截止日期"]) for m in missed] == [
        (n["person"]["name"], n["post"]["title"], n["dueDate"]) for n in api_missed
    ]
    assert missed[0]["责任人"] == "food负责人（演示）" and missed[0]["单位"] == "乙食品有限公司（演示）"
    assert missed[0]["职责"] == api_missed[0]["dutyItem"]["text"]

    # Hazards: the ledger's counts (judged today, the same as on the Thursday in this world).
    states = ["REPORTED", "CONFIRMED", "RECTIFYING", "RECTIFIED", "CLOSED"]  # not REJECTED
    found_filter = {"foundFrom": FRIDAY.isoformat(), "foundTo": THURSDAY.isoformat(), "states": states}
    h = (await admin(HAZARDS, {"park": park, "found": found_filter}))["data"]
    hz = {r["项目"]: r["数量"] for r in got["tables"][rp.WEEK_HAZARDS]}
    assert hz["本周发现隐患（不含不予认定）"] == h["found"]["total"] == 2
    closed = [
        n
        for n in h["hazards"]["nodes"]
        if n["closedOn"] and FRIDAY.isoformat() <= n["closedOn"] <= THURSDAY.isoformat()
    ]
    assert hz["本周销号隐患"] == len(closed) == 1
    assert hz["周四未销号隐患"] == h["all"]["open"] == 3
    assert hz["周四逾期未销号隐患"] == h["all"]["overdue"] == 2
    assert hz["周四重大隐患未销号"] == h["all"]["majorOpen"] == 1

    # The month-to-date score: November's, as complianceScore has it.
    month = (await admin(SCORE, {"u": park, "start": "2026-11-01", "scope": "TREE"}))["data"][
        "complianceScore"
    ]
    score = {r["项目"]: r["数值"] for r in got["tables"][rp.MONTH_TO_DATE]}
    assert score["月份"] == "2026年11月" and score["得分（含下级）"] == pytest.approx(month["score"])
    assert (score["履职按时完成"], score["履职逾期完成"], score["履职未完成"]) == (
        month["obligations"]["onTime"], month["obligations"]["late"], month["obligations"]["missed"],
    )  # fmt: skip
    assert score["逾期未销号隐患"] == month["hazards"]["overdue"]


# --- links --------------------------------------------------------------------------------


async def test_links_are_signed_expire_and_follow_the_signers_right(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    w = await _report_world(session)
    temp = await f.person(session, name="临时查阅人（演示）")
    await f.grant_role(session, f"person:{temp.id}", "district_reader", w["park"].id, end=TODAY)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    now = int(time.time())
    app.state.report_clock = lambda: now
    admin = as_(f"person:{w['admin'].id}")
    report = await _request(admin, w["park"], "MONTHLY", "2026-10-01", "CSV")
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

    app.state.report_clock = lambda: now + 900
    assert (await http.get(url)).status_code == 200, "valid to its last second"
    app.state.report_clock = lambda: now + 901
    refused_link(await http.get(url), 403, "LINK_EXPIRED")

    # A link is as good as its signer's right: a grant that ended stops it.
    app.state.report_clock = lambda: now
    mine = await _request(as_(f"person:{temp.id}"), w["park"], "WEEKLY", THURSDAY.isoformat(), "XLSX")
    assert (await http.get(mine["downloadUrl"])).status_code == 200
    app.state.clock = lambda: TODAY + timedelta(days=1)
    refused_link(await http.get(mine["downloadUrl"]), 403, "FORBIDDEN")


# --- refusals -----------------------------------------------------------------------------


async def _kept(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ComplianceReport)) or 0


async def test_outside_reach_is_not_found_and_nothing_is_kept(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _report_world(session)
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
    w = await _report_world(session)
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
    w = await _report_world(session)
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
            parsed = _parse_xlsx(row.content) if fmt is rp.FileFormat.XLSX else _parse_csv(row.content)
            assert parsed["fields"]["园区编码"] == "ZY"
            if kind is rp.ReportKind.MONTHLY:
                assert parsed["fields"]["得分（含下级）"] is not None
                assert len(parsed["tables"][rp.UNIT_SCORES]) == units
                assert len(parsed["tables"][rp.TOP_LOSSES]) == 10
            else:
                total = [r for r in parsed["tables"][rp.WEEK_OBLIGATIONS] if r["状态代码"] == "TOTAL"]
                assert total[0]["数量"] > 0
