"""Changing how scores are computed and acting on them: publishing a district's scheme
(compliance-write on the district) and classing enterprises A/B/C/D (compliance-write on
the unit classed)."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from api.actors import actor
from api.context import Info
from api.errors import UserError, mutate, present
from api.guard import write_unit
from api.ids import decode_id
from api.json_input import domain_json
from api.scoring.types import EnterpriseClassDecision, ScoringSchemeVersion
from authz.catalogue import Resource
from domain.scoring import formula as fm
from domain.scoring.classes import Classified, classify
from domain.scoring.models import ScoreSchemeVersion as SchemeRow
from domain.scoring.schemes import publish_scheme
from domain.tree.models import OrgUnit


@strawberry.input(description="发布考核方案 — A new version of a district's scoring scheme")
class PublishScoringSchemeInput:
    district_id: relay.GlobalID = strawberry.field(description="区 — The district")
    effective_from: date = strawberry.field(
        description="生效日期 — Today or later; scores periods that begin on or after it"
    )
    weights: JSON = strawberry.field(
        description="方案内容 — points {obligations, hazards} (adding up to 100), classWeights by class, "
        "lateCredit, hazardWeights {GENERAL, MAJOR}, hazardCredits {OPEN_MAJOR, OVERDUE, CLOSED_LATE}, "
        "classRule [{class, minScore, maxRisk}]; sections left out keep the platform default"
    )
    note: str | None = strawberry.field(default=None, description="说明 — Why it changed")


@strawberry.type(description="考核方案变更结果 — Result of publishing a scheme")
class ScoringSchemePayload:
    scheme_version: ScoringSchemeVersion | None = strawberry.field(
        description="方案版本 — The new version; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: SchemeRow | None, errors: list[UserError]) -> ScoringSchemePayload:
        return cls(scheme_version=present(ScoringSchemeVersion.from_row, row), user_errors=errors)


@strawberry.input(description="企业分级 — Class the enterprises at and under a unit from a closed period")
class ClassifyEnterprisesInput:
    unit_id: relay.GlobalID = strawberry.field(description="单位 — A district, park or department")
    period_kind: fm.PeriodKind = strawberry.field(description="期间类型 — Kind of period to judge by")
    period_start: date = strawberry.field(description="期间开始 — First day of a period that has ended")


@strawberry.type(description="企业分级结果 — Result of classing enterprises")
class ClassifyEnterprisesPayload:
    decisions: list[EnterpriseClassDecision] | None = strawberry.field(
        description="分级记录 — One decision per enterprise classed (changed or not); null on errors"
    )
    changed: int | None = strawberry.field(description="类别变化 — Enterprises whose class changed")
    skipped: int | None = strawberry.field(
        description="未分级 — Enterprises without a score for the period, or already classed for it"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, result: Classified | None, errors: list[UserError]) -> ClassifyEnterprisesPayload:
        if result is None:
            return cls(decisions=None, changed=None, skipped=None, user_errors=errors)
        return cls(
            decisions=[EnterpriseClassDecision.from_row(r) for r in result.decided],
            changed=result.changed,
            skipped=result.skipped,
            user_errors=errors,
        )


@strawberry.type
class ScoringMutation:
    @strawberry.mutation(
        description="发布考核方案 — Publish a new version of a district's scoring scheme (district admins)"
    )
    async def publish_scoring_scheme(
        self, info: Info, input: PublishScoringSchemeInput
    ) -> ScoringSchemePayload:
        async def work(session: AsyncSession) -> SchemeRow:
            district_id = decode_id(input.district_id, "OrgUnit", "districtId")
            domain = await write_unit(info.context, session, district_id, "districtId", Resource.COMPLIANCE)
            return await publish_scheme(
                session,
                district_id=district_id,
                effective_from=input.effective_from,
                weights=domain_json(input.weights),
                note=input.note,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, ScoringSchemePayload.of)

    @strawberry.mutation(
        description="企业分级 — Class enterprises A/B/C/D from their score and risk for a closed period; "
        "the class takes effect the next day and feeds the frequency rules that depend on it"
    )
    async def classify_enterprises(
        self, info: Info, input: ClassifyEnterprisesInput
    ) -> ClassifyEnterprisesPayload:
        async def work(session: AsyncSession) -> Classified:
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            domain = await write_unit(info.context, session, unit_id, "unitId", Resource.COMPLIANCE)
            unit = await session.get(OrgUnit, unit_id)
            assert unit is not None
            return await classify(
                session,
                within=unit,
                kind=input.period_kind,
                start=input.period_start,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, ClassifyEnterprisesPayload.of)
