from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.identifiers import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    id_number_check_char,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
)

REGISTRY = st.text(CREDIT_CODE_CHARSET, min_size=2, max_size=2)
REGION = st.text("0123456789", min_size=6, max_size=6)
ORG = st.text(CREDIT_CODE_CHARSET, min_size=9, max_size=9)


def test_known_valid_examples() -> None:
    assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@given(REGISTRY, REGION, ORG)
def test_a_computed_check_character_always_validates(registry: str, region: str, org: str) -> None:
    body = registry + region + org
    assert normalize_credit_code(body + credit_code_check_char(body)) == body + credit_code_check_char(body)


@given(REGISTRY, REGION, ORG, st.integers(0, 16), st.integers(1, 30))
def test_any_single_character_change_is_caught(
    registry: str, region: str, org: str, pos: int, shift: int
) -> None:
    # The mod-31 weights are all coprime with 31, so one changed character always changes
    # the checksum (a digit in the region part stays a digit to keep the format valid).
    body = registry + region + org
    code = body + credit_code_check_char(body)
    alphabet = "0123456789" if 2 <= pos < 8 else CREDIT_CODE_CHARSET
    old = alphabet.index(code[pos])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == code[pos]:
        return
    with pytest.raises(ValueError):
        normalize_credit_code(code[:pos] + new + code[pos + 1 :])


@given(st.integers(1, 9), st.text("0123456789", min_size=5, max_size=5), st.dates(date(1900, 1, 1), date(2020, 12, 31)),
       st.text("0123456789", min_size=3, max_size=3), st.integers(0, 16), st.integers(1, 9))  # fmt: skip
def test_id_number_checksum(first: int, region: str, born: date, seq: str, pos: int, shift: int) -> None:
    body = f"{first}{region}{born:%Y%m%d}{seq}"
    number = body + id_number_check_char(body)
    assert normalize_id_number(number, today=date(2026, 11, 22)) == number
    digit = int(number[pos])
    changed = number[:pos] + str((digit + shift) % 10) + number[pos + 1 :]
    # Mod 11 with weights coprime to 11 catches every single-digit change; the change may
    # also break the format or the birth date, which is refused as well.
    with pytest.raises(ValueError):
        normalize_id_number(changed, today=date(2026, 11, 22))


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002",
        "1101051949123100211",
        "110105194902300021",
        "110105230001010011",
        "A10105194912310021",
    ],
)
def test_bad_id_numbers(value: str) -> None:
    with pytest.raises(ValueError):
        normalize_id_number(value, today=date(2026, 11, 22))


def test_masking() -> None:
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13800001234") == "138****1234"
    assert normalize_phone("+86 138 0000 1234") == "13800001234"
    assert normalize_phone("010-12345678") == "010-12345678"
    with pytest.raises(ValueError):
        normalize_phone("12345")
