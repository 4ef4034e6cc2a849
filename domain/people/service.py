"""Creating and changing persons. Validation of ID numbers and phones lives in identifiers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import ErrorCode, ErrorCollector
from domain.identifiers import normalize_id_number, normalize_phone
from domain.inputs import clean_text
from domain.people.models import Person


async def create_person(
    session: AsyncSession,
    *,
    name: str,
    id_number: str,
    phone: str | None,
    today: date,
    registered_unit_id: int | None = None,
) -> Person:
    errors = ErrorCollector()
    clean_name = clean_text(errors, "name", name, label_zh="姓名", label_en="Name", max_length=100)
    number: str | None = None
    try:
        number = normalize_id_number(id_number, today=today)
    except ValueError as exc:
        errors.add(
            ErrorCode.INVALID_ID_NUMBER,
            "idNumber",
            "居民身份证号码无效（须为18位、出生日期有效且校验码正确）",
            f"Invalid resident ID number: {exc}",
        )
    clean_phone: str | None = None
    if phone is not None and phone.strip():
        try:
            clean_phone = normalize_phone(phone)
        except ValueError as exc:
            errors.add(ErrorCode.INVALID_PHONE, "phone", "电话号码无效", f"Invalid phone number: {exc}")
    if number is not None:
        taken = await session.scalar(select(Person.id).where(Person.id_number == number).limit(1))
        if taken is not None:
            errors.add(
                ErrorCode.DUPLICATE_ID_NUMBER,
                "idNumber",
                "已有使用该身份证号码的人员",
                "A person with this ID number already exists",
            )
    errors.raise_if_any()
    assert clean_name is not None and number is not None
    person = Person(
        name=clean_name,
        id_number=number,
        phone=clean_phone,
        registered_unit_id=registered_unit_id,
        version=1,
    )
    session.add(person)
    await session.flush()
    return person
