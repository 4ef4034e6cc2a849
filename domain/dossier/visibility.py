"""What the caller may see, as the SQL predicates the API's own lists use (built by the API
from `authz`: `Reach` and `authz.visibility`). The dossier adds each to its reads, so it
never holds a row the caller could not list through the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement


@dataclass(frozen=True)
class Visibility:
    units: ColumnElement[bool]  # OrgUnit: reach.units()
    posts: ColumnElement[bool]  # Post: reach.posts()
    assignments: ColumnElement[bool]  # Assignment: reach.assignments()
    persons: ColumnElement[bool]  # Person: reach.persons() (names shown only then)
    duty_posts: ColumnElement[bool]  # Post: posts whose duties and obligations one may read
    lists: ColumnElement[bool]  # DutyList: authz.visibility.duties.lists_visible
    records: ColumnElement[bool]  # DutyRecord: authz.visibility.duties.records_visible
    hazards: ColumnElement[bool]  # Hazard: authz.visibility.hazards.hazards_visible
    audit: ColumnElement[bool]  # AuditEvent: authz.visibility.admin.audit_visible
