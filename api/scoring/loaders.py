"""Who may see a unit's scores (as a check: `may_read`; as SQL: `authz.visibility.scoring`),
and this area's per-request loaders. A score the caller may not read is "not found"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement

from api.dataloader import DataLoader
from api.loaders import ByIdLoader
from authz.catalogue import Action, Resource
from authz.reach import Reach
from authz.visibility.scoring import schemes_visible
from domain.pagination import Ordering
from domain.scoring.lookups import score_state
from domain.scoring.models import EnterpriseClass, ScoreSchemeVersion, ScoreState, UnitScore
from domain.tree.models import OrgUnit

if TYPE_CHECKING:
    from api.context import Context

SCORE_ORDER: Ordering[UnitScore] = Ordering((UnitScore.unit_id,), key=lambda r: (r.unit_id,))
SCHEME_ORDER: Ordering[ScoreSchemeVersion] = Ordering((ScoreSchemeVersion.id,), key=lambda r: (r.id,))
CLASS_ORDER: Ordering[EnterpriseClass] = Ordering(
    (EnterpriseClass.effective_from, EnterpriseClass.id), key=lambda r: (r.effective_from, r.id)
)


def may_read(ctx: Context, unit: OrgUnit | None) -> bool:
    return unit is not None and ctx.can(Resource.COMPLIANCE, Action.READ, unit.path)


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
            row = await score_state(session)
        return [row for _ in keys]


class ScoringLoaders:
    def __init__(self, ctx: Context) -> None:
        self.scheme_version_by_id = SchemeVersionByIdLoader(ctx)
        self.state = ScoreStateLoader(ctx)
