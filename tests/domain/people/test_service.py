from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode
from domain.identifiers import id_number_check_char
from domain.people.models import Person
from domain.people.service import create_person
from tests import factories as f


async def test_persons_are_stored_canonical_and_shown_masked(session: AsyncSession) -> None:
    number = f.id_number()
    person = await create_person(
        session, name=" 王五 ", id_number=number.lower(), phone="+86 138 0000 5678", today=f.TODAY
    )
    assert person.name == "王五"
    assert person.id_number == number.upper()
    assert person.phone == "13800005678" and person.phone_masked == "138****5678"
    assert person.id_number_masked == number[:3] + "*" * 11 + number[-4:]


async def test_all_problems_of_a_person_are_reported_together(session: AsyncSession) -> None:
    with pytest.raises(DomainError) as exc:
        await create_person(session, name="", id_number="123", phone="999", today=f.TODAY)
    assert {e.code for e in exc.value.errors} == {
        ErrorCode.REQUIRED, ErrorCode.INVALID_ID_NUMBER, ErrorCode.INVALID_PHONE
    }  # fmt: skip


async def _persons(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_an_id_number_belongs_to_one_person_whatever_its_case(session: AsyncSession) -> None:
    await create_person(session, name="甲", id_number="11010519491231002X", phone=None, today=f.TODAY)
    before = await _persons(session)
    with pytest.raises(DomainError) as exc:
        await create_person(session, name="乙", id_number=" 11010519491231002x ", phone=None, today=f.TODAY)
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.DUPLICATE_ID_NUMBER, ("idNumber",))]
    assert await _persons(session) == before


@pytest.mark.parametrize(
    ("born", "accepted"),
    [("19000101", True), ("18991231", False), ("20261122", True), ("20261123", False), ("20230229", False)],
)
async def test_the_birth_date_in_an_id_number_is_a_real_day_not_after_today(
    session: AsyncSession, born: str, accepted: bool
) -> None:
    body = f"110105{born}002"
    number = body + id_number_check_char(body)
    if accepted:
        person = await create_person(session, name="甲", id_number=number, phone=None, today=f.TODAY)
        assert person.id_number == number
        return
    with pytest.raises(DomainError) as exc:
        await create_person(session, name="甲", id_number=number, phone=None, today=f.TODAY)
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.INVALID_ID_NUMBER, ("idNumber",))]
    assert "出生日期" in exc.value.errors[0].message_zh


@pytest.mark.parametrize(
    ("given", "stored", "masked"),
    [
        (None, None, None),
        ("   ", None, None),
        ("(+86) 139 1234 5678", "13912345678", "139****5678"),
        ("0571-87654321", "0571-87654321", "0571****4321"),
        ("02112345678", "02112345678", "0211****5678"),
    ],
)
async def test_phones_are_optional_canonical_and_masked(
    session: AsyncSession, given: str | None, stored: str | None, masked: str | None
) -> None:
    person = await create_person(session, name="甲", id_number=f.id_number(), phone=given, today=f.TODAY)
    assert (person.phone, person.phone_masked) == (stored, masked)


async def test_a_name_has_at_most_100_characters(session: AsyncSession) -> None:
    assert (
        await create_person(session, name="名" * 100, id_number=f.id_number(), phone=None, today=f.TODAY)
    ).id
    with pytest.raises(DomainError) as exc:
        await create_person(session, name="名" * 101, id_number=f.id_number(), phone=None, today=f.TODAY)
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.TOO_LONG, ("name",))]
