"""A score explained: the parts of the subtree, the classes of obligations, the hazards and
the obligations that lowered it, each with the points it took off."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.connection import Connection, computed_connection
from api.context import Info
from api.errors import BadInput
from api.keys import ID_DESCRIPTION, key_id
from api.scoring.losses import HazardLoss, ObligationLoss, ScoreContribution, WeightClassLoss
from api.scoring.types import ComplianceScore, ScoringSchemeVersion
from api.tree.types import OrgUnit
from domain.errors import DomainError
from domain.scoring import formula as fm
from domain.scoring import queries as sq
from domain.tree.models import OrgUnit as OrgUnitRow


@strawberry.type(
    name="ScoreExplanation",
    description="评分说明 — Why a score is what it is: every share is the points an item took off, so the "
    "shares of obligations and hazards add up to the points lost, and so do the contributions",
)
class ScoreExplanation:
    scope: fm.ScoreScope = strawberry.field(description="评分范围 — Own or with subtree")
    period_kind: fm.PeriodKind = strawberry.field(description="期间类型 — Period kind")
    period_start: date = strawberry.field(description="期间开始 — First day of the period")
    period_end: date = strawberry.field(description="期间结束 — Last day of the period")
    as_of: date | None = strawberry.field(description="数据截至 — The day statuses were judged on")
    score: float | None = strawberry.field(description="得分 — The score; null when nothing counted")
    lost_points: float = strawberry.field(description="失分 — 100 − score (0 without a score)")
    obligation_points_lost: float = strawberry.field(description="履职失分 — Points lost on obligations")
    hazard_points_lost: float = strawberry.field(description="隐患失分 — Points lost on hazards")
    contributions: list[ScoreContribution] = strawberry.field(
        description="失分构成 — The unit's own part and each child's subtree, most points lost first"
    )
    by_weight_class: list[WeightClassLoss] = strawberry.field(
        description="按类别 — Counts and points lost by class of obligation, most lost first"
    )
    hazards: list[HazardLoss] = strawberry.field(
        description="隐患失分 — Hazards that lowered it (overdue, open major, closed late), most first"
    )
    detail: strawberry.Private[sq.Explanation]
    unit_row: strawberry.Private[OrgUnitRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id(
            "ScoreExplanation", self.unit_row.id, self.scope.value, self.period_kind.value, self.period_start
        )

    @classmethod
    def of(cls, e: sq.Explanation, unit: OrgUnitRow) -> ScoreExplanation:
        ob_lost = (
            e.scheme.points_obligations * e.sums.ob_lost / (100 * e.sums.ob_weight) if e.sums.ob_weight else 0
        )
        hz_lost = (
            e.scheme.points_hazards * e.sums.hz_lost / (100 * e.sums.hz_weight) if e.sums.hz_weight else 0
        )
        return cls(
            scope=e.scope,
            period_kind=e.kind,
            period_start=e.start,
            period_end=e.end,
            as_of=e.as_of,
            score=e.score,
            lost_points=e.lost,
            obligation_points_lost=round(ob_lost, 6),
            hazard_points_lost=round(hz_lost, 6),
            contributions=[
                ScoreContribution(own=c.own, lost_points=c.points, score=c.score, unit_id=c.unit_id)
                for c in e.contributions
            ],
            by_weight_class=[
                WeightClassLoss(
                    weight_class=b.weight_class,
                    weight=b.weight,
                    on_time=b.on_time,
                    late=b.late,
                    missed=b.missed,
                    lost_points=round(b.points, 6),
                )
                for b in e.by_class
            ],
            hazards=[
                HazardLoss(
                    standing=h.standing,
                    weight=h.weight,
                    credit=h.credit,
                    lost_points=round(h.points, 6),
                    hazard_id=h.hazard_id,
                    unit_id=h.unit_id,
                )
                for h in e.hazards
            ],
            detail=e,
            unit_row=unit,
        )

    @strawberry.field(description="单位 — The unit")
    def unit(self) -> OrgUnit:
        return OrgUnit.from_row(self.unit_row)

    @strawberry.field(description="考核方案版本 — The scheme version that scores the period")
    async def scheme_version(self, info: Info) -> ScoringSchemeVersion | None:
        row = await info.context.loaders.scoring.scheme_version_by_id.load(self.detail.scheme_version_id)
        return ScoringSchemeVersion.from_row(row) if row else None

    @strawberry.field(
        description="履职失分明细 — The obligations missed or done late, most points first: the missed "
        "inspection behind a park's score. A subtree of more than 5,000 posts is explained through its "
        "contributions instead (drill down to a child)."
    )
    async def obligations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ObligationLoss]:
        async with info.context.db() as session:
            try:
                found = await sq.obligation_losses(session, self.unit_row, self.detail)
            except DomainError as exc:
                e = exc.errors[0]
                raise BadInput(e.message_en, e.message_zh, "unitId", code=e.code.value) from exc
        ranked = list(enumerate(found))
        return computed_connection(
            info, ranked, lambda r: (r[0],), lambda r: ObligationLoss.of(r[1]), first, after
        )


def score_or_empty(
    row: object | None, unit_id: int, scope: fm.ScoreScope, kind: fm.PeriodKind, start: date
) -> ComplianceScore:
    from domain.scoring.models import UnitScore

    if isinstance(row, UnitScore):
        return ComplianceScore.from_row(row)
    return ComplianceScore.empty(unit_id, scope, kind, start)
