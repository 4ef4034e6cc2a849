"""The policy's and the audit log's per-request loaders and list orders, kept beside the
request's other loaders (`ctx.loaders`) so that a mutation's reset drops them too. Who may
see what is `authz.visibility.admin`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement

from api.loaders import ByIdLoader
from authz.models import JointResponsibility, Permission, RoleGrant
from authz.reach import Reach
from authz.visibility.admin import audit_visible, grants_visible, joints_visible, permissions_visible
from domain.audit.models import AuditEvent
from domain.pagination import Ordering

if TYPE_CHECKING:
    from api.context import Context

PERMISSION_ORDER: Ordering[Permission] = Ordering((Permission.id,), key=lambda p: (p.id,))
GRANT_ORDER: Ordering[RoleGrant] = Ordering((RoleGrant.id,), key=lambda g: (g.id,))
JOINT_ORDER: Ordering[JointResponsibility] = Ordering((JointResponsibility.id,), key=lambda j: (j.id,))
# Newest first: keyset pages compare ascending keys, so the key is the negated id.
AUDIT_ORDER: Ordering[AuditEvent] = Ordering((-AuditEvent.id,), key=lambda e: (-e.id,))


class PermissionByIdLoader(ByIdLoader[Permission]):
    model = Permission

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return permissions_visible(reach)


class GrantByIdLoader(ByIdLoader[RoleGrant]):
    model = RoleGrant

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return grants_visible(reach)


class JointByIdLoader(ByIdLoader[JointResponsibility]):
    model = JointResponsibility

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return joints_visible(reach)


class AuditByIdLoader(ByIdLoader[AuditEvent]):
    model = AuditEvent

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return audit_visible(reach)


class AdminLoaders:
    def __init__(self, ctx: Context) -> None:
        self.permission_by_id = PermissionByIdLoader(ctx)
        self.grant_by_id = GrantByIdLoader(ctx)
        self.joint_by_id = JointByIdLoader(ctx)
        self.audit_by_id = AuditByIdLoader(ctx)
