"""Who may see scores (as SQL and as checks), and this area's per-request loaders.

A unit's score, its explanation, ranks and series are compliance data of the unit: a caller
sees them where their compliance-read scopes hold the unit (district systems: their
district; park leaders: their park). Anything else is "not found". Scheme versions are
seen by anyone who may read compliance anywhere (the weights are not secret)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, select, true

from api.dataloader import DataLoader
from api.loaders import ByIdLoader
from authz.catalogue import Action, Resource
from authz.reach import Reach
from domain.pagination import Ordering
from domain.scoring.models import EnterpriseClass, ScoreSchemeVersion, ScoreState, UnitScore
from domain.tree.models import OrgUnit

if TYPE_CHECKING:
    from api.context import Context

SCORE_ORDER: Ordering[UnitScore] = Ordering((UnitScore.unit_id,), key=lambda r: (r.unit_id,))
SCHEME_ORDER: Ordering[ScoreSchemeVersion] = Ordering((ScoreSchemeVersion.id,), key=lambda r: (r.id,))
CLASS_ORDER: Ordering[EnterpriseClass] = Ordering(
    (EnterpriseClass.effective_from, EnterpriseClass.id), key=lambda r: (r.effective_from, r.id)
)


def compliance_units(reach: Reach) -> ColumnElement[bool]:
    """Units (OrgUnit rows) whose compliance the caller may read."""
    return reach.scopes(Resource.COMPLIANCE).unit_clause()


def may_read(ctx: Context, unit: OrgUnit | None) -> bool:
    return unit is not None and ctx.can(Resource.COMPLIANCE, Action.READ, unit.path)


def schemes_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.COMPLIANCE)
    return true() if not scopes.empty else ScoreSchemeVersion.id.is_(None)


class SchemeVersionByIdLoader(ByIdLoader[ScoreSchemeVersion]):
    model = ScoreSchemeVersion

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return schemes_visible(reach)


class ScoreStateLoader(DataLoader[int, ScoreState | None]):
    """The one score state row (key 0), read once per request."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, keys: Sequence[int]) -> list[ScoreState | None]:
        async with self.ctx.db() as session:
            row = (await session.scalars(select(ScoreState).order_by(ScoreState.id).limit(1))).first()
        return [row for _ in keys]


class ScoringLoaders:
    def __init__(self, ctx: Context) -> None:
        self.scheme_version_by_id = SchemeVersionByIdLoader(ctx)
        self.state = ScoreStateLoader(ctx)
