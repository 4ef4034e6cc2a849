"""Compliance reports through HTTP: the weekly report (每周四报送) and the monthly park report
requested as .xlsx and .csv, downloaded through their signed links, parsed, and checked
against what the API says for the same period (links, refusals and files:
test_report_requests.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.scoring import reports as rp
from domain.scoring.models import ComplianceReport
from tests.api.helpers import reload
from tests.api.report_helpers import (
    FRIDAY,
    THURSDAY,
    TODAY,
    download,
    download_both,
    parse_csv,
    report_world,
    request_report,
)
from tests.factories import gid

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
    w = await report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    report = await request_report(admin, w["park"], "MONTHLY", "2026-10-01", "XLSX")
    assert report["fileName"] == "园区月报_P1_2026-10.xlsx"
    assert (report["kind"], report["periodStart"], report["periodEnd"]) == (
        "MONTHLY",
        "2026-10-01",
        "2026-10-31",
    )
    got = await download_both(http, admin, w["park"], "MONTHLY", "2026-10-01")
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
    w = await report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    reader = as_(w["reader"].subject)
    got = parse_csv(
        await download(http, await request_report(reader, w["park"], "MONTHLY", "2026-10-01", "CSV"))
    )
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
    w = await report_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    report = await request_report(admin, w["park"], "WEEKLY", THURSDAY.isoformat(), "CSV")
    assert report["fileName"] == "园区周报_P1_2026-11-19.csv"
    assert (report["periodStart"], report["periodEnd"]) == (FRIDAY.isoformat(), THURSDAY.isoformat())
    got = await download_both(http, admin, w["park"], "WEEKLY", THURSDAY.isoformat())
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
