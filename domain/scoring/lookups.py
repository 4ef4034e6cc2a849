"""Small reads of scoring's own rows for the API: the score state, scheme versions, the
ranking of a unit's parks or enterprises, enterprises' classifications. Builders take the
caller's visibility predicates (authz.visibility.scoring) and add them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.scoring import formula as fm
from domain.scoring import queries as sq
from domain.scoring.models import EnterpriseClass, ScoreSchemeVersion, ScoreState
from domain.tree.models import OrgUnit, subtree_upper_bound


async def score_state(session: AsyncSession) -> ScoreState | None:
    """The one score state row (the first, should there ever be more)."""
    return (await session.scalars(select(ScoreState).order_by(ScoreState.id).limit(1))).first()


def schemes(visible: ColumnElement[bool], district_id: int | None = None) -> Select[ScoreSchemeVersion]:
    """Scheme versions; given a district, its own and the platform default (no district)."""
    stmt = select(ScoreSchemeVersion).where(visible)
    if district_id is not None:
        stmt = stmt.where(
            or_(ScoreSchemeVersion.district_id == district_id, ScoreSchemeVersion.district_id.is_(None))
        )
    return stmt


def classes_under(path: str, units: ColumnElement[bool]) -> Select[EnterpriseClass]:
    """Classifications of the enterprises in the subtree at `path`, among `units` (OrgUnit rows)."""
    return (
        select(EnterpriseClass)
        .join(OrgUnit, OrgUnit.id == EnterpriseClass.unit_id)
        .where(OrgUnit.path >= path, OrgUnit.path < subtree_upper_bound(path), units)
    )


async def ranked_scores(
    session: AsyncSession, within: OrgUnit, unit_kind: str, period_kind: fm.PeriodKind, period_start: date
) -> Sequence[Any]:
    """The scores `sq.ranking_statement` selects (of the parks or enterprises within a unit for
    a period), as stored; unsorted."""
    stmt = sq.ranking_statement(within, unit_kind, period_kind, period_start)
    return (await session.scalars(stmt)).all()
