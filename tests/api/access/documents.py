"""The GraphQL documents of the access tests, and small helpers that call them."""

from __future__ import annotations

from typing import Any

from tests import factories as f
from tests.api.helpers import ok

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


def gid(kind: str, row_id: int) -> str:
    return f.gid(kind, row_id)


async def new_agency(gql: Any, name: str = "（演示）甲安全技术服务有限公司") -> str:
    body = await gql(AGENCY, {"input": {"name": name, "creditCode": f.credit_code()}})
    agency_id: str = ok(body)["agency"]["id"]
    return agency_id
