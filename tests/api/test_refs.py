"""References as nodes: who acted and where, batched so that a list costs no query per row."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from domain.duties.models import DutySource
from tests import factories as f

GRANT = """mutation($input: GrantRoleInput!) {
  grantRole(input: $input) { roleGrant { id } userErrors { code field message messageEn } }
}"""

LISTS = """{
  roleGrants(first: 50) { nodes {
    subject subjectNode { __typename ... on Person { id name } }
    createdBy createdByNode { __typename ... on SystemActor { id systemKind } } unit { id }
  } }
  auditEvents(action: "policy.grant_role", first: 50) { nodes {
    actor actorNode { __typename ... on ServiceClient { id name } } target { id } unit { id } units { id }
    domain
  } }
}"""


async def _grant(gql: Any, session: AsyncSession, unit: Any, n: int) -> None:
    for i in range(n):
        person = await f.person(session, name=f"授权对象{i}")
        await session.commit()
        body = await gql(
            GRANT,
            {
                "input": {
                    "subjectId": f.gid("Person", person.id),
                    "role": "staff",
                    "unitId": f.gid("OrgUnit", unit.id),
                }
            },
        )
        assert body["data"]["grantRole"]["userErrors"] == [], body


async def _lists(gql: Any, query_counter: Any) -> tuple[int, dict[str, Any]]:
    query_counter.reset()
    body = await gql(LISTS)
    assert "errors" not in body, body
    return query_counter.count, body["data"]


async def test_actor_and_unit_nodes_are_batched(
    session: AsyncSession, gql: Any, query_counter: Any, platform_admin: str
) -> None:
    t = await f.small_tree(session)
    await session.commit()
    admin_id = f.gid("ServiceClient", int(platform_admin.removeprefix("client:")))

    await _grant(gql, session, t["chem"], 2)
    few, data = await _lists(gql, query_counter)
    await _grant(gql, session, t["chem"], 8)
    many, data = await _lists(gql, query_counter)

    grants = [g for g in data["roleGrants"]["nodes"] if g["subjectNode"]["__typename"] == "Person"]
    assert len(grants) == 10
    # The platform admin's own grant was made by the platform itself: a SystemActor, not null.
    (own,) = [g for g in data["roleGrants"]["nodes"] if g["subjectNode"]["__typename"] == "ServiceClient"]
    assert own["createdBy"] == "system"
    assert own["createdByNode"] == {
        "__typename": "SystemActor",
        "id": to_base64("SystemActor", "system"),
        "systemKind": "SYSTEM",
    }
    for g in grants:
        # The deprecated string is the node's global ID, never `person:<id>`.
        assert g["subject"] == g["subjectNode"]["id"] and g["subjectNode"]["name"].startswith("授权对象")
        assert g["unit"] == {"id": f.gid("OrgUnit", t["chem"].id)}
    events = data["auditEvents"]["nodes"]
    assert len(events) == 10
    for e in events:
        assert e["actor"] == admin_id and e["actorNode"] == {
            "__typename": "ServiceClient",
            "id": admin_id,
            "name": "测试平台管理端",
        }
        assert e["unit"] == {"id": f.gid("OrgUnit", t["chem"].id)} and e["units"][-1] == e["unit"]
        assert e["units"][0] == {"id": f.gid("OrgUnit", t["district"].id)}
        # The deprecated path keeps its shape with global IDs in place of internal ids.
        assert e["domain"] == "/" + "/".join(u["id"] for u in e["units"]) + "/"
        assert e["target"]["id"] in {g["id"] for g in (await _ids(gql))}
    assert many == few

    # The audit log is filtered by the actor's global ID.
    query = "query($a: String) { auditEvents(actor: $a, first: 50) { totalCount } }"
    assert (await gql(query, {"a": admin_id}))["data"]["auditEvents"]["totalCount"] >= 10
    other = f.gid("Person", 999999)
    assert (await gql(query, {"a": other}))["data"]["auditEvents"]["totalCount"] == 0


async def _ids(gql: Any) -> list[dict[str, Any]]:
    body = await gql("{ roleGrants(first: 50) { nodes { id } } }")
    nodes: list[dict[str, Any]] = body["data"]["roleGrants"]["nodes"]
    return nodes


CREATE_LIST = """mutation($input: CreateDutyListInput!) {
  createDutyList(input: $input) {
    version { items { nodes { key source { id file } } } }
    userErrors { code field message messageEn }
  }
}"""


async def test_a_duty_source_is_named_by_its_global_id(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    session.add(
        DutySource(file="测试来源.docx", issuer="测试区安委办", issued_on=date(2024, 1, 1), title="测试文件")
    )
    await session.commit()
    sources = (await gql("{ dutySources(first: 50) { nodes { id file } } }"))["data"]["dutySources"]["nodes"]
    (source,) = [s for s in sources if s["file"] == "测试来源.docx"]
    assert f.gid("DutySource", int(from_global(source["id"]))) == source["id"]

    def items(source_id: str, code: str) -> dict[str, Any]:
        return {
            "input": {
                "code": code,
                "name": "来源测试清单",
                "postKinds": ["PRINCIPAL"],
                "unitId": f.gid("OrgUnit", t["park"].id),
                "effectiveFrom": "2024-01-01",
                "items": [{"key": "k", "text": "职责", "sourceId": source_id}],
            }
        }

    made = (await gql(CREATE_LIST, items(source["id"], "refs-source")))["data"]["createDutyList"]
    assert made["userErrors"] == [] and made["version"]["items"]["nodes"][0]["source"] == source
    other = (await gql(CREATE_LIST, items(f.gid("OrgUnit", t["park"].id), "refs-other")))["data"][
        "createDutyList"
    ]
    assert [e["code"] for e in other["userErrors"]] == ["NOT_FOUND"]


def from_global(global_id: str) -> str:
    import base64

    type_name, _, row_id = base64.b64decode(global_id).decode().partition(":")
    assert type_name == "DutySource"
    return row_id
