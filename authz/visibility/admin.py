"""Who may see the policy and the audit log.

- Role templates (`p` lines) hold everywhere: callers with any (policy, read) right.
- A role grant or a 党政同责 declaration: callers whose (policy, read) scopes hold its unit;
  a grant over everything (no unit) only callers whose scope is everything.
- An audit event: callers whose (audit, read) scopes hold its domain ("/" only for a scope
  over everything).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from authz.catalogue import Resource
from authz.models import JointResponsibility, RoleGrant
from authz.reach import Reach, Scopes
from domain.audit.models import AuditEvent
from domain.tree.models import OrgUnit, subtree_upper_bound


def _policy_units(scopes: Scopes, unit_id: Any) -> ColumnElement[bool]:
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    return and_(unit_id.is_not(None), unit_id.in_(select(OrgUnit.id).where(scopes.unit_clause())))


def permissions_visible(reach: Reach) -> ColumnElement[bool]:
    return false() if reach.scopes(Resource.POLICY).empty else true()


def grants_visible(reach: Reach) -> ColumnElement[bool]:
    return _policy_units(reach.scopes(Resource.POLICY), RoleGrant.unit_id)


def joints_visible(reach: Reach) -> ColumnElement[bool]:
    return _policy_units(reach.scopes(Resource.POLICY), JointResponsibility.unit_id)


def audit_visible(reach: Reach) -> ColumnElement[bool]:
    """Events whose domain lies in a subtree of the caller's (audit, read) scopes (posts'
    domains included: they sit below their unit), or is one of its exact domains."""
    scopes = reach.scopes(Resource.AUDIT)
    if scopes.everything:
        return true()
    conds: list[ColumnElement[bool]] = [
        and_(AuditEvent.domain >= p, AuditEvent.domain < subtree_upper_bound(p)) for p in scopes.prefixes
    ]
    if scopes.exact:
        conds.append(AuditEvent.domain.in_(list(scopes.exact)))
    return or_(*conds) if conds else false()
