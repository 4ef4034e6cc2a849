"""Statements of hazards' related rows, as (parent key, row) relations for loaders that read
many hazards at once (see domain.rows)."""

from __future__ import annotations

from domain.hazards.models import HazardEvent, HazardNotice, HazardPlan
from domain.rows import Relation, children


def events_by_hazard() -> Relation:
    return children(HazardEvent.hazard_id, HazardEvent, HazardEvent.id)


def plans_by_hazard() -> Relation:
    return children(HazardPlan.hazard_id, HazardPlan, HazardPlan.id)


def notices_by_hazard() -> Relation:
    return children(HazardNotice.hazard_id, HazardNotice, HazardNotice.id)
