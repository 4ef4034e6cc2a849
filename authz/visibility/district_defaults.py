"""Which district frequency defaults a caller sees: those of a district at or above
something they may read duties of (a park's people see their district's defaults)."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from authz.catalogue import Resource
from authz.reach import Reach
from authz.visibility.duties import unit_related
from domain.duties.defaults.models import DistrictFrequencyDefault


def defaults_visible(reach: Reach) -> ColumnElement[bool]:
    return unit_related(DistrictFrequencyDefault.district_id, reach.scopes(Resource.DUTY))
