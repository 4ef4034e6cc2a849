"""Agencies, their members and contracts, and agency clients, through HTTP: an agency's staff
see the contract's enterprises while it runs and nothing after.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.refs import domain_ref
from domain.clock import today_shanghai
from tests.api.access.documents import (
    ADD_MEMBER,
    AGENCY,
    CLIENT,
    CONTRACT,
    END_MEMBER,
    KEY,
    NODE,
    TERMINATE,
    UNITS,
    gid,
    new_agency,
)
from tests.api.helpers import ok, pk, refused


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
