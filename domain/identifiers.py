"""Checksummed identifiers: 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999),
and phone numbers. Pure functions: `normalize_*` returns the canonical form or raises
`ValueError` with the reason; `mask_*` returns what may be shown to anyone."""

from __future__ import annotations

import re
from datetime import date

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{16}[0-9X]$")

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise ValueError("must be 18 characters")
    if not _CREDIT_RE.match(code):
        raise ValueError("contains characters outside the GB 32100 alphabet")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValueError("check character does not match")
    return code


def id_number_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str, *, today: date | None = None) -> str:
    number = value.strip().upper()
    if len(number) != 18:
        raise ValueError("must be 18 characters")
    if not _ID_RE.match(number):
        raise ValueError("must be 17 digits and a digit or X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValueError("birth date is not a real date") from exc
    if born.year < 1900 or born > (today or date.today()):
        raise ValueError("birth date is out of range")
    if id_number_check_char(number[:17]) != number[17]:
        raise ValueError("check character does not match")
    return number


def mask_id_number(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def normalize_phone(value: str) -> str:
    phone = re.sub(r"[\s()]", "", value.strip())
    if phone.startswith("+86"):
        phone = phone[3:]
    if _LANDLINE_RE.match(phone):
        return phone
    # Mobiles are often written in groups ("138-0000-1234"); they are stored as 11 digits.
    mobile = phone.replace("-", "")
    if _MOBILE_RE.match(mobile):
        return mobile
    raise ValueError("not a mainland mobile (11 digits, 1[3-9]…) or landline (0…) number")


def mask_phone(phone: str) -> str:
    if _MOBILE_RE.match(phone):
        return phone[:3] + "****" + phone[-4:]
    return phone[:-4].rstrip("-")[:4] + "****" + phone[-4:]
