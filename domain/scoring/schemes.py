"""Publishing a district's scoring scheme: a new version, never an edit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.errors import ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.scoring.maintain import rebuild
from domain.scoring.models import ScoreSchemeVersion, UnitScore
from domain.scoring.scheme import parse_scheme
from domain.scoring.state import current_state
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit


async def publish_scheme(
    session: AsyncSession,
    *,
    district_id: int,
    effective_from: date,
    weights: dict[str, Any],
    note: str | None,
    actor: Actor,
    domain: str,
    today: date,
) -> ScoreSchemeVersion:
    """A new version of the district's scheme, in force for periods beginning on or after
    `effective_from` (today or later: a period is scored by the version in force on its
    first day, so scores already shown never change weights under their readers)."""
    errors = ErrorCollector()
    district = await session.get(OrgUnit, district_id)
    if district is None:
        raise not_found("districtId", "区", "District")
    if district.kind != UnitKind.DISTRICT.value:
        errors.add(ErrorCode.INVALID_VALUE, "districtId", "考核方案按区设置", "schemes are set per district")
    if effective_from < today:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "effectiveFrom",
            "考核方案只能自今日或以后生效",
            "a scheme takes effect today or later",
        )
    scheme = parse_scheme(weights, errors)
    clean_note = clean_text(
        errors, "note", note, label_zh="说明", label_en="Note", max_length=2000, required=False
    )
    errors.raise_if_any()
    number = (
        await session.scalar(
            select(func.max(ScoreSchemeVersion.number)).where(ScoreSchemeVersion.district_id == district_id)
        )
        or 0
    ) + 1
    row = await insert_audited(
        session,
        ScoreSchemeVersion(
            district_id=district_id,
            number=number,
            effective_from=effective_from,
            weights=scheme.to_dict(),
            note=clean_note,
            created_by=actor.subject,
        ),
        "scoring.scheme.publish",
        domain,
        actor=actor,
    )
    # Only a version effective today can touch periods that already have scores (those that
    # begin today): they are scored again.
    state = await current_state(session)
    if state is not None and effective_from <= state.as_of:
        started = await session.scalar(
            select(UnitScore.id)
            .where(UnitScore.district_id == district_id, UnitScore.period_start >= effective_from)
            .limit(1)
        )
        if started is not None:
            await rebuild(session, state.as_of, since=state.since)
    return row
