"""The audit log through HTTP: a change records who made it, the request's caller, and the
request that carried it (its X-Request-Id), whichever layer writes the entry: an
authorization service (agencies, policy) or a mutation of people."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from tests import factories as f
from tests.api.helpers import ok

CREATE_AGENCY = (
    "mutation($input: CreateAgencyInput!) { createAgency(input: $input) { agency { id } "
    "userErrors { code } } }"
)
CREATE_PERSON = (
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } "
    "userErrors { code } } }"
)
GRANT = (
    "mutation($input: GrantRoleInput!) { grantRole(input: $input) { roleGrant { id } userErrors { code } } }"
)


async def test_audited_changes_record_the_caller_and_the_request(
    gql: Any, session: AsyncSession, platform_admin: str
) -> None:
    def request(n: int) -> dict[str, Any]:
        return {"headers": {"x-request-id": f"audit-actor-{n}"}}

    agency = {"name": "审计机构（演示）", "creditCode": f.credit_code()}
    ok(await gql(CREATE_AGENCY, {"input": agency}, **request(1)))
    person = {"name": "审计对象", "idNumber": f.id_number()}
    made = ok(await gql(CREATE_PERSON, {"input": person}, **request(2)))["person"]
    grant = {"subjectId": made["id"], "role": "district_reader"}
    ok(await gql(GRANT, {"input": grant}, **request(3)))

    rows = await session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_(("agency.create", "people.create_person", "policy.grant_role"))
        )
    )
    assert sorted((e.request_id, e.action, e.actor) for e in rows) == [
        ("audit-actor-1", "agency.create", platform_admin),
        ("audit-actor-2", "people.create_person", platform_admin),
        ("audit-actor-3", "policy.grant_role", platform_admin),
    ]
