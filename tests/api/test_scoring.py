"""Compliance scores through HTTP: a score computed by hand, explained down to the missed
inspection and the overdue hazard, kept current by a record, ranked, on the district
dashboard and in the district systems' sync, re-weighted by a new scheme version, and used
to class enterprises."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.queries import obligations_of_posts, posts_of_unit
from domain.posts.kinds import PostKind
from domain.scoring.maintain import rebuild
from domain.scoring.models import UnitScore
from domain.tree.kinds import UnitKind
from domain.tree.models import EnterpriseProfile
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.api.scoring_world import MONTHLY, scoring_world
from tests.factories import gid

TODAY = f.TODAY  # 2026-11-22
OCT = {"kind": "MONTH", "start": "2026-10-01"}

SCORE = """
fragment S on ComplianceScore {
  id scope periodKind periodStart periodEnd score lostPoints asOf changedAt
  unit { id name }
  obligations { onTime late missed counted }
  hazards { counted overdue openMajor closed closureRate }
  schemeVersion { id number }
}"""

ONE = (
    SCORE
    + """
query($unit: ID!, $kind: PeriodKind!, $start: Date!, $scope: ScoreScope! = TREE) {
  complianceScore(unitId: $unit, periodKind: $kind, periodStart: $start, scope: $scope) { ...S }
}"""
)

EXPLAIN = """
query($unit: ID!, $kind: PeriodKind!, $start: Date!, $scope: ScoreScope! = TREE) {
  explainScore(unitId: $unit, periodKind: $kind, periodStart: $start, scope: $scope) {
    score lostPoints obligationPointsLost hazardPointsLost
    contributions { own lostPoints score unit { id } }
    byWeightClass { weightClass weight onTime late missed lostPoints }
    hazards { standing weight credit lostPoints hazard { id title } unit { id } }
    obligations(first: 20) {
      totalCount
      nodes { lostPoints weightClass credit unit { id }
              obligation { status periodStart post { id } person { id } } }
    }
  }
}"""

RECORD = """
mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { record { id } userErrors { code field message messageEn } }
}"""


def _vars(unit: Any, scope: str = "TREE", period: dict[str, str] = OCT) -> dict[str, Any]:
    return {"unit": gid("OrgUnit", unit.id), "kind": period["kind"], "start": period["start"], "scope": scope}


async def test_a_park_score_is_computed_explained_and_kept_current(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await scoring_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")

    score = (await admin(ONE, _vars(w["park"])))["data"]["complianceScore"]
    # Obligations: one on time, one missed, weight 6 each → 70 × 600 / 1200 = 35 lost.
    # Hazards: one general, overdue on 31 October → 30 × 200 / 200 = 30 lost.
    assert score["score"] == pytest.approx(35.0)
    assert score["obligations"] == {"onTime": 1, "late": 0, "missed": 1, "counted": 2}
    assert score["hazards"] == {"counted": 1, "overdue": 1, "openMajor": 0, "closed": 0, "closureRate": 0.0}
    assert score["asOf"] == TODAY.isoformat() and score["schemeVersion"]["number"] == 1
    own = (await admin(ONE, _vars(w["chem"], "OWN")))["data"]["complianceScore"]
    assert own["score"] == pytest.approx(100.0)
    # A score has a stable id for client caches: the same unit, scope and period, the same id.
    again = (await admin(ONE, _vars(w["park"])))["data"]["complianceScore"]
    assert again["id"] == score["id"] and own["id"] != score["id"]
    assert (
        len({score["id"], own["id"], (await admin(ONE, _vars(w["chem"])))["data"]["complianceScore"]["id"]})
        == 3
    )

    # From the park down to the food factory, and to the inspection it missed.
    e = (await admin(EXPLAIN, _vars(w["park"])))["data"]["explainScore"]
    assert e["lostPoints"] == pytest.approx(65.0)
    assert e["obligationPointsLost"] == pytest.approx(35.0) and e["hazardPointsLost"] == pytest.approx(30.0)
    assert sum(c["lostPoints"] for c in e["contributions"]) == pytest.approx(65.0)
    (worst, *_) = e["contributions"]
    assert worst["unit"]["id"] == gid("OrgUnit", w["build"].id) and worst["lostPoints"] == pytest.approx(65.0)
    (loss,) = e["obligations"]["nodes"]
    assert loss["obligation"]["status"] == "MISSED" and loss["obligation"]["periodStart"] == "2026-10-01"
    assert loss["obligation"]["person"]["id"] == gid("Person", w["food_boss"].id)
    assert loss["unit"]["id"] == gid("OrgUnit", w["food"].id) and loss["lostPoints"] == pytest.approx(35.0)
    (hz,) = e["hazards"]
    assert hz["standing"] == "OVERDUE" and hz["lostPoints"] == pytest.approx(30.0)
    assert hz["hazard"]["id"] == gid("Hazard", w["hazard"].id)
    shares = sum(x["lostPoints"] for x in e["obligations"]["nodes"]) + sum(
        x["lostPoints"] for x in e["hazards"]
    )
    assert shares == pytest.approx(e["lostPoints"])
    assert [(b["weightClass"], b["onTime"], b["missed"]) for b in e["byWeightClass"]] == [("MONTHLY", 1, 1)]

    # The food factory's holder makes October up: the score moves at once, as a rebuild has it.
    boss = as_(f"person:{w['food_boss'].id}")
    ok(
        await boss(
            RECORD,
            {"input": {"kind": "INSPECTION", "performedOn": "2026-11-20", "makeupFor": "2026-10-15",
                       "title": "补做10月检查", "unitIds": [gid("OrgUnit", w["food"].id)]}},
        )
    )  # fmt: skip
    after = (await admin(ONE, _vars(w["park"])))["data"]["complianceScore"]
    assert after["obligations"] == {"onTime": 1, "late": 1, "missed": 0, "counted": 2}
    assert after["score"] == pytest.approx(100 - 17.5 - 30)
    assert after["changedAt"] > score["changedAt"]
    await rebuild(session, TODAY)
    await session.commit()
    rebuilt = (await admin(ONE, _vars(w["park"])))["data"]["complianceScore"]
    assert rebuilt["score"] == after["score"] and rebuilt["obligations"] == after["obligations"]


async def test_scores_are_not_found_outside_reach(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await scoring_world(session)
    await reload(app, session)
    outsider = as_(f"person:{w['outsider'].id}")
    assert (await outsider(ONE, _vars(w["park"])))["data"]["complianceScore"] is None
    assert (await outsider(EXPLAIN, _vars(w["park"])))["data"]["explainScore"] is None
    reader = as_(w["reader"].subject)
    seen = (await reader(ONE, _vars(w["park"])))["data"]["complianceScore"]
    assert seen["score"] == pytest.approx(35.0)
    # District systems read compliance, not the ledger: the hazard's share shows, its record does not.
    e = (await reader(EXPLAIN, _vars(w["park"])))["data"]["explainScore"]
    assert e["hazards"][0]["lostPoints"] == pytest.approx(30.0) and e["hazards"][0]["hazard"] is None


async def test_ranks_dashboard_and_series(
    app: Any, session: AsyncSession, as_: Any, query_counter: Any
) -> None:
    w = await scoring_world(session)
    await reload(app, session)
    admin = as_(f"person:{w['admin'].id}")
    ranking = """query($within: ID!, $low: Boolean!) {
      scoreRanking(withinId: $within, unitKind: ENTERPRISE, periodKind: MONTH, periodStart: "2026-10-01",
                   lowestFirst: $low) { totalCount nodes { rank of score { score unit { name } } } } }"""
    best = (await admin(ranking, {"within": gid("OrgUnit", w["park"].id), "low": False}))["data"][
        "scoreRanking"
    ]
    assert [(n["rank"], n["of"], n["score"]["score"]) for n in best["nodes"]] == [(1, 2, 100.0), (2, 2, 0.0)]
    low = (await admin(ranking, {"within": gid("OrgUnit", w["park"].id), "low": True}))["data"][
        "scoreRanking"
    ]
    assert [n["score"]["score"] for n in low["nodes"]] == [0.0, 100.0]

    dashboard = """query($d: ID!) { districtDashboard(districtId: $d, periodKind: MONTH, periodStart: "2026-10-01") {
      asOf parks { park { id } score { score hazards { overdue openMajor } obligations { missed } }
                   lowestEnterprises { score unit { id } } } } }"""
    query_counter.reset()
    d = (await admin(dashboard, {"d": gid("OrgUnit", w["district"].id)}))["data"]["districtDashboard"]
    (park,) = d["parks"]
    assert park["park"]["id"] == gid("OrgUnit", w["park"].id) and park["score"]["score"] == pytest.approx(
        35.0
    )
    assert park["score"]["hazards"] == {"overdue": 1, "openMajor": 0}
    assert [e["unit"]["id"] for e in park["lowestEnterprises"]] == [
        gid("OrgUnit", w["food"].id),
        gid("OrgUnit", w["chem"].id),
    ]
    assert query_counter.count <= 12, query_counter.statements

    series = """query($u: ID!) { scoreSeries(unitId: $u, fromMonth: "2026-08-01", toMonth: "2026-11-01") {
      periodStart score } }"""
    points = (await admin(series, {"u": gid("OrgUnit", w["park"].id)}))["data"]["scoreSeries"]
    assert [p["periodStart"] for p in points] == ["2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"]
    assert points[2]["score"] == pytest.approx(35.0)
    bad = await admin(series.replace("2026-08-01", "2020-01-01"), {"u": gid("OrgUnit", w["park"].id)})
    assert bad["errors"][0]["extensions"]["code"] == "SPAN_TOO_LONG"


async def test_district_systems_sync_pages_and_changes(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await scoring_world(session)
    second = await f.unit(session, UnitKind.PARK, w["district"], code="P2", name="第二园区")
    third = await f.unit(session, UnitKind.PARK, w["district"], code="P3", name="第三园区")
    for park in (second, third):
        boss = await f.person(session, name=f"{park.code}负责人（演示）")
        ent = await f.enterprise(session, park, code=f"E-{park.code}", name=f"{park.code}企业（演示）")
        await f.duty_list(session, park, [PostKind.ENTERPRISE_PRINCIPAL], {"check": MONTHLY})
        await f.assign(session, await f.post(session, ent, PostKind.ENTERPRISE_PRINCIPAL), boss)
    await rebuild(session, TODAY)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    reader = as_(w["reader"].subject)
    sync = """query($d: ID!, $after: String, $since: DateTime) {
      parkCompliance(districtId: $d, periodKind: MONTH, periodStart: "2026-10-01", first: 2, after: $after,
                     changedSince: $since) {
        totalCount pageInfo { hasNextPage endCursor } nodes { unit { id } score changedAt } } }"""
    v = {"d": gid("OrgUnit", w["district"].id)}
    page1 = (await reader(sync, v))["data"]["parkCompliance"]
    again = (await reader(sync, v))["data"]["parkCompliance"]
    assert page1 == again and page1["totalCount"] == 3 and page1["pageInfo"]["hasNextPage"]
    page2 = (await reader(sync, {**v, "after": page1["pageInfo"]["endCursor"]}))["data"]["parkCompliance"]
    ids = [n["unit"]["id"] for n in page1["nodes"] + page2["nodes"]]
    assert ids == sorted(ids, key=lambda g: int(__import__("base64").b64decode(g).decode().split(":")[1]))
    assert len(set(ids)) == 3
    since = max(n["changedAt"] for n in page1["nodes"] + page2["nodes"])
    assert (await reader(sync, {**v, "since": since}))["data"]["parkCompliance"]["totalCount"] == 0
    # The food factory's make-up moves only the first park.
    boss = as_(f"person:{w['food_boss'].id}")
    ok(
        await boss(
            RECORD,
            {"input": {"kind": "INSPECTION", "performedOn": "2026-11-20", "makeupFor": "2026-10-15",
                       "title": "补做10月检查", "unitIds": [gid("OrgUnit", w["food"].id)]}},
        )
    )  # fmt: skip
    moved = (await reader(sync, {**v, "since": since}))["data"]["parkCompliance"]
    assert [n["unit"]["id"] for n in moved["nodes"]] == [gid("OrgUnit", w["park"].id)]


PUBLISH = """
mutation($input: PublishScoringSchemeInput!) {
  publishScoringScheme(input: $input) {
    schemeVersion { id number effectiveFrom pointsObligations pointsHazards lateCredit
                    classWeights { weightClass weight } classRule { riskClass minScore maxRisk } district { id } }
    userErrors { code field message messageEn }
  }
}"""


async def test_a_district_publishes_a_scheme_version(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await scoring_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    base = {"districtId": gid("OrgUnit", w["district"].id), "effectiveFrom": "2026-12-01"}
    bad = await admin(PUBLISH, {"input": {**base, "weights": {"points": {"obligations": 80, "hazards": 30}}}})
    refused(bad, "INVALID_VALUE", ["input", "weights", "points"])
    bad = await admin(PUBLISH, {"input": {**base, "weights": {"classWeights": {"DAILY": -1}}}})
    refused(bad, "INVALID_VALUE", ["input", "weights", "classWeights", "DAILY"])
    bad = await admin(PUBLISH, {"input": {**base, "effectiveFrom": "2026-11-01", "weights": {}}})
    refused(bad, "INVALID_DATE_RANGE", ["input", "effectiveFrom"])
    reader = as_(w["reader"].subject)
    refused(await reader(PUBLISH, {"input": {**base, "weights": {}}}), "FORBIDDEN", ["input", "districtId"])

    weights = {"points": {"obligations": 100, "hazards": 0}, "lateCredit": 80}
    v = ok(await admin(PUBLISH, {"input": {**base, "weights": weights, "note": "重履职"}}))["schemeVersion"]
    assert (v["number"], v["pointsObligations"], v["lateCredit"]) == (1, 100, 80)
    assert v["district"]["id"] == gid("OrgUnit", w["district"].id)
    # October keeps the version in force when it began; December will use the new one.
    score = (await admin(ONE, _vars(w["park"])))["data"]["complianceScore"]
    assert score["schemeVersion"]["number"] == 1 and score["score"] == pytest.approx(35.0)
    listed = """query($d: ID!) { scoringSchemes(districtId: $d) { nodes { number district { id } } } }"""
    nodes = (await admin(listed, {"d": gid("OrgUnit", w["district"].id)}))["data"]["scoringSchemes"]["nodes"]
    assert [n["number"] for n in nodes] == [1, 1] and nodes[0]["district"] is None


CLASSIFY = """
mutation($input: ClassifyEnterprisesInput!) {
  classifyEnterprises(input: $input) {
    decisions { riskClass previousClass enterpriseClass previousEnterpriseClass decidedBy
                decidedByNode { ... on Person { id } } effectiveFrom score riskLevel unit { id } }
    changed skipped userErrors { code field message messageEn }
  }
}"""


async def test_enterprises_are_classed_from_score_and_risk(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await scoring_world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    admin = as_(f"person:{w['admin'].id}")
    running = {"unitId": gid("OrgUnit", w["park"].id), "periodKind": "MONTH", "periodStart": "2026-11-01"}
    refused(await admin(CLASSIFY, {"input": running}), "INVALID_VALUE", ["input", "periodStart"])
    body = ok(await admin(CLASSIFY, {"input": {**running, "periodStart": "2026-10-01"}}))
    got = {d["unit"]["id"]: d for d in body["decisions"]}
    chem, food = got[gid("OrgUnit", w["chem"].id)], got[gid("OrgUnit", w["food"].id)]
    # 100 points but a high-risk trade (较大风险): at best B. 0 points: D.
    assert (chem["riskClass"], chem["riskLevel"], chem["score"]) == ("B", "HIGHER", 100.0)
    assert (food["riskClass"], food["riskLevel"]) == ("D", "LOW")
    assert (chem["enterpriseClass"], food["enterpriseClass"]) == ("B", "D")
    assert chem["previousEnterpriseClass"] == chem["previousClass"] == "B"
    admin_id = gid("Person", w["admin"].id)
    assert chem["decidedBy"] == admin_id and chem["decidedByNode"] == {"id": admin_id}
    assert food["effectiveFrom"] == "2026-11-23"
    # The class feeds frequency rules from the day it takes effect, as a new profile row.
    profile = (
        await session.scalars(
            select(EnterpriseProfile)
            .where(EnterpriseProfile.unit_id == w["food"].id)
            .order_by(EnterpriseProfile.effective_from.desc(), EnterpriseProfile.id.desc())
        )
    ).first()
    assert profile is not None and (profile.effective_from, profile.risk_class) == (date(2026, 11, 23), "D")
    # A rule that depends on the class: November keeps the quarterly check it began with,
    # December (beginning after the class took effect) is monthly.
    by_class = {"kinds": ["INSPECTION"], "variants": [{"when": {"risk_classes": ["D"]}, "every": "MONTH"},
                                                      {"every": "QUARTER"}]}  # fmt: skip
    await f.duty_list(session, w["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"supervised": by_class})
    found = await obligations_of_posts(
        session, posts_of_unit(w["food"].path, subtree=False), date(2026, 10, 1), date(2026, 12, 31), TODAY
    )
    timing = [(o.period_start, o.period_end) for o in found if o.item_key == "supervised"]
    assert timing == [
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 12, 1), date(2026, 12, 31)),
    ], timing
    # Classed once per period; the history keeps every decision.
    again = ok(await admin(CLASSIFY, {"input": {**running, "periodStart": "2026-10-01"}}))
    assert again["decisions"] == [] and again["skipped"] == 2
    history = """query($u: ID!) { enterpriseClasses(unitId: $u) { totalCount nodes { riskClass previousClass } } }"""
    h = (await admin(history, {"u": gid("OrgUnit", w["food"].id)}))["data"]["enterpriseClasses"]
    assert h["totalCount"] == 1 and h["nodes"][0]["riskClass"] == "D"

    # The enterprise shows the class in force today, not the one that takes effect tomorrow.
    read = """query($u: ID!, $p: ID!) {
      unit(id: $u) { enterprise { riskClass riskClassSince nextRiskClass nextRiskClassFrom } }
      d: units(under: $p, filter: {riskClasses: [D]}) { nodes { id } }
    }"""
    ids = {"u": gid("OrgUnit", w["food"].id), "p": gid("OrgUnit", w["park"].id)}
    assert food["previousClass"] != "D"
    today = (await admin(read, ids))["data"]
    assert today["unit"]["enterprise"] == {
        "riskClass": food["previousClass"],
        "riskClassSince": today["unit"]["enterprise"]["riskClassSince"],
        "nextRiskClass": "D",
        "nextRiskClassFrom": "2026-11-23",
    }
    assert today["unit"]["enterprise"]["riskClassSince"] <= TODAY.isoformat()
    assert ids["u"] not in [n["id"] for n in today["d"]["nodes"]]
    app.state.clock = lambda: date(2026, 11, 23)
    tomorrow = (await admin(read, ids))["data"]
    assert tomorrow["unit"]["enterprise"] == {
        "riskClass": "D",
        "riskClassSince": "2026-11-23",
        "nextRiskClass": None,
        "nextRiskClassFrom": None,
    }
    assert ids["u"] in [n["id"] for n in tomorrow["d"]["nodes"]]


async def test_rows_exist_only_for_what_counted(session: AsyncSession) -> None:
    w = await scoring_world(session)
    rows = (await session.scalars(select(UnitScore).where(UnitScore.unit_id == w["chem"].id))).all()
    assert rows and all(r.district_id == w["district"].id and r.park_id == w["park"].id for r in rows)
    assert {r.unit_kind for r in rows} == {"ENTERPRISE"}
