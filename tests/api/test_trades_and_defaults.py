"""Trades as regulators class them, and frequencies the documents leave open, through HTTP
on fixed dates: the 2023 三大作业 check reaches a machinery enterprise (001 二（六）1:
"工贸、建设行业领域"); rules show whether their frequency is the document's (文件规定) or a
default (园区自定); a district's admins give a default duty their own frequency from a date,
for their district only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.duties.defaults.models import DistrictFrequencyDefault
from domain.duties.lists import adopt_template
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.posts.kinds import PostKind
from domain.tree.kinds import Trade, UnitKind
from seeds.requirements import load_requirements
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.api.test_duties import OBLIGATIONS, RECORD, _record_input, pin
from tests.factories import gid

TRADES = "{ trades { id value label labelEn parent children ancestors descendants } }"


async def test_the_trades_query_draws_the_hierarchy(client: Any) -> None:
    nodes = (await client.post("/graphql", json={"query": TRADES})).json()["data"]["trades"]
    by = {n["value"]: n for n in nodes}
    assert by["MACHINERY"]["parent"] == "INDUSTRY_TRADE" and by["MACHINERY"]["label"] == "机械制造"
    assert by["FOOD"]["ancestors"] == ["LIGHT_INDUSTRY", "INDUSTRY_TRADE"]
    assert set(by["INDUSTRY_TRADE"]["children"]) >= {
        "METALLURGY", "NONFERROUS", "BUILDING_MATERIALS", "MACHINERY", "LIGHT_INDUSTRY", "TEXTILES",
        "TOBACCO", "COMMERCE",
    }  # fmt: skip
    assert "FOOD" in by["INDUSTRY_TRADE"]["descendants"] and by["INDUSTRY_TRADE"]["parent"] is None
    # Depth first: each trade before the trades under it.
    order = [n["value"] for n in nodes]
    assert all(order.index(n["parent"]) < order.index(n["value"]) for n in nodes if n["parent"])
    assert len(order) == len(set(order)) == len(Trade)


async def _template(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(DutyList.id).where(DutyList.code == code))
    assert found is not None
    return found


async def test_a_machinery_enterprises_principal_owes_the_2023_three_operations_check(
    app: Any, session: AsyncSession, client: Any, as_: Any
) -> None:
    t = await f.small_tree(session)
    await load_requirements(session)
    machinery = await f.enterprise(session, t["safety"], code="E-MACH", trade=Trade.MACHINERY)
    await adopt_template(
        session,
        template_id=await _template(session, "001-enterprise-principal"),
        unit_id=t["park"].id,
        code="p1-001-enterprise-principal",
        effective_from=date(2023, 1, 1),
        actor=SYSTEM,
    )
    heads = {}
    for unit in (machinery, t["food"], t["chem"]):
        post = await f.post(session, unit, PostKind.ENTERPRISE_PRINCIPAL)
        heads[unit.code] = await f.person(session, name=f"负责人{unit.code[-2:]}")
        await f.assign(session, post, heads[unit.code], start=date(2023, 1, 1))
    await reload(app, session)
    pin(app, date(2023, 8, 10))

    async def three_operations(code: str) -> list[tuple[str, str]]:
        body = await client.post(
            "/graphql",
            json={
                "query": OBLIGATIONS,
                "variables": {
                    "person": gid("Person", heads[code].id),
                    "from": "2023-05-01",
                    "to": "2023-08-31",
                },
            },
        )
        nodes = body.json()["data"]["obligations"]["nodes"]
        return [
            (n["dueDate"], n["status"])
            for n in nodes
            if n["dutyItem"]["key"] == "001-enterprise-principal-2-6-1"
        ]

    assert await three_operations("E-MACH") == [("2023-07-31", "MISSED")]
    # 食品加工 is 轻工, a 工贸 trade too; 危险化学品 is not 工贸.
    assert await three_operations("E-FOOD") == [("2023-07-31", "MISSED")]
    assert await three_operations("E-CHEM") == []

    principal = as_(f"person:{heads['E-MACH'].id}")
    # Several inspection duties are in play for the principal: the record names this one.
    item = await session.scalar(
        select(DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .join(DutyList, DutyList.id == DutyListVersion.list_id)
        .where(
            DutyList.code == "p1-001-enterprise-principal", DutyItem.key == "001-enterprise-principal-2-6-1"
        )
    )
    assert item is not None
    named: dict[str, Any] = {"title": "三大作业全面排查", "dutyItemIds": [gid("DutyItem", item)]}
    ok(await principal(RECORD, _record_input([machinery], date(2023, 7, 20), **named)))
    assert await three_operations("E-MACH") == [("2023-07-31", "DONE_ON_TIME")]


ITEMS = """
query { dutyLists(templates: true, first: 100) { nodes { code versions(first: 5) { nodes {
  items(first: 50) { nodes { id key rule { text basis variants { text basis } } } } } } } } }
"""


async def test_rules_show_whether_their_frequency_is_the_documents_or_a_default(
    session: AsyncSession, client: Any
) -> None:
    await load_requirements(session)
    await session.commit()
    body = (await client.post("/graphql", json={"query": ITEMS})).json()
    assert "errors" not in body, body
    rules = {
        i["key"]: i["rule"]
        for lst in body["data"]["dutyLists"]["nodes"]
        for v in lst["versions"]["nodes"]
        for i in v["items"]["nodes"]
        if i["rule"]
    }
    supervision = rules["002-enterprise-supervision-2-15"]
    assert supervision["basis"] == "DEFAULT" and {v["basis"] for v in supervision["variants"]} == {"DEFAULT"}
    assert supervision["text"].endswith("（园区自定）")
    document = rules["002-enterprise-principal-2-4"]
    assert document["basis"] == "DOCUMENT" and {v["basis"] for v in document["variants"]} == {"DOCUMENT"}
    assert document["text"] == "每季度至少1次；高危行业每月至少1次"
    drill = rules["001-enterprise-principal-2-2-5b"]
    assert drill["basis"] == "DEFAULT"
    assert [(v["text"], v["basis"]) for v in drill["variants"]] == [
        ("高危行业每半年至少1次", "DOCUMENT"),
        ("每年至少1次", "DEFAULT"),
    ]
    assert rules["004-campaign-principals-7-2"]["basis"] == "DEFAULT"
    assert rules["004-park-principal-6b"]["basis"] == "DOCUMENT"


SET = """
mutation($input: SetDistrictFrequencyDefaultInput!) {
  setDistrictFrequencyDefault(input: $input) {
    default { id itemKey effectiveFrom withdrawn correctsId note rule { text basis definition } district { id } }
    userErrors { code field message messageEn }
  }
}
"""
WITHDRAW = """
mutation($input: WithdrawDistrictFrequencyDefaultInput!) {
  withdrawDistrictFrequencyDefault(input: $input) {
    default { id withdrawn correctsId }
    userErrors { code field message messageEn }
  }
}
"""
LIST = """
query($history: Boolean!) {
  districtFrequencyDefaults(includeHistory: $history, first: 20) { totalCount nodes { id itemKey withdrawn } }
}
"""
POST_OBLIGATIONS = """
query($post: ID!) { obligations(postId: $post, from: "2024-01-01", to: "2024-08-31", first: 100) {
  nodes { periodStart dueDate rule { text basis } dutyItem { key } } } }
"""

QUARTERLY_DEFAULT = {"kinds": ["INSPECTION"], "every": "QUARTER", "basis": "DEFAULT"}
MONTHLY = {"kinds": ["INSPECTION"], "every": "MONTH"}


async def _district_with_deputy(session: AsyncSession, n: int) -> dict[str, Any]:
    district = await f.district(session, code=f"DD{n}", name=f"默认区{n}")
    park = await f.unit(session, UnitKind.PARK, district, code=f"DP{n}", name=f"默认园区{n}")
    deputy = await f.post(session, park, PostKind.DEPUTY_IN_CHARGE)
    await f.assign(session, deputy, await f.person(session, name=f"分管{n}"), start=date(2024, 1, 1))
    lst = await f.duty_list(
        session, park, [PostKind.DEPUTY_IN_CHARGE], {"check": QUARTERLY_DEFAULT, "doc": MONTHLY}
    )
    items = dict(
        (
            await session.execute(
                select(DutyItem.key, DutyItem.id)
                .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
                .where(DutyListVersion.list_id == lst.id)
            )
        ).all()
    )
    admin = await f.person(session, name=f"区管理员{n}")
    await f.grant_role(session, f"person:{admin.id}", "admin", district.id)
    return {"district": district, "deputy": deputy, "items": items, "admin": f"person:{admin.id}"}


def _set(d: dict[str, Any], rule: Any, since: str, item: str = "check", **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "districtId": gid("OrgUnit", d["district"].id),
            "dutyItemId": gid("DutyItem", d["items"][item]),
            "rule": rule,
            "effectiveFrom": since,
            **extra,
        }
    }


async def _rows(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(DistrictFrequencyDefault.id))) or 0)


async def test_a_district_default_changes_the_frequency_in_that_district_only_from_its_date(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    one = await _district_with_deputy(session, 1)
    two = await _district_with_deputy(session, 2)
    await reload(app, session)
    pin(app, date(2024, 4, 20))
    admin = as_(one["admin"])

    # Refused, and nothing written.
    refused(await admin(SET, _set(two, MONTHLY, "2024-05-01")), "NOT_FOUND", ["input", "districtId"])
    refused(
        await admin(SET, _set(one, MONTHLY, "2024-05-01", item="doc")),
        "NOT_A_DEFAULT_ITEM",
        ["input", "dutyItemId"],
    )
    kinds = {"kinds": ["MEETING"], "every": "MONTH"}
    refused(await admin(SET, _set(one, kinds, "2024-05-01")), "RULE_KINDS_DIFFER", ["input", "rule", "kinds"])
    bad = {"kinds": ["INSPECTION"], "every": "FORTNIGHT"}
    refused(await admin(SET, _set(one, bad, "2024-05-01")), "INVALID_RULE", ["input", "rule", "every"])
    document = {**MONTHLY, "basis": "DOCUMENT"}
    refused(await admin(SET, _set(one, document, "2024-05-01")), "INVALID_RULE", ["input", "rule", "basis"])
    refused(
        await admin(SET, _set(one, MONTHLY, "2024-04-01")), "INVALID_DATE_RANGE", ["input", "effectiveFrom"]
    )
    assert await _rows(session) == 0

    written = ok(await admin(SET, _set(one, MONTHLY, "2024-05-01", note="本区按月检查")))["default"]
    assert written["itemKey"] == "check" and written["effectiveFrom"] == "2024-05-01"
    assert written["rule"]["basis"] == "DEFAULT" and written["rule"]["text"] == "每月至少1次（园区自定）"
    assert written["rule"]["definition"]["basis"] == "DEFAULT"
    assert written["district"]["id"] == gid("OrgUnit", one["district"].id)

    async def periods(d: dict[str, Any]) -> list[tuple[str, str, str]]:
        body = await as_(d["admin"])(POST_OBLIGATIONS, {"post": gid("Post", d["deputy"].id)})
        assert "errors" not in body, body
        return sorted(
            (n["periodStart"], n["dueDate"], n["rule"]["basis"])
            for n in body["data"]["obligations"]["nodes"]
            if n["dutyItem"]["key"] == "check"
        )

    # Periods begun before 1 May keep the quarter; from May the district's month.
    assert await periods(one) == [
        ("2024-01-01", "2024-03-31", "DEFAULT"),
        ("2024-04-01", "2024-06-30", "DEFAULT"),
        ("2024-05-01", "2024-05-31", "DEFAULT"),
        ("2024-06-01", "2024-06-30", "DEFAULT"),
        ("2024-07-01", "2024-07-31", "DEFAULT"),
        ("2024-08-01", "2024-08-31", "DEFAULT"),
    ]
    # The other district keeps the catalogue's quarter.
    assert await periods(two) == [
        ("2024-01-01", "2024-03-31", "DEFAULT"),
        ("2024-04-01", "2024-06-30", "DEFAULT"),
        ("2024-07-01", "2024-09-30", "DEFAULT"),
    ]

    # Fetched by its global ID, by its district's admin only.
    by_id = "query($id: ID!) { node(id: $id) { ... on DistrictFrequencyDefault { itemKey effectiveFrom } } }"
    found = await admin(by_id, {"id": written["id"]})
    assert found["data"]["node"] == {"itemKey": "check", "effectiveFrom": "2024-05-01"}
    assert (await as_(two["admin"])(by_id, {"id": written["id"]}))["data"]["node"] is None

    # Each admin lists their own district's defaults only.
    assert (await admin(LIST, {"history": False}))["data"]["districtFrequencyDefaults"]["totalCount"] == 1
    assert (await as_(two["admin"])(LIST, {"history": False}))["data"]["districtFrequencyDefaults"][
        "totalCount"
    ] == 0

    # A later default, corrected before it takes effect, then withdrawn: new rows each time.
    later = ok(await admin(SET, _set(one, {**MONTHLY, "times": 2}, "2024-09-01")))["default"]
    fixed = ok(await admin(SET, _set(one, {**MONTHLY, "times": 3}, "2024-10-01", correctsId=later["id"])))
    assert fixed["default"]["correctsId"] == later["id"]
    refused(
        await admin(SET, _set(one, MONTHLY, "2024-10-01", correctsId=later["id"])),
        "ALREADY_CORRECTED",
        ["input", "correctsId"],
    )
    gone = ok(await admin(WITHDRAW, {"input": {"defaultId": fixed["default"]["id"], "note": "改回"}}))
    assert gone["default"]["withdrawn"] is True and gone["default"]["correctsId"] == fixed["default"]["id"]
    listed = (await admin(LIST, {"history": False}))["data"]["districtFrequencyDefaults"]
    assert [n["id"] for n in listed["nodes"]] == [written["id"]]
    assert (await admin(LIST, {"history": True}))["data"]["districtFrequencyDefaults"]["totalCount"] == 4
    # One already in effect is history: it cannot be withdrawn; the other admin cannot see it.
    pin(app, date(2024, 6, 1))
    refused(
        await admin(WITHDRAW, {"input": {"defaultId": written["id"]}}),
        "INVALID_DATE_RANGE",
        ["input", "defaultId"],
    )
    refused(
        await as_(two["admin"])(WITHDRAW, {"input": {"defaultId": written["id"]}}),
        "NOT_FOUND",
        ["input", "defaultId"],
    )
    assert await _rows(session) == 4
