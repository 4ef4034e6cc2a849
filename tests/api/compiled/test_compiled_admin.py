"""The audit log and the policy lists on the compiled read path answer what the resolvers
answer: filters, pages, cursors and counts, for a platform admin, an admin of one
department and a caller who may read neither."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.compiled import SERVED
from authz.models import Permission
from domain.audit.models import AuditEvent
from tests import factories as f
from tests.api.compiled.helpers import Pair
from tests.factories import gid

PAGE = (
    "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }"
)
AUDIT = """query($actor: String, $action: String, $type: String, $since: DateTime, $until: DateTime,
               $first: Int, $after: String) {
  auditEvents(actor: $actor, action: $action, targetType: $type, since: $since, until: $until,
              first: $first, after: $after) {
    PAGE nodes { __typename id at actor action targetType targetId targetGlobalId requestId }
  }
}""".replace("PAGE", PAGE)
GRANTS = """query($subject: ID, $role: String, $unit: ID, $on: Date, $revoked: Boolean! = false,
               $first: Int, $after: String) {
  roleGrants(subject: $subject, role: $role, unitId: $unit, activeOn: $on, includeRevoked: $revoked,
             first: $first, after: $after) {
    PAGE nodes { id subject subjectId role roleLabel subtree startDate endDate createdAt createdBy
                 revokedAt revokedBy note closingNote everywhere unit { id name } }
  }
}""".replace("PAGE", PAGE)
PERMISSIONS = """query($role: String, $resource: AuthzResource, $action: AuthzAction, $revoked: Boolean! = false,
                   $first: Int, $after: String) {
  permissions(role: $role, resource: $resource, action: $action, includeRevoked: $revoked,
              first: $first, after: $after) {
    PAGE nodes { id role resource action createdAt createdBy revokedAt revokedBy note closingNote }
  }
}""".replace("PAGE", PAGE)


async def _world(session: AsyncSession, admin: str) -> dict[str, Any]:
    t = await f.small_tree(session)
    someone = await f.person(session, name="某人")
    nobody = await f.person(session, name="无权者")
    dept = await f.make_client(session, name="部门管理端")
    await f.grant_role(session, dept.subject, "admin", t["safety"].id)
    await f.grant_role(session, f"person:{someone.id}", "principal", t["chem"].id, subtree=False,
                       start=date(2026, 1, 1), end=date(2026, 3, 31))  # fmt: skip
    await f.grant_role(session, "person:0042", "custom_role", t["food"].id)
    revoked = await f.grant_role(session, f"person:{someone.id}", "admin", t["chem"].id)
    revoked.revoked_at = datetime(2026, 2, 1, 3, 4, 5, tzinfo=UTC)
    revoked.revoked_by, revoked.note, revoked.closing_note = "cli", "备注'\"", "撤销"
    session.add(Permission(role="custom_role", resource="hazard", action="read", created_by="cli"))
    session.add(Permission(role="custom_role", resource="audit", action="read", created_by=f"client:{dept.id}",
                           revoked_at=datetime(2026, 1, 1, tzinfo=UTC), revoked_by="person:1"))  # fmt: skip
    domains = ["/", f"{t['safety'].path}", f"{t['chem'].path}", f"{t['chem'].path}p5/", f"{t['food'].path}"]
    actors = ["system", "cli", f"person:{someone.id}", "client:3", "person:0012", "person:x"]
    for i in range(14):
        session.add(
            AuditEvent(
                at=datetime(2026, 1, 1 + i, 9, 0, i % 2, 500 * (i % 3), tzinfo=UTC), actor=actors[i % 6],
                action=("policy.grant_role", "tree.update_unit")[i % 2],
                target_type=("RoleGrant", "OrgUnit", "Nothing")[i % 3], target_id=None if i == 4 else i,
                domain=domains[i % 5], request_id=None if i % 4 else f"req-{i}",
            )
        )  # fmt: skip
    await session.flush()
    return {**t, "dept": str(dept.subject), "someone": someone, "nobody": f"person:{nobody.id}"}


def _callers(w: dict[str, Any], admin: str) -> list[str]:
    return [admin, w["dept"], w["nobody"]]


async def test_audit_events(session: AsyncSession, pair: Pair, platform_admin: str) -> None:
    w = await _world(session, platform_admin)
    await pair.reload(session)
    counts = []
    for who in _callers(w, platform_admin):
        counts.append((await pair.both(who, AUDIT))["data"]["auditEvents"]["totalCount"])
        for variables in (
            {"actor": gid("Person", w["someone"].id)},
            {"actor": "cli"},
            {"actor": gid("OrgUnit", 1)},
            {"action": "tree.update_unit", "type": "OrgUnit"},
            {"since": "2026-01-03T00:00:00+08:00", "until": "2026-01-09T09:00:00Z"},
            {"since": "2026-01-05T09:00:01.000500+00:00"},
        ):
            await pair.both(who, AUDIT, variables)
    assert counts[0] > counts[1] > counts[2] == 0, counts
    after, seen = None, []
    while True:
        page = (await pair.both(platform_admin, AUDIT, {"first": 4, "after": after}))["data"]["auditEvents"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(set(seen)) == counts[0]


async def test_role_grants_and_permissions(session: AsyncSession, pair: Pair, platform_admin: str) -> None:
    w = await _world(session, platform_admin)
    await pair.reload(session)
    totals = []
    for who in _callers(w, platform_admin):
        totals.append((await pair.both(who, GRANTS, {"revoked": True}))["data"]["roleGrants"]["totalCount"])
        for variables in (
            {},
            {"subject": gid("Person", w["someone"].id), "revoked": True},
            {"subject": gid("OrgUnit", 1)},
            {"role": "admin", "unit": gid("OrgUnit", w["chem"].id), "revoked": True},
            {"on": "2026-02-01"},
            {"on": "2025-02-01", "first": 1},
        ):
            await pair.both(who, GRANTS, variables)
        for filters in (
            {},
            {"revoked": True},
            {"role": "custom_role", "resource": "AUDIT", "revoked": True},
            {"action": "READ", "first": 2},
        ):
            await pair.both(who, PERMISSIONS, filters)
    assert totals[0] > totals[1] > totals[2] == 0, totals
    page = (await pair.both(platform_admin, PERMISSIONS, {"first": 2}))["data"]["permissions"]
    second = await pair.both(
        platform_admin, PERMISSIONS, {"first": 2, "after": page["pageInfo"]["endCursor"]}
    )
    assert second["data"]["permissions"]["pageInfo"]["hasPreviousPage"]


async def test_what_it_does_not_take(session: AsyncSession, pair: Pair, platform_admin: str) -> None:
    await _world(session, platform_admin)
    await pair.reload(session)
    for query in (
        "{ auditEvents { nodes { before after } } }",
        "{ auditEvents { nodes { unit { id } } } }",
        "{ roleGrants { nodes { subjectNode { __typename } } } }",
        "{ roleGrants(first: -1) { nodes { id } } }",
        '{ roleGrants(unitId: "nope") { nodes { id } } }',
        "{ roleLinks { nodes { role } } }",
    ):
        await pair.both(platform_admin, query, served=False)
    # A time without an offset: the resolvers answer it (as an unexpected error, whose
    # request ID differs between the two answers).
    naive = '{ auditEvents(since: "2026-01-05T09:00:00") { totalCount } }'
    served = sum(SERVED.values())
    on = await pair.ask(pair.on, platform_admin, naive, None)
    off = await pair.ask(pair.off, platform_admin, naive, None)
    assert sum(SERVED.values()) == served
    assert [e["extensions"]["code"] for e in on["errors"]] == [e["extensions"]["code"] for e in off["errors"]]
