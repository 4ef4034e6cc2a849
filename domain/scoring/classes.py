"""Classing enterprises A/B/C/D (分级分类) from their score and risk, by the scheme's rule.

The contract:

- A closed period is classed (a running one would class on a score still moving). Each
  enterprise under the chosen unit gets the class the rule of the scheme that scored the
  period gives its score with subtree and its risk; an enterprise without a score keeps
  its class, and one already classed for the period is not classed again.
- Risk (四色风险) on the period's last day: MAJOR with an open major hazard, HIGHER for a
  high-risk trade, GENERAL when placarded (挂牌), otherwise LOW.
- A class takes effect the day after it is decided (or after the period, if later). It is
  written as a new enterprise profile row, so frequency rules that depend on the class
  (e.g. how often supervisors check a C or D enterprise) apply it to periods that begin on
  or after that day; periods already running keep the rule they began with. Every decision
  is kept (`enterprise_class`), changed or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.errors import DomainError, ErrorCode
from domain.hazards.models import Hazard
from domain.hazards.states import Grade, HazardState
from domain.scoring.formula import PeriodKind, ScoreScope, period_end
from domain.scoring.models import EnterpriseClass, UnitScore
from domain.scoring.queries import check_period, scheme_version
from domain.scoring.scheme import RiskLevel, load_scheme
from domain.tree.kinds import UnitKind
from domain.tree.models import EnterpriseProfile, OrgUnit, subtree_upper_bound
from domain.tree.service import record_profile


@dataclass
class Classified:
    decided: list[EnterpriseClass]
    changed: int
    skipped: int  # no score, or already classed for the period


def risk_level(high_risk: bool | None, placarded: bool | None, open_major: bool) -> RiskLevel:
    if open_major:
        return RiskLevel.MAJOR
    if high_risk:
        return RiskLevel.HIGHER
    if placarded:
        return RiskLevel.GENERAL
    return RiskLevel.LOW


async def classify(
    session: AsyncSession,
    *,
    within: OrgUnit,
    kind: PeriodKind,
    start: date,
    actor: Actor,
    domain: str,
    today: date,
) -> Classified:
    check_period(kind, start)
    end = period_end(kind, start)
    if end >= today:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            "periodStart",
            "只能对已结束的期间分级",
            "only a period that has ended can be classed",
        )
    district_id = int(within.path.strip("/").split("/")[0])
    version = await scheme_version(session, district_id, start)
    scheme = load_scheme(version.weights)
    effective = max(today, end) + timedelta(days=1)
    enterprises = (
        await session.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.path >= within.path,
                OrgUnit.path < subtree_upper_bound(within.path),
                OrgUnit.kind == UnitKind.ENTERPRISE.value,
                OrgUnit.archived_at.is_(None),
            )
            .order_by(OrgUnit.path)
            .with_for_update()
        )
    ).all()
    ids = [e.id for e in enterprises]
    scores = {
        r.unit_id: r
        for r in (
            await session.scalars(
                select(UnitScore).where(
                    UnitScore.unit_id.in_(ids),
                    UnitScore.scope == ScoreScope.TREE.value,
                    UnitScore.period_kind == kind.value,
                    UnitScore.period_start == start,
                )
            )
        ).all()
    }
    done = set(
        (
            await session.scalars(
                select(EnterpriseClass.unit_id).where(
                    EnterpriseClass.unit_id.in_(ids),
                    EnterpriseClass.period_kind == kind.value,
                    EnterpriseClass.period_start == start,
                )
            )
        ).all()
    )
    majors = set(
        (
            await session.scalars(
                select(Hazard.unit_id).where(
                    Hazard.unit_id.in_(ids),
                    Hazard.grade == Grade.MAJOR.value,
                    Hazard.state != HazardState.REJECTED.value,
                    Hazard.found_on <= end,
                    (Hazard.closed_on.is_(None)) | (Hazard.closed_on > end),
                )
            )
        ).all()
    )
    profiles: dict[int, EnterpriseProfile] = {}
    for p in (
        await session.scalars(
            select(EnterpriseProfile)
            .where(EnterpriseProfile.unit_id.in_(ids), EnterpriseProfile.effective_from <= end)
            .order_by(EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.id)
        )
    ).all():
        profiles[p.unit_id] = p  # the last in force on the period's last day
    out = Classified([], 0, 0)
    for ent in enterprises:
        row = scores.get(ent.id)
        if ent.id in done or row is None or row.score is None:
            out.skipped += 1
            continue
        prof = profiles.get(ent.id)
        risk = risk_level(
            prof.high_risk if prof else ent.high_risk,
            prof.placarded if prof else ent.placarded,
            ent.id in majors,
        )
        cls = scheme.classify(row.score, risk)
        assert cls is not None
        previous = ent.risk_class
        decided = await insert_audited(
            session,
            EnterpriseClass(
                unit_id=ent.id,
                risk_class=cls,
                previous_class=previous,
                effective_from=effective,
                period_kind=kind.value,
                period_start=start,
                score=row.score,
                risk_level=risk.value,
                scheme_version_id=version.id,
                decided_by=actor.subject,
            ),
            "scoring.classify",
            domain,
            actor=actor,
        )
        out.decided.append(decided)
        if cls != previous:
            ent.risk_class = cls
            ent.version = ent.version + 1
            await session.flush()
            await record_profile(session, ent, effective)
            out.changed += 1
    return out
