"""The lists of agencies, contracts and service clients, filtered as the API offers them.
Each builder takes the caller's visibility predicate (authz.visibility.access) and adds it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select

from authz.models import Agency, AgencyContract, ServiceClient


def agencies(visible: ColumnElement[bool], search: str | None = None) -> Select[Agency]:
    """Agencies whose name contains `search` or whose credit code is it (blank: all)."""
    stmt = select(Agency).where(visible)
    if search and search.strip():
        text = search.strip()
        stmt = stmt.where(or_(Agency.name.contains(text, autoescape=True), Agency.credit_code == text))
    return stmt


def contracts(
    visible: ColumnElement[bool], *, agency_id: int | None = None, active_on: date | None = None
) -> Select[AgencyContract]:
    """Contracts, of one agency if given, in force on `active_on` if given (not yet
    terminated that day)."""
    stmt = select(AgencyContract).where(visible)
    if agency_id is not None:
        stmt = stmt.where(AgencyContract.agency_id == agency_id)
    if active_on is not None:
        stmt = stmt.where(
            AgencyContract.start_date <= active_on,
            AgencyContract.end_date >= active_on,
            or_(AgencyContract.terminated_on.is_(None), AgencyContract.terminated_on > active_on),
        )
    return stmt


def clients(
    visible: ColumnElement[bool], *, kind: str | None = None, include_disabled: bool = False
) -> Select[ServiceClient]:
    """Service clients, of one kind if given; disabled ones only if asked."""
    stmt = select(ServiceClient).where(visible)
    if kind is not None:
        stmt = stmt.where(ServiceClient.kind == kind)
    if not include_disabled:
        stmt = stmt.where(ServiceClient.disabled_at.is_(None))
    return stmt
