"""The audit log and the policy lists on the compiled read path: the `auditEvents`,
`roleGrants` and `permissions` roots and their types.

Meaning is `api/admin/queries.py` and `api/admin/types.py`: each list is its resolver's
statement under the same visibility (`audit_visible`, `grants_visible`,
`permissions_visible`), filters and order; subjects are shown as the resolvers show them
(`api.compiled.refs`). Not compiled (a document selecting them goes through the resolvers):
`roleLinks` (computed in Python from the role manager), the audit record's JSON (`before`,
`after`), its domain paths (`domain`, `unit`, `units`), `target` and the `Actor` unions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from api.admin.loaders import AUDIT_ORDER, GRANT_ORDER, PERMISSION_ORDER
from api.admin.queries import _actor_filter, _subject_filter
from api.compiled.build import Build, Entity, FieldSql
from api.compiled.fields import Fallback, Field
from api.compiled.refs import renamed, subject_gid, subject_ref
from api.compiled.scalars import boolean, global_id, plain, timestamp
from api.compiled.tree import ORG_UNIT
from api.ids import try_decode_id
from authz import policy_lists
from authz.catalogue import ROLE_LABELS, Action, Resource
from authz.models import Permission, RoleGrant
from authz.visibility.admin import audit_visible, grants_visible, permissions_visible
from domain.audit import lists as audit_lists
from domain.audit.models import AuditEvent
from domain.tree.models import OrgUnit


def _grant_unit(b: Build, alias: str, f: Field) -> str:
    """The grant's unit if the caller may read it; null for a grant over everything."""
    stmt = select(OrgUnit).where(b.reach.units())
    return b.row(f, ORG_UNIT, stmt, [OrgUnit.id == b.ref(alias, RoleGrant.unit_id)])


def _everywhere(b: Build, alias: str, f: Field) -> str:
    return b.j.boolean(f"({b.col(alias, RoleGrant.unit_id)} IS NULL)")


def _target_global_id(b: Build, alias: str, f: Field) -> str:
    """The target's global ID where its type is a node type (`AuditEvent.targetGlobalId`)."""
    from api.nodes import NODE_TYPES  # as the resolver: the registry is complete once loaded

    kind = b.col(alias, AuditEvent.target_type)
    key = b.col(alias, AuditEvent.target_id)
    whens = " ".join(f"WHEN {kind} = '{t}' THEN {b.j.global_id(t, key)}" for t in sorted(NODE_TYPES))
    return f"(CASE WHEN {key} IS NULL THEN NULL {whens} ELSE NULL END)"


def _enum(column: InstrumentedAttribute[Any], enum: type[Resource] | type[Action]) -> FieldSql:
    return renamed(column, {m.value: m.name for m in enum}, keep_others=False)


def _revocable(model: type[Permission] | type[RoleGrant]) -> dict[str, FieldSql]:
    return {
        "createdAt": timestamp(model.created_at),
        "createdBy": subject_ref(model.created_by),
        "revokedAt": timestamp(model.revoked_at),
        "revokedBy": subject_ref(model.revoked_by),
        "note": plain(model.note),
        "closingNote": plain(model.closing_note),
    }


AUDIT_EVENT = Entity(
    "AuditEvent",
    {
        "id": global_id("AuditEvent", AuditEvent.id),
        "at": timestamp(AuditEvent.at),
        "actor": subject_ref(AuditEvent.actor),
        "action": plain(AuditEvent.action),
        "targetType": plain(AuditEvent.target_type),
        "targetId": plain(AuditEvent.target_id),
        "targetGlobalId": _target_global_id,
        "requestId": plain(AuditEvent.request_id),
    },
    AuditEvent.id,
)

ROLE_GRANT = Entity(
    "RoleGrant",
    {
        "id": global_id("RoleGrant", RoleGrant.id),
        "subject": subject_ref(RoleGrant.subject),
        "subjectId": subject_gid(RoleGrant.subject),
        "role": plain(RoleGrant.role),
        "roleLabel": renamed(RoleGrant.role, {str(k): v for k, v in ROLE_LABELS.items()}, keep_others=True),
        "subtree": boolean(RoleGrant.subtree),
        "startDate": plain(RoleGrant.start_date),
        "endDate": plain(RoleGrant.end_date),
        **_revocable(RoleGrant),
        "unit": _grant_unit,
        "everywhere": _everywhere,
    },
    RoleGrant.id,
)

PERMISSION = Entity(
    "Permission",
    {
        "id": global_id("Permission", Permission.id),
        "role": plain(Permission.role),
        "resource": _enum(Permission.resource, Resource),
        "action": _enum(Permission.action, Action),
        **_revocable(Permission),
    },
    Permission.id,
)


# --- the roots -----------------------------------------------------------------------------


def _at(value: Any, name: str) -> datetime:
    """A DateTime argument as the resolver compares it: an aware one, rendered in UTC by the
    column type; one without an offset goes to the resolver path, which refuses it as bad
    input (`api.instants.aware`)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise Fallback(name)
    return value


def audit_events(b: Build, f: Field) -> str:
    args = b.sel.args(f)
    since, until = args.get("since"), args.get("until")
    stmt = audit_lists.events(
        audit_visible(b.reach),
        actor=_actor_filter(args["actor"]) if args.get("actor") is not None else None,
        action=args.get("action"),
        target_type=args.get("targetType"),
        since=_at(since, "since") if since is not None else None,
        until=_at(until, "until") if until is not None else None,
    )
    return b.connection(f, AUDIT_EVENT, stmt, AUDIT_ORDER)


def _gid(value: Any, name: str) -> Any:
    from strawberry import relay

    try:
        return value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
    except Exception as exc:  # not a global ID: the resolver path reports it
        raise Fallback(name) from exc


def role_grants(b: Build, f: Field) -> str:
    args = b.sel.args(f)
    subject, unit = args.get("subject"), args.get("unitId")
    stmt = policy_lists.grants(
        grants_visible(b.reach),
        subject=_subject_filter(_gid(subject, "subject")) if subject is not None else None,
        role=args.get("role"),
        unit_id=(try_decode_id(_gid(unit, "unitId"), "OrgUnit") or 0) if unit is not None else None,
        active_on=args.get("activeOn"),
        include_revoked=bool(args.get("includeRevoked", False)),
    )
    return b.connection(f, ROLE_GRANT, stmt, GRANT_ORDER)


def permissions(b: Build, f: Field) -> str:
    args = b.sel.args(f)
    resource, action = args.get("resource"), args.get("action")
    stmt = policy_lists.permissions(
        permissions_visible(b.reach),
        role=args.get("role"),
        resource=Resource(resource).value if resource is not None else None,
        action=Action(action).value if action is not None else None,
        include_revoked=bool(args.get("includeRevoked", False)),
    )
    return b.connection(f, PERMISSION, stmt, PERMISSION_ORDER)
