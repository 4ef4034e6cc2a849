"""Who may see scores.

A unit's score, its explanation, ranks and series are compliance data of the unit: a caller
sees them where their compliance-read scopes hold the unit (district systems: their
district; park leaders: their park). Scheme versions are seen by anyone who may read
compliance anywhere (the weights are not secret).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true

from authz.catalogue import Resource
from authz.reach import Reach
from domain.scoring.models import EnterpriseClass, ScoreSchemeVersion
from domain.tree.models import OrgUnit


def compliance_units(reach: Reach) -> ColumnElement[bool]:
    """Units (OrgUnit rows) whose compliance the caller may read."""
    return reach.scopes(Resource.COMPLIANCE).unit_clause()


def schemes_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.COMPLIANCE)
    return true() if not scopes.empty else ScoreSchemeVersion.id.is_(None)


def classes_visible(reach: Reach) -> ColumnElement[bool]:
    """Enterprise classifications: as the compliance of their enterprise."""
    return EnterpriseClass.unit_id.in_(select(OrgUnit.id).where(compliance_units(reach)))
