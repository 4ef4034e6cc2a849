"""Reading scores: one unit's, series for charts, ranks, the district dashboard, the paged
view district systems sync from, explanations, holders' scores, schemes and classes. Every
entry point checks compliance-read on the unit it starts from; anything else is null."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import strawberry
from strawberry import relay

from api.connection import Connection, computed_connection, root_connection
from api.context import Info
from api.errors import BadInput
from api.ids import try_decode_id
from api.instants import aware
from api.scoring.explanation import ScoreExplanation, score_or_empty
from api.scoring.loaders import CLASS_ORDER, SCHEME_ORDER, SCORE_ORDER, may_read
from api.scoring.types import (
    ComplianceScore,
    DistrictDashboard,
    EnterpriseClassDecision,
    ParkDashboard,
    PersonScore,
    RankedScore,
    ScoringSchemeVersion,
)
from authz.catalogue import Action, Resource
from authz.visibility.scoring import compliance_units, schemes_visible
from domain.errors import DomainError
from domain.people.models import Person as PersonRow
from domain.rows import has_row
from domain.scoring import formula as fm
from domain.scoring import lookups
from domain.scoring import queries as sq
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit as OrgUnitRow

MAX_SERIES_MONTHS = 60
MAX_LOWEST = 50


def _period(kind: fm.PeriodKind, start: date) -> None:
    try:
        sq.check_period(kind, start)
    except DomainError as exc:
        e = exc.errors[0]
        raise BadInput(e.message_en, e.message_zh, "periodStart", code=e.code.value) from exc


async def _readable_unit(info: Info, unit_id: relay.GlobalID) -> OrgUnitRow | None:
    """The unit, if the caller may read its compliance."""
    uid = try_decode_id(unit_id, "OrgUnit")
    if uid is None:
        return None
    async with info.context.db() as session:
        unit = await session.get(OrgUnitRow, uid)
    return unit if may_read(info.context, unit) else None


@strawberry.type
class ScoringQuery:
    @strawberry.field(
        description="履职评分 — A unit's score for a period: with its subtree (TREE, default) or its own "
        "posts and hazards only (OWN); a score with nothing counted has a null score"
    )
    async def compliance_score(
        self,
        info: Info,
        unit_id: relay.GlobalID,
        period_kind: fm.PeriodKind,
        period_start: date,
        scope: fm.ScoreScope = fm.ScoreScope.TREE,
    ) -> ComplianceScore | None:
        _period(period_kind, period_start)
        unit = await _readable_unit(info, unit_id)
        if unit is None:
            return None
        async with info.context.db() as session:
            rows = await sq.score_rows(session, [unit.id], scope, period_kind, period_start)
        return score_or_empty(rows.get(unit.id), unit.id, scope, period_kind, period_start)

    @strawberry.field(
        description="评分趋势 — Monthly scores from one month to another (at most 60), for charts; months "
        "with nothing counted have a null score"
    )
    async def score_series(
        self,
        info: Info,
        unit_id: relay.GlobalID,
        from_month: date,
        to_month: date,
        scope: fm.ScoreScope = fm.ScoreScope.TREE,
    ) -> list[ComplianceScore]:
        lo, hi = fm.month_of(from_month), fm.month_of(to_month)
        months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        if months < 1:
            raise BadInput(
                "toMonth is before fromMonth", "结束月份早于开始月份", "toMonth", code="INVALID_DATE_RANGE"
            )
        if months > MAX_SERIES_MONTHS:
            raise BadInput(
                f"at most {MAX_SERIES_MONTHS} months",
                f"最多{MAX_SERIES_MONTHS}个月",
                "toMonth",
                code="SPAN_TOO_LONG",
            )
        unit = await _readable_unit(info, unit_id)
        if unit is None:
            return []
        async with info.context.db() as session:
            rows = await sq.series(session, unit.id, scope, lo, hi)
        out = []
        start = lo
        for _ in range(months):
            out.append(score_or_empty(rows.get(start), unit.id, scope, fm.PeriodKind.MONTH, start))
            start = fm.period_end(fm.PeriodKind.MONTH, start) + timedelta(days=1)
        return out

    @strawberry.field(
        description="排名 — Parks of a district, or enterprises of a park (or district), ranked by their "
        "score with subtree for a period: best first (or lowest first); units with no score are not ranked"
    )
    async def score_ranking(
        self,
        info: Info,
        within_id: relay.GlobalID,
        unit_kind: UnitKind,
        period_kind: fm.PeriodKind,
        period_start: date,
        lowest_first: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RankedScore]:
        _period(period_kind, period_start)
        if unit_kind not in (UnitKind.PARK, UnitKind.ENTERPRISE):
            raise BadInput(
                "parks or enterprises are ranked", "只对园区或企业排名", "unitKind", code="INVALID_VALUE"
            )
        within = await _readable_unit(info, within_id)
        rows: list[tuple[int, int, object]] = []
        if within is not None:
            async with info.context.db() as session:
                found = await lookups.ranked_scores(
                    session, within, unit_kind.value, period_kind, period_start
                )
            found = sorted(found, key=lambda r: (-(r.score or 0.0), r.unit_id))
            rank = 0
            previous: float | None = None
            for n, r in enumerate(found, start=1):
                if r.score != previous:
                    rank, previous = n, r.score
                rows.append((rank, r.unit_id, r))
        total = len(rows)

        def key(x: tuple[int, int, object]) -> tuple[int, int]:
            return (total - x[0], x[1]) if lowest_first else (x[0], x[1])

        def node(x: tuple[int, int, object]) -> RankedScore:
            return RankedScore(rank=x[0], of=total, score=ComplianceScore.from_row(x[2]))  # type: ignore[arg-type]

        return computed_connection(info, rows, key, node, first, after)

    @strawberry.field(
        description="区级看板 — Every park of a district with its score, counts, overdue and open major "
        "hazards, and its lowest-scoring enterprises (default ten), in two statements"
    )
    async def district_dashboard(
        self,
        info: Info,
        district_id: relay.GlobalID,
        period_kind: fm.PeriodKind,
        period_start: date,
        lowest: int = 10,
    ) -> DistrictDashboard | None:
        _period(period_kind, period_start)
        if not 0 <= lowest <= MAX_LOWEST:
            raise BadInput(
                f"lowest must be 0–{MAX_LOWEST}", f"lowest须为0至{MAX_LOWEST}", "lowest", code="INVALID_VALUE"
            )
        district = await _readable_unit(info, district_id)
        if district is None or district.kind != UnitKind.DISTRICT.value:
            return None
        async with info.context.db() as session:
            parks, low, units = await sq.dashboard(session, district.id, period_kind, period_start, lowest)
        # Every unit of the district is readable when the district is: the units read with
        # the scores are then shown as they are (else through the loader, unit by unit).
        readable = info.context.can(Resource.UNIT, Action.READ, district.path)
        known = units if readable else {}
        state = await info.context.loaders.scoring.state.load(0)
        return DistrictDashboard(
            period_kind=period_kind,
            period_start=period_start,
            as_of=state.as_of if state else None,
            parks=[
                ParkDashboard(
                    score=ComplianceScore.from_row(p, known.get(p.unit_id)),
                    lowest_enterprises=[
                        ComplianceScore.from_row(e, known.get(e.unit_id)) for e in low.get(p.unit_id, [])
                    ],
                    park_id=p.unit_id,
                    park_row=known.get(p.unit_id),
                )
                for p in parks
            ],
            district_id=district.id,
        )

    @strawberry.field(
        description="园区履职（区级系统同步） — Every park's score with subtree for a period, paged in the "
        "parks' id order (the same order and cursors on every call); with changedSince, only the scores "
        "that changed after that moment (keep the largest changedAt you received and pass it next time)"
    )
    async def park_compliance(
        self,
        info: Info,
        district_id: relay.GlobalID,
        period_kind: fm.PeriodKind,
        period_start: date,
        changed_since: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ComplianceScore]:
        _period(period_kind, period_start)
        district = await _readable_unit(info, district_id)
        readable = district is not None and district.kind == UnitKind.DISTRICT.value
        stmt = sq.sync_statement(
            district.id if readable and district else None,
            period_kind,
            period_start,
            aware(changed_since, "changedSince"),
        )
        return await root_connection(info, stmt, SCORE_ORDER, ComplianceScore.from_row, first, after)

    @strawberry.field(
        description="评分说明 — Why a unit's score is what it is, down to the obligations and hazards that "
        "lowered it, each with the points it took off"
    )
    async def explain_score(
        self,
        info: Info,
        unit_id: relay.GlobalID,
        period_kind: fm.PeriodKind,
        period_start: date,
        scope: fm.ScoreScope = fm.ScoreScope.TREE,
    ) -> ScoreExplanation | None:
        _period(period_kind, period_start)
        unit = await _readable_unit(info, unit_id)
        if unit is None:
            return None
        async with info.context.db() as session:
            e = await sq.explain(session, unit, scope, period_kind, period_start, with_obligations=False)
        return ScoreExplanation.of(e, unit)

    @strawberry.field(
        description="责任人评分 — A holder's score for a period: their counted obligations only, out of "
        "100; null if you may not read the person's duties"
    )
    async def person_score(
        self, info: Info, person_id: relay.GlobalID, period_kind: fm.PeriodKind, period_start: date
    ) -> PersonScore | None:
        _period(period_kind, period_start)
        pid = try_decode_id(person_id, "Person")
        if pid is None:
            return None
        async with info.context.db() as session:
            if not await has_row(session, PersonRow, pid, info.context.reach.persons()):
                return None
            p = await sq.person_score(session, pid, period_kind, period_start)
        return PersonScore.of(p)

    @strawberry.field(
        description="考核方案 — Scheme versions: a district's and the platform default (districtId "
        "omitted: every version you may see), oldest first"
    )
    async def scoring_schemes(
        self,
        info: Info,
        district_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ScoringSchemeVersion]:
        stmt = lookups.schemes(
            schemes_visible(info.context.reach),
            (try_decode_id(district_id, "OrgUnit") or 0) if district_id is not None else None,
        )
        return await root_connection(info, stmt, SCHEME_ORDER, ScoringSchemeVersion.from_row, first, after)

    @strawberry.field(
        description="企业分级记录 — A/B/C/D classifications of the enterprises at and under a unit, "
        "oldest first: the history of each enterprise's class"
    )
    async def enterprise_classes(
        self, info: Info, unit_id: relay.GlobalID, first: int | None = None, after: str | None = None
    ) -> Connection[EnterpriseClassDecision]:
        unit = await _readable_unit(info, unit_id)
        path = unit.path if unit is not None else "/0/"
        stmt = lookups.classes_under(path, compliance_units(info.context.reach))
        return await root_connection(info, stmt, CLASS_ORDER, EnterpriseClassDecision.from_row, first, after)
