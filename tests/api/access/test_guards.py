"""The access mutations' guards through HTTP: NOT_FOUND outside the caller's reach, FORBIDDEN
inside it without the right.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import today_shanghai
from tests import factories as f
from tests.api.access.documents import (
    ADD_MEMBER,
    AGENCY,
    CLIENT,
    CONTRACT,
    DISABLE,
    TERMINATE,
    gid,
    new_agency,
)
from tests.api.helpers import ok, refused, reload


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
