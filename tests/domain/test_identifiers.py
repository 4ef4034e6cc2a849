"""Checksummed identifiers, as properties.

统一社会信用代码 (GB 32100-2015): 18 characters of a 31-character alphabet; characters
3-8 are the administrative division code, digits. The check character makes the weighted
sum 0 mod 31, with weights 3^i mod 31. 31 is prime and no weight is 0, so changing any one
character to another changes the sum: every single substitution is caught, and so is every
swap of two different adjacent characters (their weights differ). A body with a letter in
the division code is refused whatever its check character: the property "any 17 characters
of the alphabet plus the computed check character is valid" holds only for bodies whose
characters 3-8 are digits.

居民身份证号 (GB 11643-1999): 17 digits (region, birth date, sequence) and a check
character 0-9 or X; weights 2^(17-i) mod 11, none 0 mod 11, so again every single
substitution and every adjacent swap is caught (or the result is refused for its shape or
its birth date)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

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

TODAY = date(2026, 11, 22)
DIGITS = "0123456789"
ID_ALPHABET = DIGITS + "X"

REGISTRY = st.text(CREDIT_CODE_CHARSET, min_size=2, max_size=2)
REGION = st.text(DIGITS, min_size=6, max_size=6)
ORG = st.text(CREDIT_CODE_CHARSET, min_size=9, max_size=9)
CREDIT_BODY = st.builds(lambda r, d, o: r + d + o, REGISTRY, REGION, ORG)
ANY_CREDIT_BODY = st.text(CREDIT_CODE_CHARSET, min_size=17, max_size=17)

ID_BODY = st.builds(
    lambda first, region, born, seq: f"{first}{region}{born:%Y%m%d}{seq}",
    st.integers(1, 9),
    st.text(DIGITS, min_size=5, max_size=5),
    st.dates(date(1900, 1, 1), TODAY),
    st.text(DIGITS, min_size=3, max_size=3),
)


def refused(normalize: Callable[[str], str], value: str) -> bool:
    try:
        normalize(value)
    except ValueError:
        return True
    return False


def normalize_id(value: str) -> str:
    return normalize_id_number(value, today=TODAY)


def test_known_valid_examples() -> None:
    assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert normalize_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"
    assert id_number_check_char("11010519491231002") == "X"


# --- credit codes -----------------------------------------------------------------------


@given(CREDIT_BODY)
def test_a_computed_check_character_makes_a_valid_code(body: str) -> None:
    code = body + credit_code_check_char(body)
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(f"  {code.lower()} ") == code


@given(ANY_CREDIT_BODY)
def test_any_body_of_the_alphabet_is_valid_exactly_when_its_division_code_is_digits(body: str) -> None:
    check = credit_code_check_char(body)
    assert check in CREDIT_CODE_CHARSET
    assert refused(normalize_credit_code, body + check) is not body[2:8].isdigit()


@given(CREDIT_BODY)
def test_every_single_substitution_in_a_credit_code_is_refused(body: str) -> None:
    code = body + credit_code_check_char(body)
    for pos in range(18):  # the check character included
        for char in CREDIT_CODE_CHARSET:
            if char != code[pos]:
                assert refused(normalize_credit_code, code[:pos] + char + code[pos + 1 :]), (code, pos, char)


@given(CREDIT_BODY)
def test_every_adjacent_swap_in_a_credit_code_is_refused(body: str) -> None:
    code = body + credit_code_check_char(body)
    for pos in range(17):
        if code[pos] != code[pos + 1]:
            swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
            assert refused(normalize_credit_code, swapped), (code, pos)


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "9135010OM000100Y43",  # a letter in the division code
        "91350100M000I00Y43",  # I is not in the alphabet
        "",
    ],
)
def test_bad_credit_codes(value: str) -> None:
    assert refused(normalize_credit_code, value)


# --- ID numbers -------------------------------------------------------------------------


@given(ID_BODY)
def test_a_computed_check_character_makes_a_valid_id_number(body: str) -> None:
    number = body + id_number_check_char(body)
    assert normalize_id(number) == number
    assert normalize_id(f" {number.lower()} ") == number


@given(ID_BODY)
def test_every_single_substitution_in_an_id_number_is_refused(body: str) -> None:
    number = body + id_number_check_char(body)
    for pos in range(18):
        for char in ID_ALPHABET:
            if char != number[pos]:
                assert refused(normalize_id, number[:pos] + char + number[pos + 1 :]), (number, pos, char)


@given(ID_BODY)
def test_every_adjacent_swap_in_an_id_number_is_refused(body: str) -> None:
    number = body + id_number_check_char(body)
    for pos in range(17):
        if number[pos] != number[pos + 1]:
            assert refused(normalize_id, number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :])


@pytest.mark.parametrize(
    ("born", "valid"),
    [
        (date(1900, 1, 1), True),
        (date(1899, 12, 31), False),
        (TODAY, True),
        (TODAY + timedelta(days=1), False),
    ],
)
def test_the_birth_date_is_between_1900_and_today(born: date, valid: bool) -> None:
    body = f"110105{born:%Y%m%d}002"
    assert refused(normalize_id, body + id_number_check_char(body)) is not valid


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002",  # 17 characters
        "1101051949123100211",  # 19 characters
        "110105194912310021",  # wrong check character
        "110105194902300021",  # 30 February
        "11010519490230002" + id_number_check_char("11010519490230002"),  # 30 February, right checksum
        "11010519491301002" + id_number_check_char("11010519491301002"),  # month 13
        "01010519491231002" + id_number_check_char("01010519491231002"),  # region starts with 0
        "A10105194912310021",
        "1101051949X231002X",
    ],
)
def test_bad_id_numbers(value: str) -> None:
    assert refused(normalize_id, value)


# --- masking and phones -----------------------------------------------------------------


def test_masking_examples() -> None:
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13800001234") == "138****1234"


@given(ID_BODY)
def test_a_masked_id_number_shows_the_first_3_and_last_4_characters(body: str) -> None:
    number = body + id_number_check_char(body)
    masked = mask_id_number(number)
    assert masked == number[:3] + "*" * 11 + number[-4:]


@given(st.sampled_from("3456789"), st.text(DIGITS, min_size=9, max_size=9))
def test_a_masked_mobile_hides_the_middle_four_digits(second: str, rest: str) -> None:
    phone = normalize_phone(f"+86 1{second}{rest[:2]} {rest[2:5]} {rest[5:]}")
    assert phone == f"1{second}{rest}"
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


@pytest.mark.parametrize(
    ("given_phone", "stored"),
    [
        ("+86 138 0000 1234", "13800001234"),
        ("(010) 12345678", "01012345678"),
        ("010-12345678", "010-12345678"),
        ("138-0000-1234", "13800001234"),
    ],
)
def test_phones_are_stored_canonical(given_phone: str, stored: str) -> None:
    assert normalize_phone(given_phone) == stored


@pytest.mark.parametrize("value", ["12345", "12800001234", "138000012345", "1380000123", "abc"])
def test_bad_phones(value: str) -> None:
    assert refused(normalize_phone, value)
