"""Public tip-offs: filed without an account, rate-limited per client address, followed
by a tracking code that shows the status alone, triaged by the park safety office into a
hazard (source TIP_OFF) or dismissed with a reason.

The reporter's contact is kept on the tip-off only: a hazard made from it carries the
content, never the contact, and is found by the office member who accepted it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import record
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.hazards import service
from domain.hazards.models import Hazard, TipOff
from domain.hazards.states import OPEN_STATES, HazardState, Source
from domain.inputs import clean_text
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit

# At most this many tip-offs from one client address in RATE_WINDOW.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class TipOffStatus(StrEnum):
    RECEIVED = "RECEIVED"  # 已受理，待核查
    DISMISSED = "DISMISSED"  # 经核查不属实
    ACCEPTED = "ACCEPTED"  # 已立案为隐患


class PublicStatus(StrEnum):
    """What the reporter sees: the tip-off's status, then its hazard's, coarsely."""

    RECEIVED = "RECEIVED"  # 已受理
    DISMISSED = "DISMISSED"  # 经核查不属实
    IN_PROGRESS = "IN_PROGRESS"  # 已立案，处理中
    CLOSED = "CLOSED"  # 已整改销号


class RateLimited(Exception):
    """Too many tip-offs from one address; `retry_after` seconds until the next is taken."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def address_hash(address: str, secret: str) -> str:
    """A keyed hash of the client address: enough to count, useless to identify."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def _tracking_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


async def submit_tip_off(
    session: AsyncSession,
    *,
    park_id: int | None,
    content: str | None,
    location: str | None,
    contact: str | None,
    address: str,
    secret: str,
    now: datetime,
) -> TipOff:
    hashed = address_hash(address, secret)
    recent = await session.scalar(
        select(func.count())
        .select_from(TipOff)
        .where(TipOff.address_hash == hashed, TipOff.created_at > now - RATE_WINDOW)
    )
    if (recent or 0) >= RATE_LIMIT:
        oldest = await session.scalar(
            select(func.min(TipOff.created_at)).where(
                TipOff.address_hash == hashed, TipOff.created_at > now - RATE_WINDOW
            )
        )
        wait = int(((oldest or now) + RATE_WINDOW - now).total_seconds()) + 1
        raise RateLimited(max(wait, 1))
    errors = ErrorCollector()
    park = await session.get(OrgUnit, park_id) if park_id is not None else None
    if park is None or park.kind != UnitKind.PARK.value or park.is_archived:
        errors.add(ErrorCode.NOT_FOUND, "parkId", "园区不存在", "Park does not exist")
    clean_content = clean_text(
        errors, "content", content, label_zh="举报内容", label_en="Content", max_length=5000
    )
    clean_location = clean_text(
        errors, "location", location, label_zh="地点", label_en="Location", max_length=500, required=False
    )
    clean_contact = clean_text(
        errors, "contact", contact, label_zh="联系方式", label_en="Contact", max_length=200, required=False
    )
    errors.raise_if_any()
    assert park is not None
    tip = TipOff(
        park_id=park.id,
        tracking_code=_tracking_code(),
        content=clean_content or "",
        location=clean_location,
        contact=clean_contact,
        address_hash=hashed,
        status=TipOffStatus.RECEIVED.value,
        created_at=now,
        version=1,
    )
    session.add(tip)
    await session.flush()
    return tip


async def public_status(session: AsyncSession, code: str) -> PublicStatus | None:
    """The status a reporter may see for their tracking code; None for an unknown code."""
    row = (
        await session.execute(
            select(TipOff.status, Hazard.state)
            .outerjoin(Hazard, Hazard.id == TipOff.hazard_id)
            .where(TipOff.tracking_code == code.strip().upper())
        )
    ).first()
    if row is None:
        return None
    status, state = row
    if status == TipOffStatus.DISMISSED or state == HazardState.REJECTED:
        return PublicStatus.DISMISSED
    if status == TipOffStatus.RECEIVED:
        return PublicStatus.RECEIVED
    if state == HazardState.CLOSED:
        return PublicStatus.CLOSED
    return PublicStatus.IN_PROGRESS if state in OPEN_STATES else PublicStatus.RECEIVED


@dataclass(frozen=True)
class Acceptance:
    unit_id: int
    category_id: int
    grade: str
    title: str


async def triage(
    session: AsyncSession,
    *,
    tip: TipOff,
    accept: Acceptance | None,
    reason: str | None,
    actor: Actor,
    unit_path: str | None,
    park_path: str,
    today: date,
) -> TipOff:
    """Accept (a hazard at a unit of the tip-off's park) or dismiss (with a reason)."""
    if tip.status != TipOffStatus.RECEIVED:
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED, "tipOffId", "该举报已处理", "The tip-off was already triaged"
        )
    if accept is None:
        errors = ErrorCollector()
        clean_reason = clean_text(
            errors, "reason", reason, label_zh="不予立案理由", label_en="Reason", max_length=2000
        )
        errors.raise_if_any()
        tip.status = TipOffStatus.DISMISSED.value
        tip.dismiss_reason = clean_reason
    else:
        if unit_path is None or not unit_path.startswith(park_path):
            raise DomainError.one(
                ErrorCode.INVALID_VALUE,
                "unitId",
                "隐患单位须在被举报园区内",
                "The unit must be in the tip-off's park",
            )
        hazard = await service.report_hazard(
            session,
            unit_id=accept.unit_id,
            category_id=accept.category_id,
            grade=accept.grade,
            title=accept.title,
            description=tip.content,
            source=Source.TIP_OFF.value,
            found_on=min(today, tip.created_at.date()),
            actor=actor,
            domain=unit_path,
            today=today,
        )
        tip.status = TipOffStatus.ACCEPTED.value
        tip.hazard_id = hazard.id
    tip.triaged_by = actor.subject
    tip.version += 1
    await session.flush()
    # Audited without content or contact: the audit log has readers the reporter's
    # contact must never reach.
    await record(
        session,
        action="tip_off.triage",
        target_type="TipOff",
        target_id=tip.id,
        domain=park_path,
        after={"status": tip.status, "hazard_id": tip.hazard_id, "triaged_by": tip.triaged_by},
        actor=actor,
    )
    return tip
