"""Every mapped table, imported in one place for Alembic and the test setup."""

from domain.audit.models import AuditEvent
from domain.db import Base
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import OrgUnit

__all__ = ["Assignment", "AuditEvent", "Base", "OrgUnit", "Person", "Post", "PostCharge"]
