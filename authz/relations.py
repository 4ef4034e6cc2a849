"""Statements of agencies', contracts' and clients' related rows, as (parent key, row)
relations for loaders that read many parents at once (see domain.rows)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from authz.models import AgencyContractUnit, AgencyMember, ApiKey
from domain.rows import Relation, children
from domain.tree.models import OrgUnit


def members_by_agency(agencies: ColumnElement[bool]) -> Relation:
    """Agencies' staff (where `agencies` holds), by start date."""
    return children(
        AgencyMember.agency_id, AgencyMember, AgencyMember.start_date, AgencyMember.id, where=agencies
    )


def api_keys_by_client() -> Relation:
    return children(ApiKey.client_id, ApiKey, ApiKey.id)


def contract_enterprises(units: ColumnElement[bool]) -> tuple[Select[Any], Any]:
    """The enterprises contracts list, among `units` (OrgUnit rows); partitioned by contract."""
    stmt = select(OrgUnit).join(AgencyContractUnit, AgencyContractUnit.unit_id == OrgUnit.id).where(units)
    return stmt, AgencyContractUnit.contract_id
