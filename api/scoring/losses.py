"""Where a score's points went: per part of a subtree, per weight class, per hazard and per
obligation (the parts of `ComplianceScore.explanation`)."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.duties.obligation_types import Obligation
from api.hazards.types import Hazard
from api.scoring.types import unit_of
from api.tree.types import OrgUnit
from domain.scoring import formula as fm
from domain.scoring import queries as sq
from domain.scoring import scheme as sc


@strawberry.type(name="ScoreContribution", description="失分构成 — The points one part of a subtree took off")
class ScoreContribution:
    own: bool = strawberry.field(
        description="本级 — The unit's own posts and hazards (not a child's subtree)"
    )
    lost_points: float = strawberry.field(description="失分 — Points this part took off the score")
    score: float | None = strawberry.field(description="该部分得分 — This part's own score")
    unit_id: strawberry.Private[int]

    @strawberry.field(description="单位 — The unit (a child, or the unit itself for its own part)")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of(info, self.unit_id)


@strawberry.type(
    name="WeightClassLoss", description="按类别失分 — Counts and lost points of one weight class"
)
class WeightClassLoss:
    weight_class: sc.WeightClass = strawberry.field(description="权重类别 — Class")
    weight: int = strawberry.field(description="权重 — Weight of one obligation")
    on_time: int = strawberry.field(description="按时完成 — Done on time")
    late: int = strawberry.field(description="逾期完成 — Done late")
    missed: int = strawberry.field(description="未完成 — Missed")
    lost_points: float = strawberry.field(description="失分 — Points the class took off")


@strawberry.type(name="HazardLoss", description="隐患失分 — A hazard that lowered the score, and by how much")
class HazardLoss:
    standing: fm.HazardStanding = strawberry.field(description="情形 — How it stood on the judging day")
    weight: int = strawberry.field(description="权重 — Its weight (by grade)")
    credit: int = strawberry.field(description="得分比例 — Credit it kept, %")
    lost_points: float = strawberry.field(description="失分 — Points it took off")
    hazard_id: strawberry.Private[int]
    unit_id: strawberry.Private[int]

    @strawberry.field(description="隐患 — The hazard; null when you may not read the ledger there")
    async def hazard(self, info: Info) -> Hazard | None:
        row = await info.context.loaders.hazards.hazard_by_id.load(self.hazard_id)
        return Hazard.from_row(row) if row else None

    @strawberry.field(description="单位 — The unit it was found at")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of(info, self.unit_id)


@strawberry.type(
    name="ObligationLoss", description="履职失分 — An obligation missed or done late, and the points it cost"
)
class ObligationLoss:
    obligation: Obligation = strawberry.field(description="履职义务 — The obligation")
    weight_class: sc.WeightClass = strawberry.field(description="权重类别 — Class")
    weight: int = strawberry.field(description="权重 — Weight")
    credit: int = strawberry.field(description="得分比例 — Credit it kept, %")
    lost_points: float = strawberry.field(description="失分 — Points it took off")
    unit_id: strawberry.Private[int]

    @classmethod
    def of(cls, x: sq.ObligationLoss) -> ObligationLoss:
        return cls(
            obligation=Obligation.of(x.obligation),
            weight_class=x.weight_class,
            weight=x.weight,
            credit=x.credit,
            lost_points=round(x.points, 6),
            unit_id=x.unit_id,
        )

    @strawberry.field(description="单位 — The unit it counted at")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of(info, self.unit_id)
