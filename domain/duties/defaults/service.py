"""Setting, correcting and withdrawing a district's frequency default. Each is one new row
(a correction or withdrawal points at the row it replaces); the scores of the district's
posts follow at once, for the periods from the earliest date the change touches."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.corrections import is_corrected
from domain.duties.defaults.models import DistrictFrequencyDefault
from domain.duties.models import DutyItem
from domain.duties.rules import FrequencyBasis, parse_rule
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.scoring.maintain import posts_near, track
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit


async def _district(session: AsyncSession, district_id: int) -> OrgUnit:
    unit = await session.get(OrgUnit, district_id)
    if unit is None or unit.kind != UnitKind.DISTRICT:
        raise not_found("districtId", "区", "District")
    return unit


def _replacement(errors: ErrorCollector, item: DutyItem, data: Any) -> dict[str, Any] | None:
    """The replacement rule's canonical mapping (basis DEFAULT), or None after errors."""
    try:
        rule = parse_rule(data, ("rule",))
    except DomainError as exc:
        for e in exc.errors:
            errors.add(e.code, e.field, e.message_zh, e.message_en)
        return None
    original = parse_rule(item.rule)
    if isinstance(data, dict) and (
        data.get("basis") == FrequencyBasis.DOCUMENT
        or any(
            isinstance(v, dict) and v.get("basis") == FrequencyBasis.DOCUMENT
            for v in data.get("variants", [])
        )
    ):
        errors.add(
            ErrorCode.INVALID_RULE,
            ("rule", "basis"),
            "区默认频次为园区自定，不能标为文件规定",
            "A district's default is a default (DEFAULT), not the document's number",
        )
    if set(rule.kinds) != set(original.kinds):
        errors.add(
            ErrorCode.RULE_KINDS_DIFFER,
            ("rule", "kinds"),
            "记录类型须与原职责相同：" + "、".join(str(k) for k in original.kinds),
            "must name the same record kinds as the duty: " + ", ".join(str(k) for k in original.kinds),
        )
    if rule.per is not original.per:
        errors.add(
            ErrorCode.INVALID_RULE,
            ("rule", "per"),
            "计算口径须与原职责相同",
            "must count per post or per holder as the duty does",
        )
    canonical = rule.to_dict()
    canonical.pop("basis", None)
    for variant in canonical.get("variants", []):
        variant.pop("basis", None)
    return canonical | {"basis": str(FrequencyBasis.DEFAULT)}


async def set_district_default(
    session: AsyncSession,
    *,
    district_id: int,
    item_id: int,
    rule: Any,
    effective_from: date,
    note: str | None,
    actor: Actor,
    domain: str,
    today: date,
    corrects_id: int | None = None,
) -> DistrictFrequencyDefault:
    """The district's frequency for the duty of `item_id`'s key from `effective_from` (today or
    later: periods already begun keep what they had); `corrects_id`: the row it replaces."""
    await _district(session, district_id)
    item = await session.get(DutyItem, item_id)
    if item is None:
        raise not_found("dutyItemId", "职责", "Duty")
    if item.rule is None or not parse_rule(item.rule).has_default_basis:
        raise DomainError.one(
            ErrorCode.NOT_A_DEFAULT_ITEM,
            "dutyItemId",
            "该职责的频次为文件规定，区不能另设默认频次",
            "The duty's frequency is the document's; only a default frequency (basis DEFAULT) may be set",
        )
    corrected = (
        await _correctable(session, corrects_id, district_id, item.key, today) if corrects_id else None
    )
    errors = ErrorCollector()
    canonical = _replacement(errors, item, rule)
    if effective_from < today:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "effectiveFrom",
            "默认频次只能自今日或以后生效，已开始的期间仍按原频次",
            "A default takes effect today or later; periods already begun keep their frequency",
        )
    clean_note = clean_text(
        errors, "note", note, label_zh="说明", label_en="Note", max_length=2000, required=False
    )
    errors.raise_if_any()
    assert canonical is not None
    first = min(effective_from, corrected.effective_from) if corrected else effective_from
    async with track(session, today, posts=await posts_near(session, [district_id]), days=[first, date.max]):
        return await insert_audited(
            session,
            DistrictFrequencyDefault(
                district_id=district_id,
                item_key=item.key,
                rule=canonical,
                effective_from=effective_from,
                note=clean_note,
                corrects_id=corrected.id if corrected else None,
                created_by=actor.subject,
            ),
            "district_frequency_default.set",
            domain,
            actor=actor,
        )


async def _correctable(
    session: AsyncSession, default_id: int, district_id: int | None, key: str | None, today: date
) -> DistrictFrequencyDefault:
    """A default in force, not yet in effect, that may be replaced (of this district and duty,
    when given). One already in effect has decided periods: a later default follows it."""
    original = await session.get(DistrictFrequencyDefault, default_id)
    field = "correctsId" if key is not None else "defaultId"
    if original is None or (district_id is not None and original.district_id != district_id):
        raise not_found(field, "区默认频次", "District default")
    if key is not None and original.item_key != key:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            field,
            "更正的须是同一职责的默认频次",
            "must be a default of the same duty",
        )
    if original.withdrawn or await is_corrected(session, DistrictFrequencyDefault, default_id):
        raise DomainError.one(
            ErrorCode.ALREADY_CORRECTED, field, "该默认频次已撤回或更正", "Already withdrawn or corrected"
        )
    if original.effective_from < today:
        raise DomainError.one(
            ErrorCode.INVALID_DATE_RANGE,
            field,
            "该默认频次已生效，不能更正或撤回；请另设自今日或以后生效的默认频次",
            "The default is already in effect; set another default from today or later instead",
        )
    return original


async def withdraw_district_default(
    session: AsyncSession,
    *,
    default_id: int,
    note: str | None,
    actor: Actor,
    domain: str,
    today: date,
) -> DistrictFrequencyDefault:
    """Withdraws a default not yet in effect: the duty's own rule stays."""
    original = await _correctable(session, default_id, None, None, today)
    errors = ErrorCollector()
    clean_note = clean_text(
        errors, "note", note, label_zh="撤回原因", label_en="Reason", max_length=2000, required=False
    )
    errors.raise_if_any()
    posts = await posts_near(session, [original.district_id])
    async with track(session, today, posts=posts, days=[original.effective_from, date.max]):
        return await insert_audited(
            session,
            DistrictFrequencyDefault(
                district_id=original.district_id,
                item_key=original.item_key,
                rule=original.rule,
                effective_from=original.effective_from,
                note=clean_note,
                corrects_id=original.id,
                withdrawn=True,
                created_by=actor.subject,
            ),
            "district_frequency_default.withdraw",
            domain,
            actor=actor,
        )
