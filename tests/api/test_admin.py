"""Policy administration through HTTP: grants take effect at once and revoking removes them;
typed errors; who may grant what (no escalation); lists filtered by reach and paged; the
audit log by domain; explainAccess; the policy export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import from_base64

from api.refs import domain_ref
from authz import policy
from authz.authority import MODEL_PATH
from domain.actors import SYSTEM
from domain.clock import today_shanghai
from domain.people.service import create_person
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.helpers import error_code, ok, refused

ERRORS = "userErrors { code field message messageEn }"
GRANT = (
    "mutation($input: GrantRoleInput!) { grantRole(input: $input) "
    "{ roleGrant { id subject subjectId role roleLabel subtree everywhere startDate endDate "
    "unit { name } } " + ERRORS + " } }"
)
REVOKE = (
    "mutation($input: RevokeRoleGrantInput!) { revokeRoleGrant(input: $input) "
    "{ roleGrant { id revokedAt revokedBy note closingNote } " + ERRORS + " } }"
)
PERMIT = (
    "mutation($input: GrantPermissionInput!) { grantPermission(input: $input) "
    "{ permission { id role resource action } " + ERRORS + " } }"
)
UNPERMIT = (
    "mutation($input: RevokePermissionInput!) { revokePermission(input: $input) "
    "{ permission { id revokedAt } " + ERRORS + " } }"
)
JOINT = (
    "mutation($input: DeclareJointResponsibilityInput!) { declareJointResponsibility(input: $input) "
    "{ jointResponsibility { id startDate unit { name } postA { id } postB { id } } " + ERRORS + " } }"
)
UNJOINT = (
    "mutation($input: RevokeJointResponsibilityInput!) { revokeJointResponsibility(input: $input) "
    "{ jointResponsibility { id revokedAt } " + ERRORS + " } }"
)
EXPLAIN = """query($s: ID!, $r: AuthzResource!, $a: AuthzAction!, $o: ID!) {
  explainAccess(subject: $s, resource: $r, action: $a, object: $o) {
    allowed domain day request explanation explanationEn
    subjectNode { __typename ... on Person { id } } unit { id } units { id }
    reasons { policy { role resource action }
              link { subject subjectNode { ... on Person { id } } role domain source sourceKind sourceId
                     sourceNode { id } unit { id } everywhere subtree } }
    rolesThere { id role domain }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


def internal_domain(domain: str) -> str:
    """The stored domain path of one the API answers with global IDs."""
    out = []
    for segment in domain.split("/"):
        if segment and segment != "*":
            kind, row_id = from_base64(segment)
            segment = row_id if kind == "OrgUnit" else f"p{row_id}"
        out.append(segment)
    return "/".join(out)


def gid(kind: str, row_id: int) -> str:
    return f.gid(kind, row_id)


@pytest.fixture
async def world(session: AsyncSession, app: Any) -> dict[str, Any]:
    """District A: park → safety dept → chem, build dept → food; district B with an enterprise.
    A park admin (also staff at the district node, so the district is readable but not
    writable), an admin of district B, a grantee, a park secretary, a deputy in charge of the
    safety department, and a role `pii_editor` that may write personal numbers."""
    t: dict[str, Any] = await f.small_tree(session)
    t["other"] = await f.district(session, name="另一区")
    t["other_park"] = await f.unit(session, UnitKind.PARK, t["other"], name="另一园区")
    t["other_ent"] = await f.enterprise(session, t["other_park"], name="丙机械有限公司（演示）")
    t["park_admin"] = await f.person(session, "园区管理员")
    await f.grant_role(session, f"person:{t['park_admin'].id}", "admin", t["park"].id)
    await f.grant_role(session, f"person:{t['park_admin'].id}", "staff", t["district"].id, subtree=False)
    t["other_admin"] = await f.person(session, "乙区管理员")
    await f.grant_role(session, f"person:{t['other_admin'].id}", "admin", t["other"].id)
    # Registered at the park: its admin sees (and may grant to) them.
    t["grantee"] = await create_person(
        session,
        name="被授权人",
        id_number=f.id_number(),
        phone=None,
        today=f.TODAY,
        registered_unit_id=t["park"].id,
    )
    t["secretary"] = await f.person(session, "书记甲")
    t["secretary_post"] = await f.post(session, t["park"], PostKind.PARTY_SECRETARY, title="党工委书记")
    t["secretary_assignment"] = await f.assign(session, t["secretary_post"], t["secretary"])
    t["director"] = await f.post(session, t["park"], PostKind.COMMITTEE_DIRECTOR, title="管委会主任")
    t["deputy"] = await f.person(session, "副主任甲")
    deputy_post = await f.post(
        session, t["park"], PostKind.DEPUTY_IN_CHARGE, title="副主任", in_charge_of=[t["safety"].id]
    )
    await f.assign(session, deputy_post, t["deputy"])
    await policy.grant_permission(session, actor=SYSTEM, role="pii_editor", resource="pii", action="write")
    await session.commit()
    await app.state.authority.load(session)
    return t


def subject(person: Any) -> str:
    return f"person:{person.id}"


async def test_a_grant_takes_effect_at_once_and_revoking_removes_it(
    gql: Any, as_: Any, world: dict[str, Any]
) -> None:
    grantee = as_(subject(world["grantee"]))
    chem = gid("OrgUnit", world["chem"].id)
    assert (await grantee(NODE, {"id": chem}))["data"]["node"] is None
    grant = ok(
        await gql(
            GRANT,
            {
                "input": {
                    "subjectId": gid("Person", world["grantee"].id),
                    "role": "admin",
                    "unitId": gid("OrgUnit", world["safety"].id),
                    "note": "代管安全生产部",
                }
            },
        )
    )["roleGrant"]
    assert grant["subject"] == gid("Person", world["grantee"].id) and grant["roleLabel"] == "管理员"
    assert grant["unit"] == {"name": "安全生产部"} and grant["subtree"] and not grant["everywhere"]
    assert grant["startDate"] == str(today_shanghai())
    assert (await grantee(NODE, {"id": chem}))["data"]["node"] == {"id": chem}
    # The node reads back, and the grantee's own roles show it.
    assert (await gql(NODE, {"id": grant["id"]}))["data"]["node"] == {"id": grant["id"]}

    revoked = ok(await gql(REVOKE, {"input": {"grantId": grant["id"], "note": "到期"}}))["roleGrant"]
    assert revoked["revokedAt"] is not None
    assert (revoked["note"], revoked["closingNote"]) == ("代管安全生产部", "到期")
    assert (await grantee(NODE, {"id": chem}))["data"]["node"] is None
    refused(await gql(REVOKE, {"input": {"grantId": grant["id"]}}), "ALREADY_REVOKED", ["input", "grantId"])


async def test_typed_errors_for_unknown_role_subject_unit_and_dates(gql: Any, world: dict[str, Any]) -> None:
    person = gid("Person", world["grantee"].id)
    park = gid("OrgUnit", world["park"].id)
    base = {"subjectId": person, "role": "admin", "unitId": park}
    refused(await gql(GRANT, {"input": base | {"role": "nobody"}}), "UNKNOWN_ROLE", ["input", "role"])
    refused(
        await gql(GRANT, {"input": base | {"subjectId": gid("Person", 999999)}}),
        "UNKNOWN_SUBJECT",
        ["input", "subjectId"],
    )
    refused(
        await gql(GRANT, {"input": base | {"subjectId": park}}), "UNKNOWN_SUBJECT", ["input", "subjectId"]
    )
    refused(
        await gql(GRANT, {"input": base | {"unitId": gid("OrgUnit", 999999)}}),
        "NOT_FOUND",
        ["input", "unitId"],
    )
    today = today_shanghai()
    refused(
        await gql(
            GRANT, {"input": base | {"startDate": str(today), "endDate": str(today - timedelta(days=1))}}
        ),
        "INVALID_DATE_RANGE",
        ["input", "endDate"],
    )
    refused(
        await gql(PERMIT, {"input": {"role": "Bad Role", "resource": "UNIT", "action": "READ"}}),
        "INVALID_VALUE",
        ["input", "role"],
    )
    refused(
        await gql(PERMIT, {"input": {"role": "admin", "resource": "UNIT", "action": "READ"}}),
        "DUPLICATE",
        ["input"],
    )
    # Resources and actions are enums: an unknown one never reaches the service.
    for bad in ({"resource": "REACTOR", "action": "READ"}, {"resource": "UNIT", "action": "DELETE"}):
        body = await gql(PERMIT, {"input": {"role": "inspector"} | bad})
        assert body["errors"] and body.get("data") is None


async def test_permissions_make_a_new_role_and_revoking_them_ends_it(
    gql: Any, as_: Any, world: dict[str, Any]
) -> None:
    line = ok(await gql(PERMIT, {"input": {"role": "hazard_reader", "resource": "HAZARD", "action": "READ"}}))
    assert line["permission"]["resource"] == "HAZARD" and line["permission"]["action"] == "READ"
    ok(
        await gql(
            GRANT,
            {
                "input": {
                    "subjectId": gid("Person", world["grantee"].id),
                    "role": "hazard_reader",
                    "unitId": gid("OrgUnit", world["park"].id),
                }
            },
        )
    )
    listed = await gql('{ permissions(role: "hazard_reader") { totalCount nodes { id role } } }')
    assert listed["data"]["permissions"]["totalCount"] == 1
    ok(await gql(UNPERMIT, {"input": {"permissionId": line["permission"]["id"]}}))
    refused(
        await gql(
            GRANT,
            {"input": {"subjectId": gid("Person", world["grantee"].id), "role": "hazard_reader"}},
        ),
        "UNKNOWN_ROLE",
        ["input", "role"],
    )
    # Even a platform admin cannot make a template for rights it lacks (admins do not write pii).
    errors = refused(
        await gql(PERMIT, {"input": {"role": "admin", "resource": "PII", "action": "WRITE"}}),
        "FORBIDDEN",
        ["input", "role"],
    )
    assert "pii/write" in errors[0]["messageEn"]
    # A park admin changes no templates.
    park_admin = as_(subject(world["park_admin"]))
    refused(
        await park_admin(PERMIT, {"input": {"role": "x_reader", "resource": "UNIT", "action": "READ"}}),
        "FORBIDDEN",
        ["input", "role"],
    )


async def test_who_may_grant_what(as_: Any, gql: Any, world: dict[str, Any]) -> None:
    park_admin = as_(subject(world["park_admin"]))
    person = gid("Person", world["grantee"].id)

    def grant_at(unit: Any, role: str = "admin", **more: Any) -> dict[str, Any]:
        return {
            "input": {"subjectId": person, "role": role}
            | more
            | ({"unitId": gid("OrgUnit", unit.id)} if unit else {})
        }

    # Inside its park: yes, over the subtree or the node alone.
    ok(await park_admin(GRANT, grant_at(world["safety"])))
    ok(await park_admin(GRANT, grant_at(world["park"], subtree=False)))
    # Outside: everywhere and the district it may read are FORBIDDEN; another district is
    # not even there.
    refused(await park_admin(GRANT, grant_at(None)), "FORBIDDEN", ["input", "unitId"])
    refused(await park_admin(GRANT, grant_at(world["district"])), "FORBIDDEN", ["input", "unitId"])
    refused(await park_admin(GRANT, grant_at(world["other_ent"])), "NOT_FOUND", ["input", "unitId"])
    # No escalation: a role with a right the park admin lacks.
    errors = refused(
        await park_admin(GRANT, grant_at(world["chem"], "pii_editor")), "FORBIDDEN", ["input", "role"]
    )
    assert "pii/write" in errors[0]["messageEn"] and "pii/write" in errors[0]["message"]

    # Revoking follows the same rule; a grant the caller may not read is NOT_FOUND.
    other = ok(await gql(GRANT, grant_at(world["other_ent"])))["roleGrant"]["id"]
    refused(await park_admin(REVOKE, {"input": {"grantId": other}}), "NOT_FOUND", ["input", "grantId"])
    assert (await park_admin(NODE, {"id": other}))["data"]["node"] is None
    everywhere = ok(await gql(GRANT, grant_at(None, role="district_reader")))["roleGrant"]["id"]
    refused(await park_admin(REVOKE, {"input": {"grantId": everywhere}}), "NOT_FOUND", ["input", "grantId"])
    pii = ok(await gql(GRANT, grant_at(world["chem"], "staff")))["roleGrant"]["id"]
    ok(await park_admin(REVOKE, {"input": {"grantId": pii}}))


async def test_lists_count_only_what_the_caller_may_see(as_: Any, gql: Any, world: dict[str, Any]) -> None:
    person = gid("Person", world["grantee"].id)
    for unit in ("safety", "chem", "food", "other_ent"):
        ok(
            await gql(
                GRANT,
                {"input": {"subjectId": person, "role": "staff", "unitId": gid("OrgUnit", world[unit].id)}},
            )
        )
    ok(await gql(GRANT, {"input": {"subjectId": person, "role": "district_reader"}}))
    query = """query($s: ID, $after: String) {
      roleGrants(subject: $s, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { unit { name } everywhere } } }"""
    everything = (await gql(query, {"s": person}))["data"]["roleGrants"]
    assert everything["totalCount"] == 5
    park_admin = as_(subject(world["park_admin"]))
    first = (await park_admin(query, {"s": person}))["data"]["roleGrants"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] and len(first["nodes"]) == 2
    rest = (await park_admin(query, {"s": person, "after": first["pageInfo"]["endCursor"]}))["data"][
        "roleGrants"
    ]
    assert rest["totalCount"] == 3 and not rest["pageInfo"]["hasNextPage"] and len(rest["nodes"]) == 1
    names = {n["unit"]["name"] for n in first["nodes"] + rest["nodes"]}
    assert names == {"安全生产部", "甲化工有限公司（演示）", "乙食品有限公司（演示）"}

    links = """query($s: ID) { roleLinks(subject: $s, first: 50) { totalCount nodes { role domain sourceKind } } }"""
    mine = (await park_admin(links, {"s": person}))["data"]["roleLinks"]
    assert mine["totalCount"] == 3 and {n["sourceKind"] for n in mine["nodes"]} == {"GRANT"}
    assert (await gql(links, {"s": person}))["data"]["roleLinks"]["totalCount"] == 5
    secretary = (await park_admin(links, {"s": gid("Person", world["secretary"].id)}))["data"]["roleLinks"]
    assert {n["sourceKind"] for n in secretary["nodes"]} == {"ASSIGNMENT"}

    permissions = "{ permissions(first: 1) { totalCount } }"
    assert (await park_admin(permissions))["data"]["permissions"]["totalCount"] > 10
    grantee = as_(subject(world["grantee"]))
    assert (await grantee(permissions))["data"]["permissions"]["totalCount"] == 0
    assert (await grantee("{ roleGrants { totalCount } }"))["data"]["roleGrants"]["totalCount"] == 0


async def test_audit_events_are_seen_by_the_admins_of_their_unit(
    as_: Any, gql: Any, world: dict[str, Any]
) -> None:
    person = gid("Person", world["grantee"].id)
    grant = ok(
        await gql(
            GRANT,
            {"input": {"subjectId": person, "role": "staff", "unitId": gid("OrgUnit", world["chem"].id)}},
        )
    )
    ok(await gql(GRANT, {"input": {"subjectId": person, "role": "district_reader"}}))
    query = """{ auditEvents(action: "policy.grant_role", first: 10) {
      totalCount nodes { id action actor actorNode { __typename } targetType targetId targetGlobalId
        target { id } domain unit { id } units { id } before after } } }"""
    everything = (await gql(query))["data"]["auditEvents"]
    assert [n["domain"] for n in everything["nodes"][:2]] == [
        "/",
        domain_ref(world["chem"].path),
    ]  # newest first
    park = (await as_(subject(world["park_admin"]))(query))["data"]["auditEvents"]
    assert park["totalCount"] == 1
    (event,) = park["nodes"]
    assert (
        event["targetType"] == "RoleGrant" and event["after"]["role"] == "staff" and event["before"] is None
    )
    assert f.gid("RoleGrant", event["targetId"]) == grant["roleGrant"]["id"]
    assert event["targetGlobalId"] == grant["roleGrant"]["id"] == event["target"]["id"]
    assert event["unit"] == {"id": gid("OrgUnit", world["chem"].id)} and event["units"][-1] == event["unit"]
    assert "person:" not in event["actor"] and "client:" not in event["actor"]
    other = (await as_(subject(world["other_admin"]))(query))["data"]["auditEvents"]
    assert other["totalCount"] == 0
    assert (await as_(subject(world["other_admin"]))(NODE, {"id": event["id"]}))["data"]["node"] is None


async def test_explain_access_names_the_links_that_decide(
    as_: Any, gql: Any, app: Any, world: dict[str, Any]
) -> None:
    chem = gid("OrgUnit", world["chem"].id)
    authority = app.state.authority
    today = today_shanghai()

    async def explain(who: Any, resource: str, action: str, obj: str, caller: Any = gql) -> dict[str, Any]:
        body = await caller(EXPLAIN, {"s": gid("Person", who.id), "r": resource, "a": action, "o": obj})
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"]["explainAccess"]
        assert result["request"][0] == gid("Person", who.id)
        assert result["subjectNode"] == {"__typename": "Person", "id": gid("Person", who.id)}
        assert result["allowed"] is authority.enforce(
            subject(who), *result["request"][1:3], internal_domain(result["request"][3]), today
        )
        return result

    by_post = await explain(world["secretary"], "UNIT", "READ", chem)
    assert (
        by_post["allowed"]
        and by_post["domain"] == domain_ref(world["chem"].path)
        and by_post["explanation"].startswith("允许")
    )
    chem_domain = domain_ref(world["chem"].path)
    assert by_post["request"] == [gid("Person", world["secretary"].id), "unit", "read", chem_domain]
    assert by_post["unit"] == {"id": chem} and by_post["units"][-1] == {"id": chem}
    # The texts name the person, the unit and the role, not internal ids or domain paths.
    for text in (by_post["explanation"], by_post["explanationEn"]):
        assert "书记甲" in text and world["chem"].name in text
        assert "person:" not in text and world["chem"].path not in text and "assignment:" not in text
    assert "党政主要负责人" in by_post["explanation"] and "（任职）" in by_post["explanation"]
    assert "principal at" in by_post["explanationEn"] and "(holding a post)" in by_post["explanationEn"]
    (reason,) = [r for r in by_post["reasons"] if r["link"]["role"] == "principal"]
    assert reason["policy"] == {"role": "principal", "resource": "unit", "action": "read"}
    assert reason["link"]["sourceKind"] == "ASSIGNMENT"
    assert reason["link"]["sourceNode"] == {"id": gid("Assignment", world["secretary_assignment"].id)}
    assert reason["link"]["source"] == gid("Assignment", world["secretary_assignment"].id)
    assert reason["link"]["subject"] == gid("Person", world["secretary"].id)
    assert reason["link"]["subjectNode"] == {"id": gid("Person", world["secretary"].id)}
    assert reason["link"]["everywhere"] is False and reason["link"]["subtree"] is True
    there = [x["id"] for x in by_post["rolesThere"]]
    assert len(set(there)) == len(there) > 0

    by_charge = await explain(world["deputy"], "HAZARD", "WRITE", chem)
    assert by_charge["allowed"]
    assert {r["link"]["sourceKind"] for r in by_charge["reasons"]} == {"CHARGE"}
    assert from_base64(by_charge["reasons"][0]["link"]["sourceId"])[0] == "PostCharge"

    denied = await explain(world["grantee"], "UNIT", "WRITE", chem)
    assert not denied["allowed"] and denied["reasons"] == [] and denied["explanation"].startswith("拒绝")
    assert denied["explanationEn"].startswith("Denied")
    grant = ok(
        await gql(
            GRANT,
            {
                "input": {
                    "subjectId": gid("Person", world["grantee"].id),
                    "role": "admin",
                    "unitId": gid("OrgUnit", world["safety"].id),
                }
            },
        )
    )["roleGrant"]
    by_grant = await explain(world["grantee"], "UNIT", "WRITE", chem)
    assert by_grant["allowed"]
    (reason,) = by_grant["reasons"]
    assert reason["link"]["sourceKind"] == "GRANT" and reason["link"]["sourceId"] == grant["id"]
    assert reason["link"]["domain"] == domain_ref(world["safety"].path + "*")
    lacking = await explain(world["grantee"], "PII", "WRITE", chem)
    assert not lacking["allowed"] and lacking["rolesThere"] and "admin" in lacking["explanation"]
    # Objects of other kinds map to their domain: a post, a person.
    post = await explain(world["secretary"], "POST", "READ", gid("Post", world["secretary_post"].id))
    assert (
        post["domain"] == domain_ref(f"{world['park'].path}p{world['secretary_post'].id}/")
        and post["allowed"]
    )
    assert "/" + gid("Post", world["secretary_post"].id) + "/" in post["domain"]

    # Unknown or unreadable subject or object: NOT_FOUND; readable without policy rights: FORBIDDEN.
    park_admin = as_(subject(world["park_admin"]))
    for variables in (
        {"s": chem, "r": "UNIT", "a": "READ", "o": chem},
        {"s": gid("Person", 999999), "r": "UNIT", "a": "READ", "o": chem},
        {"s": gid("Person", world["secretary"].id), "r": "UNIT", "a": "READ", "o": gid("OrgUnit", 999999)},
    ):
        assert error_code(await gql(EXPLAIN, variables)) == "NOT_FOUND"
    other = {
        "s": gid("Person", world["secretary"].id),
        "r": "UNIT",
        "a": "READ",
        "o": gid("OrgUnit", world["other_ent"].id),
    }
    assert error_code(await park_admin(EXPLAIN, other)) == "NOT_FOUND"
    district = other | {"o": gid("OrgUnit", world["district"].id)}
    assert error_code(await park_admin(EXPLAIN, district)) == "FORBIDDEN"


async def test_joint_responsibility_through_graphql(as_: Any, gql: Any, world: dict[str, Any]) -> None:
    park = gid("OrgUnit", world["park"].id)
    secretary_post = gid("Post", world["secretary_post"].id)
    director = gid("Post", world["director"].id)
    refused(
        await gql(JOINT, {"input": {"unitId": park, "postAId": secretary_post, "postBId": secretary_post}}),
        "INVALID_VALUE",
        ["input", "postBId"],
    )
    joint = ok(await gql(JOINT, {"input": {"unitId": park, "postAId": secretary_post, "postBId": director}}))
    jid = joint["jointResponsibility"]["id"]
    assert joint["jointResponsibility"]["unit"] == {"name": "测试园区"}
    listed = await gql("{ jointResponsibilities { totalCount nodes { id } } }")
    assert listed["data"]["jointResponsibilities"] == {"totalCount": 1, "nodes": [{"id": jid}]}
    links = await gql(
        "query($s: ID) { roleLinks(subject: $s) { nodes { sourceKind sourceNode { id } } } }",
        {"s": gid("Person", world["secretary"].id)},
    )
    kinds = {n["sourceKind"] for n in links["data"]["roleLinks"]["nodes"]}
    assert kinds == {"ASSIGNMENT", "JOINT"}
    other_admin = as_(subject(world["other_admin"]))
    refused(
        await other_admin(UNJOINT, {"input": {"jointResponsibilityId": jid}}),
        "NOT_FOUND",
        ["input", "jointResponsibilityId"],
    )
    ok(await gql(UNJOINT, {"input": {"jointResponsibilityId": jid}}))
    assert (await gql("{ jointResponsibilities { totalCount } }"))["data"]["jointResponsibilities"][
        "totalCount"
    ] == 0


async def test_policy_export_is_for_platform_wide_readers(as_: Any, gql: Any, world: dict[str, Any]) -> None:
    body = await gql("{ policyExport { day model policy } }")
    export = body["data"]["policyExport"]
    assert export["model"] == MODEL_PATH.read_text(encoding="utf-8")
    lines = export["policy"].splitlines()
    assert "p, role:admin, unit, write" in lines
    assert f"g, {subject(world['park_admin'])}, role:admin, {world['park'].path}*" in lines
    assert error_code(await as_(subject(world["park_admin"]))("{ policyExport { policy } }")) == "FORBIDDEN"
