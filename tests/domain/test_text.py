"""The text rules: what `check_text` refuses and why."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from domain.text import FIELD_RULES, FREE_TEXT, TextProblem, TextRule, check_text, rule_for, text_error

ONE_LINE = TextRule(10)
MULTI = TextRule(10, multiline=True)


@pytest.mark.parametrize(
    ("value", "rule", "problem"),
    [
        ("甲化工", ONE_LINE, None),
        ("Acme GmbH", ONE_LINE, None),
        ("", ONE_LINE, None),  # blank is the service's call (REQUIRED or "none")
        ("   ", ONE_LINE, None),
        (" \t ", ONE_LINE, None),
        ("x" * 10, ONE_LINE, None),
        ("x" * 11, ONE_LINE, TextProblem.TOO_LONG),
        ("\x00", ONE_LINE, TextProblem.CONTROL_CHARACTER),
        ("a\x00b", MULTI, TextProblem.CONTROL_CHARACTER),
        ("a\x1bb", MULTI, TextProblem.CONTROL_CHARACTER),
        ("a\x85b", MULTI, TextProblem.CONTROL_CHARACTER),  # C1
        ("a\x7fb", MULTI, TextProblem.CONTROL_CHARACTER),
        ("a\nb", ONE_LINE, TextProblem.CONTROL_CHARACTER),
        ("a\tb", ONE_LINE, TextProblem.CONTROL_CHARACTER),
        ("a\nb\tc\r\n", MULTI, None),
        ("\u202e\u202e\u202e", ONE_LINE, TextProblem.BIDI_CONTROL),
        ("abc\u202edef", ONE_LINE, TextProblem.BIDI_CONTROL),
        ("a\u2066b\u2069", ONE_LINE, TextProblem.BIDI_CONTROL),
        ("abc\u200fdef", ONE_LINE, None),  # an implicit mark inside visible text
        ("\u200f", ONE_LINE, TextProblem.NO_VISIBLE_CHARACTER),
        ("\u200b\u200b", ONE_LINE, TextProblem.NO_VISIBLE_CHARACTER),
        ("\ufeff", ONE_LINE, TextProblem.NO_VISIBLE_CHARACTER),
        ("\u3164", ONE_LINE, TextProblem.NO_VISIBLE_CHARACTER),
        ("\u0301", ONE_LINE, TextProblem.NO_VISIBLE_CHARACTER),
        (" \u200b ", ONE_LINE, TextProblem.NO_VISIBLE_CHARACTER),
        ("a\ud800", ONE_LINE, TextProblem.SURROGATE),
        ("👷\u200d♀", ONE_LINE, None),
    ],
)
def test_check_text(value: str, rule: TextRule, problem: TextProblem | None) -> None:
    assert check_text(value, rule) == problem


def test_codes_and_messages() -> None:
    too_long = text_error("x" * 11, ONE_LINE)
    assert too_long is not None and too_long.code is ErrorCode.TOO_LONG and "10" in too_long.message_en
    invalid = text_error("\x00", ONE_LINE)
    assert invalid is not None and invalid.code is ErrorCode.INVALID_VALUE
    assert "控制字符" in invalid.message_zh and "control" in invalid.message_en


def test_rules_are_data() -> None:
    assert rule_for("search").max_length == 200
    assert not rule_for("name").multiline and rule_for("description").multiline
    assert rule_for("somethingNew") is FREE_TEXT
    assert all(r.max_length > 0 for r in FIELD_RULES.values())
