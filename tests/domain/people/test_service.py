from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode
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
