"""Service clients' API keys through HTTP: they work through both headers until revoked or
expired; a district system reads its district only, without contact details.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.refs import domain_ref
from authz.models import ApiKey
from tests import factories as f
from tests.api.access.documents import (
    AGENCY,
    CLIENT,
    DISABLE,
    KEY,
    NODE,
    REVOKE,
    UNITS,
    gid,
)
from tests.api.helpers import ok, pk, refused


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
