"""Agencies, contracts, service clients, API keys, identities and the viewer, through HTTP.

Who reads what is checked end to end: an agency's staff see the contract's enterprises while
it runs and nothing after; a district system reads its district only, without contact
details; API keys work through both headers until revoked or expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.refs import domain_ref
from authz.models import ApiKey
from domain.clock import today_shanghai
from domain.people.service import create_person
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.helpers import ok, pk, refused, reload

ERRORS = "userErrors { code field message messageEn }"
AGENCY = (
    "mutation($input: CreateAgencyInput!) { createAgency(input: $input) { agency { id name creditCode } "
    + ERRORS
    + " } }"
)
ADD_MEMBER = (
    "mutation($input: AddAgencyMemberInput!) { addAgencyMember(input: $input) "
    "{ member { id startDate endDate person { name } agency { name } } " + ERRORS + " } }"
)
END_MEMBER = (
    "mutation($input: EndAgencyMemberInput!) { endAgencyMember(input: $input) { member { id endDate } "
    + ERRORS
    + " } }"
)
CONTRACT = (
    "mutation($input: CreateAgencyContractInput!) { createAgencyContract(input: $input) "
    "{ contract { id code startDate endDate lastDay inForce enterprises { totalCount nodes { name } } } "
    + ERRORS
    + " } }"
)
TERMINATE = (
    "mutation($input: TerminateAgencyContractInput!) { terminateAgencyContract(input: $input) "
    "{ contract { id terminatedOn lastDay inForce } " + ERRORS + " } }"
)
CLIENT = (
    "mutation($input: CreateServiceClientInput!) { createServiceClient(input: $input) "
    "{ client { id name kind subject district { name } agency { name } } " + ERRORS + " } }"
)
DISABLE = (
    "mutation($input: DisableServiceClientInput!) { disableServiceClient(input: $input) "
    "{ client { id disabledAt } " + ERRORS + " } }"
)
KEY = (
    "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) "
    "{ key apiKey { id prefix createdAt expiresAt revokedAt } " + ERRORS + " } }"
)
REVOKE = (
    "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } "
    + ERRORS
    + " } }"
)
LINK = (
    "mutation($input: LinkExternalIdentityInput!) { linkExternalIdentity(input: $input) "
    "{ identity { issuer subject person { name } client { name } } " + ERRORS + " } }"
)
UNITS = "{ units(first: 100) { totalCount nodes { id name } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on OrgUnit { name } } }"


@pytest.fixture
async def world(session: AsyncSession, app: Any) -> dict[str, Any]:
    """Two districts; district A has the small tree and a district admin."""
    t = await f.small_tree(session)
    other = await f.district(session, name="另一区")
    other_park = await f.unit(session, UnitKind.PARK, other, name="另一园区")
    t["other"] = other
    t["other_ent"] = await f.enterprise(session, other_park, name="丙机械有限公司（演示）")
    admin = await f.person(session, "区管理员甲")
    await f.grant_role(session, f"person:{admin.id}", "admin", t["district"].id)
    t["admin"] = admin
    t["staff"] = await f.person(session, "机构人员甲")
    secretary_post = await f.post(session, t["park"], PostKind.PARTY_SECRETARY, title="党工委书记")
    t["secretary"] = await create_person(
        session,
        name="书记甲",
        id_number=f.id_number(),
        phone="13800009999",
        today=f.TODAY,
        registered_unit_id=t["park"].id,
    )
    await f.assign(session, secretary_post, t["secretary"])
    t["secretary_post"] = secretary_post
    await reload(app, session)
    return t


def gid(kind: str, row_id: int) -> str:
    return f.gid(kind, row_id)


async def new_agency(gql: Any, name: str = "（演示）甲安全技术服务有限公司") -> str:
    body = await gql(AGENCY, {"input": {"name": name, "creditCode": f.credit_code()}})
    agency_id: str = ok(body)["agency"]["id"]
    return agency_id


async def test_agency_mutations_and_their_errors(gql: Any, world: dict[str, Any]) -> None:
    today = today_shanghai()
    refused(
        await gql(AGENCY, {"input": {"name": "某机构", "creditCode": "123"}}),
        "INVALID_CREDIT_CODE",
        ["input", "creditCode"],
    )
    agency = await new_agency(gql)
    staff = gid("Person", world["staff"].id)

    refused(
        await gql(
            ADD_MEMBER,
            {"input": {"agencyId": agency, "personId": gid("OrgUnit", 1), "startDate": str(today)}},
        ),
        "NOT_FOUND",
        ["input", "personId"],
    )
    member = ok(
        await gql(
            ADD_MEMBER,
            {"input": {"agencyId": agency, "personId": staff, "startDate": str(today - timedelta(days=30))}},
        )
    )["member"]
    assert member["person"]["name"] == "机构人员甲" and member["agency"]["name"].startswith("（演示）")

    contract_input = {
        "agencyId": agency,
        "code": "HT-1",
        "startDate": str(today - timedelta(days=10)),
        "endDate": str(today + timedelta(days=10)),
        "unitIds": [gid("OrgUnit", world["chem"].id), gid("OrgUnit", world["park"].id)],
    }
    refused(await gql(CONTRACT, {"input": contract_input}), "INVALID_VALUE", ["input", "unitIds", "1"])
    refused(
        await gql(CONTRACT, {"input": contract_input | {"unitIds": [gid("Person", 1)]}}),
        "NOT_FOUND",
        ["input", "unitIds", "0"],
    )
    contract_input["unitIds"] = [gid("OrgUnit", world["chem"].id), gid("OrgUnit", world["food"].id)]
    contract = ok(await gql(CONTRACT, {"input": contract_input}))["contract"]
    assert contract["inForce"] is True and contract["enterprises"]["totalCount"] == 2
    refused(await gql(CONTRACT, {"input": contract_input}), "DUPLICATE_CODE", ["input", "code"])

    listed = await gql(
        """query($agency: ID!, $on: Date) {
          agencies { totalCount nodes { id name members { person { name } endDate } } }
          agencyContracts(agencyId: $agency, activeOn: $on) {
            totalCount nodes { code agency { id } enterprises(first: 1) { totalCount nodes { name } } }
          }
        }""",
        {"agency": agency, "on": str(today)},
    )
    assert listed["data"]["agencies"]["totalCount"] == 1
    assert listed["data"]["agencies"]["nodes"][0]["members"] == [
        {"person": {"name": "机构人员甲"}, "endDate": None}
    ]
    (found,) = listed["data"]["agencyContracts"]["nodes"]
    assert found["agency"]["id"] == agency and found["enterprises"]["totalCount"] == 2
    later = await gql(
        "query($on: Date) { agencyContracts(activeOn: $on) { totalCount } }",
        {"on": str(today + timedelta(days=11))},
    )
    assert later["data"]["agencyContracts"]["totalCount"] == 0

    terminated = ok(await gql(TERMINATE, {"input": {"contractId": contract["id"]}}))["contract"]
    assert terminated["terminatedOn"] == str(today) and terminated["inForce"] is False
    refused(
        await gql(TERMINATE, {"input": {"contractId": contract["id"]}}),
        "ALREADY_ENDED",
        ["input", "contractId"],
    )
    node = await gql(
        "query($id: ID!) { node(id: $id) { ... on AgencyContract { code terminatedOn } } }",
        {"id": contract["id"]},
    )
    assert node["data"]["node"] == {"code": "HT-1", "terminatedOn": str(today)}

    # A contract not started yet is called off from its first day: it never holds.
    future = ok(
        await gql(
            CONTRACT,
            {
                "input": contract_input
                | {
                    "code": "HT-F",
                    "startDate": str(today + timedelta(days=3)),
                    "endDate": str(today + timedelta(days=9)),
                }
            },
        )
    )["contract"]
    called_off = ok(await gql(TERMINATE, {"input": {"contractId": future["id"]}}))["contract"]
    assert called_off["terminatedOn"] == str(today + timedelta(days=3)) and called_off["inForce"] is False

    ended = ok(await gql(END_MEMBER, {"input": {"memberId": member["id"], "endDate": str(today)}}))["member"]
    assert ended["endDate"] == str(today)
    refused(
        await gql(END_MEMBER, {"input": {"memberId": member["id"], "endDate": str(today)}}),
        "ALREADY_ENDED",
        ["input", "memberId"],
    )


async def test_an_agency_member_sees_the_contract_enterprises_only_while_it_runs(
    gql: Any, as_: Any, world: dict[str, Any]
) -> None:
    today = today_shanghai()
    agency = await new_agency(gql)
    ok(
        await gql(
            ADD_MEMBER,
            {
                "input": {
                    "agencyId": agency,
                    "personId": gid("Person", world["staff"].id),
                    "startDate": str(today - timedelta(days=30)),
                }
            },
        )
    )
    staff = as_(f"person:{world['staff'].id}")
    chem, food = gid("OrgUnit", world["chem"].id), gid("OrgUnit", world["food"].id)
    assert (await staff(UNITS))["data"]["units"]["totalCount"] == 0

    contract = ok(
        await gql(
            CONTRACT,
            {
                "input": {
                    "agencyId": agency,
                    "code": "HT-2",
                    "startDate": str(today - timedelta(days=30)),
                    "endDate": str(today + timedelta(days=30)),
                    "unitIds": [chem],
                }
            },
        )
    )["contract"]
    units = (await staff(UNITS))["data"]["units"]
    assert [n["id"] for n in units["nodes"]] == [chem]
    assert (await staff(NODE, {"id": chem}))["data"]["node"] == {"id": chem, "name": world["chem"].name}
    assert (await staff(NODE, {"id": food}))["data"]["node"] is None
    # Staff read contracts' enterprises but not the contracts, agencies or clients themselves.
    lists = await staff(
        "{ agencies { totalCount } agencyContracts { totalCount } serviceClients { totalCount } }"
    )
    assert lists["data"] == {
        "agencies": {"totalCount": 0},
        "agencyContracts": {"totalCount": 0},
        "serviceClients": {"totalCount": 0},
    }
    viewer = await staff(
        "{ viewer { roles { role domain unitName source sourceKind sourceNode { __typename }"
        " unit { id } units { id } everywhere } } }"
    )
    (role,) = viewer["data"]["viewer"]["roles"]
    assert role["role"] == "agency" and role["domain"] == domain_ref(world["chem"].path + "*")
    assert role["unitName"] == world["chem"].name and role["sourceKind"] == "CONTRACT_MEMBER"
    # The deprecated source answers global IDs (contract, then member), never `contract:<id>`.
    contract_gid, member_gid = role["source"].split("/")
    assert contract_gid == contract["id"] and pk(member_gid) > 0
    assert role["unit"] == {"id": gid("OrgUnit", world["chem"].id)} and role["everywhere"] is False
    assert role["units"][-1] == role["unit"]

    ok(await gql(TERMINATE, {"input": {"contractId": contract["id"], "terminatedOn": str(today)}}))
    assert (await staff(UNITS))["data"]["units"]["totalCount"] == 0
    assert (await staff(NODE, {"id": chem}))["data"]["node"] is None
    assert (await staff("{ viewer { roles { role } } }"))["data"]["viewer"]["roles"] == []


async def test_guards_not_found_and_forbidden(
    gql: Any, as_: Any, world: dict[str, Any], session: AsyncSession, app: Any
) -> None:
    today = today_shanghai()
    agency = await new_agency(gql)
    other_contract = ok(
        await gql(
            CONTRACT,
            {
                "input": {
                    "agencyId": agency,
                    "code": "HT-B",
                    "startDate": str(today),
                    "endDate": str(today + timedelta(days=5)),
                    "unitIds": [gid("OrgUnit", world["other_ent"].id)],
                }
            },
        )
    )["contract"]
    # The district admin of A also leads district B (reads it, may not contract for it).
    subject = f"person:{world['admin'].id}"
    await f.grant_role(session, subject, "principal", world["other"].id)
    await reload(app, session)
    admin = as_(subject)

    refused(
        await admin(AGENCY, {"input": {"name": "x", "creditCode": f.credit_code()}}),
        "FORBIDDEN",
        ["input"],
    )
    base = {"agencyId": agency, "code": "HT-A", "startDate": str(today), "endDate": str(today)}
    refused(
        await admin(
            CONTRACT,
            {
                "input": base
                | {"unitIds": [gid("OrgUnit", world["chem"].id), gid("OrgUnit", world["other_ent"].id)]}
            },
        ),
        "FORBIDDEN",
        ["input", "unitIds", "1"],
    )
    contract = ok(await admin(CONTRACT, {"input": base | {"unitIds": [gid("OrgUnit", world["chem"].id)]}}))[
        "contract"
    ]
    assert contract["enterprises"]["totalCount"] == 1
    # B's contract lists nothing whose contracts the admin may read: it does not exist for them.
    refused(
        await admin(TERMINATE, {"input": {"contractId": other_contract["id"]}}),
        "NOT_FOUND",
        ["input", "contractId"],
    )
    assert (await admin("{ agencyContracts { totalCount } }"))["data"]["agencyContracts"]["totalCount"] == 1

    refused(
        await admin(
            ADD_MEMBER,
            {
                "input": {
                    "agencyId": agency,
                    "personId": gid("Person", world["staff"].id),
                    "startDate": str(today),
                }
            },
        ),
        "FORBIDDEN",
        ["input", "agencyId"],
    )
    district = ok(
        await admin(
            CLIENT,
            {
                "input": {
                    "name": "区平台（演示）",
                    "kind": "DISTRICT_SYSTEM",
                    "districtId": gid("OrgUnit", world["district"].id),
                }
            },
        )
    )["client"]
    assert district["district"]["name"] == "测试区" and district["kind"] == "DISTRICT_SYSTEM"
    refused(
        await admin(CLIENT, {"input": {"name": "对接", "kind": "INTEGRATION"}}),
        "FORBIDDEN",
        ["input", "kind"],
    )
    refused(
        await admin(
            CLIENT,
            {
                "input": {
                    "name": "区平台",
                    "kind": "DISTRICT_SYSTEM",
                    "districtId": gid("OrgUnit", world["other"].id),
                }
            },
        ),
        "FORBIDDEN",
        ["input", "districtId"],
    )
    refused(
        await admin(
            CLIENT,
            {
                "input": {
                    "name": "区平台",
                    "kind": "DISTRICT_SYSTEM",
                    "districtId": gid("OrgUnit", world["park"].id),
                }
            },
        ),
        "INVALID_VALUE",
        ["input", "districtId"],
    )
    refused(
        await admin(CLIENT, {"input": {"name": "区平台", "kind": "DISTRICT_SYSTEM"}}),
        "REQUIRED",
        ["input", "districtId"],
    )
    # The platform admin's own client (an integration) is not the district admin's to see.
    clients = await admin("{ serviceClients { totalCount nodes { id } } }")
    assert clients["data"]["serviceClients"]["nodes"] == [{"id": district["id"]}]

    # A park leader reads units but neither contracts nor clients.
    leader = as_(f"person:{world['secretary'].id}")
    refused(
        await leader(CONTRACT, {"input": base | {"unitIds": [gid("OrgUnit", world["chem"].id)]}}),
        "NOT_FOUND",
        ["input", "agencyId"],
    )
    refused(
        await leader(DISABLE, {"input": {"clientId": district["id"]}}), "NOT_FOUND", ["input", "clientId"]
    )


async def test_api_keys_authenticate_until_revoked_or_expired(
    gql: Any, as_: Any, world: dict[str, Any], session: AsyncSession, http: httpx.AsyncClient
) -> None:
    client = ok(
        await gql(
            CLIENT,
            {
                "input": {
                    "name": "区应急局平台（演示）",
                    "kind": "DISTRICT_SYSTEM",
                    "districtId": gid("OrgUnit", world["district"].id),
                }
            },
        )
    )["client"]
    created = ok(await gql(KEY, {"input": {"clientId": client["id"]}}))
    key, record = created["key"], created["apiKey"]
    assert key.startswith(f"sdk_{record['prefix']}_") and record["revokedAt"] is None

    listed = await gql(
        "{ serviceClients { nodes { id apiKeys { id prefix createdAt expiresAt revokedAt } } } }"
    )
    assert key not in str(listed) and key.split("_", 2)[2] not in str(listed)
    keys = next(n for n in listed["data"]["serviceClients"]["nodes"] if n["id"] == client["id"])["apiKeys"]
    assert [k["prefix"] for k in keys] == [record["prefix"]]

    viewer = (
        "{ viewer { subject subjectNode { __typename ... on ServiceClient { id } } method authMethod"
        " client { name kind } person { name } roles { role domain } } }"
    )
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        body = await as_(**headers)(viewer)
        assert body["data"]["viewer"]["subject"] == client["id"]
        v = body["data"]["viewer"]
        assert v["subjectNode"] == {"__typename": "ServiceClient", "id": client["id"]}
        assert v["method"] == "api_key" and v["authMethod"] == "API_KEY"
        assert v["client"]["kind"] == "DISTRICT_SYSTEM" and v["person"] is None
        assert v["roles"] == [{"role": "district_reader", "domain": domain_ref(world["district"].path + "*")}]

    # The district system reads its district, not another, and no contact details.
    system = as_(**{"X-API-Key": key})
    units = (await system(UNITS))["data"]["units"]
    names = {n["name"] for n in units["nodes"]}
    assert world["chem"].name in names and "另一区" not in names and world["other_ent"].name not in names
    assert (await system(NODE, {"id": gid("OrgUnit", world["other_ent"].id)}))["data"]["node"] is None
    person = await system(
        "query($id: ID!) { node(id: $id) { ... on Person { name phone phoneMasked idNumber idNumberMasked } } }",
        {"id": gid("Person", world["secretary"].id)},
    )
    assert person["data"]["node"] == {
        "name": "书记甲",
        "phone": None,
        "phoneMasked": None,
        "idNumber": None,
        "idNumberMasked": None,
    }
    refused(
        await system(AGENCY, {"input": {"name": "x", "creditCode": f.credit_code()}}),
        "FORBIDDEN",
        ["input"],
    )

    revoked = ok(await gql(REVOKE, {"input": {"keyId": record["id"]}}))["apiKey"]
    assert revoked["revokedAt"] is not None
    refused(await gql(REVOKE, {"input": {"keyId": record["id"]}}), "ALREADY_REVOKED", ["input", "keyId"])
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        response = await as_(**headers).raw(viewer)
        assert response.status_code == 401
        error = response.json()["errors"][0]
        assert (
            error["extensions"]["code"] == "UNAUTHENTICATED" and "revoked" in error["extensions"]["messageEn"]
        )

    # An expired key.
    second = ok(await gql(KEY, {"input": {"clientId": client["id"], "expiresAt": "2999-01-01T00:00:00Z"}}))
    assert (await as_(**{"X-API-Key": second["key"]}).raw(viewer)).status_code == 200
    key_id = pk(second["apiKey"]["id"])
    await session.execute(
        update(ApiKey).where(ApiKey.id == key_id).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    await session.commit()
    response = await as_(**{"X-API-Key": second["key"]}).raw(viewer)
    assert (
        response.status_code == 401 and "expired" in response.json()["errors"][0]["extensions"]["messageEn"]
    )
    refused(
        await gql(KEY, {"input": {"clientId": client["id"], "expiresAt": "2001-01-01T00:00:00Z"}}),
        "INVALID_VALUE",
        ["input", "expiresAt"],
    )

    # Disabling the client stops its keys.
    third = ok(await gql(KEY, {"input": {"clientId": client["id"]}}))["key"]
    ok(await gql(DISABLE, {"input": {"clientId": client["id"]}}))
    assert (await as_(**{"X-API-Key": third}).raw(viewer)).status_code == 401
    refused(
        await gql(DISABLE, {"input": {"clientId": client["id"]}}), "ALREADY_REVOKED", ["input", "clientId"]
    )
    refused(await gql(KEY, {"input": {"clientId": client["id"]}}), "ALREADY_REVOKED", ["input", "clientId"])


async def test_agency_clients_follow_the_contract(gql: Any, as_: Any, world: dict[str, Any]) -> None:
    today = today_shanghai()
    agency = await new_agency(gql)
    client = ok(
        await gql(CLIENT, {"input": {"name": "机构系统（演示）", "kind": "AGENCY", "agencyId": agency}})
    )["client"]
    assert client["agency"]["name"] == "（演示）甲安全技术服务有限公司" and client["district"] is None
    refused(
        await gql(CLIENT, {"input": {"name": "机构系统", "kind": "AGENCY"}}),
        "REQUIRED",
        ["input", "agencyId"],
    )
    key = ok(await gql(KEY, {"input": {"clientId": client["id"]}}))["key"]
    system = as_(**{"Authorization": f"Bearer {key}"})
    assert (await system(UNITS))["data"]["units"]["totalCount"] == 0
    ok(
        await gql(
            CONTRACT,
            {
                "input": {
                    "agencyId": agency,
                    "code": "HT-C",
                    "startDate": str(today),
                    "endDate": str(today + timedelta(days=1)),
                    "unitIds": [gid("OrgUnit", world["food"].id)],
                }
            },
        )
    )
    assert [n["name"] for n in (await system(UNITS))["data"]["units"]["nodes"]] == [world["food"].name]


async def test_viewer_lists_the_callers_roles(
    gql: Any, as_: Any, world: dict[str, Any], platform_admin: str
) -> None:
    leader = as_(f"person:{world['secretary'].id}")
    body = await leader(
        """{ viewer { subject subjectNode { ... on Person { id } } method authMethod person { name phone }
             client { id }
             roles { role roleLabel domain subtree unitId unitName postId source startDate endDate
                     sourceKind sourceNode { id } post { id } id } id } }"""
    )
    viewer = body["data"]["viewer"]
    secretary = gid("Person", world["secretary"].id)
    assert viewer["subject"] == secretary and viewer["subjectNode"] == {"id": secretary}
    assert viewer["method"] == "token" and viewer["authMethod"] == "TOKEN"
    assert viewer["person"] == {"name": "书记甲", "phone": "13800009999"} and viewer["client"] is None
    roles = {r["role"]: r for r in viewer["roles"]}
    assert len({r.pop("id") for r in viewer["roles"]}) == len(viewer["roles"]) and viewer["id"]
    assert roles["principal"] | {"source": "", "sourceNode": None} == {
        "role": "principal",
        "roleLabel": "党政主要负责人",
        "domain": domain_ref(world["park"].path + "*"),
        "subtree": True,
        "unitId": gid("OrgUnit", world["park"].id),
        "unitName": "测试园区",
        "postId": None,
        "source": "",
        "startDate": "2024-01-01",
        "endDate": None,
        "sourceKind": "ASSIGNMENT",
        "sourceNode": None,
        "post": None,
    }
    # The source is the assignment: as a node, and (deprecated) as its global ID.
    assignment = roles["principal"]["sourceNode"]["id"]
    assert roles["principal"]["source"] == assignment and assignment.startswith("QXNzaWdubWVudDo")
    assert roles["post_holder"]["postId"] == gid("Post", world["secretary_post"].id)
    assert roles["post_holder"]["post"] == {"id": gid("Post", world["secretary_post"].id)}
    assert roles["post_holder"]["unitName"] == "测试园区" and roles["post_holder"]["subtree"] is False
    before = await leader('{ viewer { roles(on: "2023-12-31") { role } } }')
    assert before["data"]["viewer"]["roles"] == []

    admin = (await gql("{ viewer { subject client { name } roles { role domain unitId unitName } } }"))[
        "data"
    ]["viewer"]
    assert admin["subject"] == gid("ServiceClient", int(platform_admin.removeprefix("client:")))
    assert admin["client"]["name"] == "测试平台管理端"
    assert admin["roles"] == [{"role": "admin", "domain": "*", "unitId": None, "unitName": None}]


async def test_link_external_identity(gql: Any, as_: Any, world: dict[str, Any]) -> None:
    client = ok(await gql(CLIENT, {"input": {"name": "对接系统（演示）", "kind": "INTEGRATION"}}))["client"]
    linked = ok(
        await gql(
            LINK, {"input": {"issuer": "https://idp.example", "subject": "svc", "clientId": client["id"]}}
        )
    )["identity"]
    assert linked == {
        "issuer": "https://idp.example",
        "subject": "svc",
        "person": None,
        "client": {"name": "对接系统（演示）"},
    }
    refused(
        await gql(
            LINK, {"input": {"issuer": "https://idp.example", "subject": "svc", "clientId": client["id"]}}
        ),
        "DUPLICATE",
        ["input", "subject"],
    )
    refused(
        await gql(
            LINK,
            {
                "input": {
                    "issuer": "https://idp.example",
                    "subject": "both",
                    "clientId": client["id"],
                    "personId": gid("Person", world["staff"].id),
                }
            },
        ),
        "INVALID_VALUE",
        ["input", "personId"],
    )
    admin = as_(f"person:{world['admin'].id}")
    # The district admin may link a leader of their district, not a person who lives nowhere
    # (only a platform-wide admin reaches the root).
    person = ok(
        await admin(
            LINK,
            {
                "input": {
                    "issuer": "https://idp.example",
                    "subject": "u1",
                    "personId": gid("Person", world["secretary"].id),
                }
            },
        )
    )["identity"]["person"]
    assert person == {"name": "书记甲"}
    refused(
        await admin(
            LINK,
            {
                "input": {
                    "issuer": "https://idp.example",
                    "subject": "u2",
                    "personId": gid("Person", world["admin"].id),
                }
            },
        ),
        "FORBIDDEN",
        ["input", "personId"],
    )


async def test_anonymous_viewer_is_refused(anonymous_client: httpx.AsyncClient) -> None:
    response = await anonymous_client.post("/graphql", json={"query": "{ viewer { subject } }"})
    assert response.status_code == 401
