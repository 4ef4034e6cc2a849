"""The lists of the policy (role templates, grants, 党政同责 declarations), filtered as the API
offers them. Each builder takes the caller's visibility predicate (authz.visibility.admin)
and adds it; unrevoked rows only unless asked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select

from authz.models import JointResponsibility, Permission, RoleGrant


def permissions(
    visible: ColumnElement[bool],
    *,
    role: str | None = None,
    resource: str | None = None,
    action: str | None = None,
    include_revoked: bool = False,
) -> Select[Permission]:
    stmt = select(Permission).where(visible)
    if role is not None:
        stmt = stmt.where(Permission.role == role)
    if resource is not None:
        stmt = stmt.where(Permission.resource == resource)
    if action is not None:
        stmt = stmt.where(Permission.action == action)
    if not include_revoked:
        stmt = stmt.where(Permission.revoked_at.is_(None))
    return stmt


def grants(
    visible: ColumnElement[bool],
    *,
    subject: str | None = None,
    role: str | None = None,
    unit_id: int | None = None,
    active_on: date | None = None,
    include_revoked: bool = False,
) -> Select[RoleGrant]:
    """Grants, of a subject ("person:<id>", "client:<id>"), role and unit if given, in
    force on `active_on` if given."""
    stmt = select(RoleGrant).where(visible)
    if subject is not None:
        stmt = stmt.where(RoleGrant.subject == subject)
    if role is not None:
        stmt = stmt.where(RoleGrant.role == role)
    if unit_id is not None:
        stmt = stmt.where(RoleGrant.unit_id == unit_id)
    if active_on is not None:
        stmt = stmt.where(
            RoleGrant.start_date <= active_on,
            or_(RoleGrant.end_date.is_(None), RoleGrant.end_date >= active_on),
        )
    if not include_revoked:
        stmt = stmt.where(RoleGrant.revoked_at.is_(None))
    return stmt


def joints(
    visible: ColumnElement[bool], *, unit_id: int | None = None, include_revoked: bool = False
) -> Select[JointResponsibility]:
    stmt = select(JointResponsibility).where(visible)
    if unit_id is not None:
        stmt = stmt.where(JointResponsibility.unit_id == unit_id)
    if not include_revoked:
        stmt = stmt.where(JointResponsibility.revoked_at.is_(None))
    return stmt
