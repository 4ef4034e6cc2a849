"""A row's digest does not depend on the database: the values a writer gives and the values
read back from SQLite or PostgreSQL (naive or aware datetimes, Decimals with or without
trailing zeros, JSON as stored) serialise alike. Run the suite on both dialects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.audit.chain.canonical import canonical_value, row_digest
from domain.audit.chain.models import ChainLink
from domain.audit.chain.sealed import BY_CHAIN
from domain.audit.models import AuditEvent
from tests.rollback import rolled_back

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a database keeps as given: no NUL (PostgreSQL refuses it), no lone surrogates.
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=20)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
INSTANTS = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=ZONES)


@PROPERTY
@given(
    at=INSTANTS,
    actor=TEXT.filter(bool),
    target_id=st.none() | st.integers(-(2**31), 2**31 - 1),
    before=st.none() | st.dictionaries(TEXT, JSON, max_size=4),
    after=st.none() | st.dictionaries(TEXT, JSON, max_size=4),
)
async def test_a_rows_digest_is_the_same_read_back(
    engine: AsyncEngine, at: datetime, actor: str, target_id: int | None, before: Any, after: Any
) -> None:
    values = {
        "at": at,
        "actor": actor[:64],
        "action": "test.digest",
        "target_type": "Test",
        "target_id": target_id,
        "domain": "/",
        "before": before,
        "after": after,
        "request_id": None,
    }
    sealed = BY_CHAIN["audit_event"]
    async with rolled_back(engine) as factory, factory() as session:
        event = AuditEvent(**values)
        session.add(event)
        await session.commit()
        link = await session.scalar(
            select(ChainLink).where(ChainLink.chain == "audit_event", ChainLink.row_key == str(event.id))
        )
        assert link is not None
        given_values = {"id": event.id, **values}
        assert link.row_digest == row_digest({c: given_values[c] for c in sealed.schemes[link.scheme]})


class Colour(StrEnum):
    RED = "RED"


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)))
def test_a_naive_datetime_is_read_as_utc(naive: datetime) -> None:
    assert canonical_value(naive) == canonical_value(naive.replace(tzinfo=UTC))
    assert canonical_value(naive.replace(tzinfo=UTC)) == canonical_value(
        naive.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=8)))
    )


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_a_decimal_reads_alike_with_or_without_trailing_zeros(value: Decimal) -> None:
    assert canonical_value(value) == canonical_value(value.quantize(Decimal("0.0001")))
    assert canonical_value(value) == canonical_value(
        Decimal(str(value).rstrip("0")) if "." in str(value) else value
    )


def test_an_enum_member_reads_as_its_value() -> None:
    assert canonical_value(Colour.RED) == canonical_value("RED")
    assert row_digest({"c": Colour.RED}) == row_digest({"c": "RED"})
