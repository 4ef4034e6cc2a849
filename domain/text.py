"""What free text the platform accepts: the one place that judges a string a client sends.

Every string argument and input field of the API (and every field of the public tip-off
endpoint) passes `check_text` with the rule of its field, before anything reaches SQL:

- longer than the field's maximum (counted in Unicode code points) → `TOO_LONG`;
- a control character (Unicode category Cc: C0 incl. NUL, DEL, C1) → `INVALID_VALUE`; line
  feed, carriage return and tab are allowed in multi-line fields only;
- a bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which can
  make a placard show text in another order than it was typed (the "Trojan Source" trick),
  → `INVALID_VALUE`. The implicit marks U+200E, U+200F and U+061C stay allowed: they only
  nudge the direction of neutral characters next to them, and mixed Arabic/Hebrew and Latin
  text needs them;
- a lone surrogate (a broken UTF-16 pair, which JSON can spell as `\\ud800`) → `INVALID_VALUE`;
- text that is not blank but has no visible character (only zero-width, format, direction
  marks, combining marks or blank-looking letters) → `INVALID_VALUE`.

Empty or whitespace-only text (as `str.strip` sees it) is not judged here: the service
decides whether the field is required (`REQUIRED`) or whether blank means "none" (a blank
`search` lists everything); services strip text, so nothing of it is kept.

The maximum lengths are data (`FIELD_RULES`), keyed by the field's or argument's name; they
are outer bounds, and a service may hold a field to a shorter length of its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from domain.errors import ErrorCode


@dataclass(frozen=True)
class TextRule:
    max_length: int
    multiline: bool = False


NAME: Final = TextRule(255)
"""Names, titles, codes and other one-line values."""
FREE_TEXT: Final = TextRule(2000, multiline=True)
"""The default for a string field not named in `FIELD_RULES`."""
LONG_TEXT: Final = TextRule(20000, multiline=True)
ID_RULE: Final = TextRule(200)
"""Every `ID` argument or field (global IDs are short base64)."""
JSON_TEXT: Final = TextRule(LONG_TEXT.max_length, multiline=True)
"""Every string (and key) inside a JSON argument: rule definitions, scheme weights, metadata."""

FIELD_RULES: Final[dict[str, TextRule]] = {
    # one line
    "name": NAME,
    "title": TextRule(200),
    "code": TextRule(64),
    "key": TextRule(100),
    "itemKey": TextRule(100),
    "creditCode": TextRule(64),
    "idNumber": TextRule(64),
    "phone": TextRule(32),
    "role": TextRule(64),
    "subject": TextRule(255),
    "issuer": TextRule(255),
    "sourceClause": TextRule(200),
    "mediaType": TextRule(100),
    "sha256": TextRule(128),
    "uri": TextRule(1000),
    "location": TextRule(500),
    "contact": TextRule(200),
    "search": TextRule(200),
    "actor": TextRule(200),
    "action": TextRule(200),
    "targetType": TextRule(200),
    "kinds": TextRule(64),
    "statuses": TextRule(64),
    "chains": TextRule(40),  # chainVerification(chains:): table names
    "enum": TextRule(100),  # enumLabels(enum:): a type name
    "after": TextRule(1000),  # cursors
    # several lines
    "description": LONG_TEXT,
    "findings": LONG_TEXT,
    "measures": LONG_TEXT,
    "contingencyPlan": LONG_TEXT,
    "content": TextRule(5000, multiline=True),
    "text": TextRule(4000, multiline=True),
    "note": TextRule(4000, multiline=True),
    "reason": TextRule(4000, multiline=True),
    "basis": FREE_TEXT,
}


def rule_for(field: str) -> TextRule:
    return FIELD_RULES.get(field, FREE_TEXT)


class TextProblem(StrEnum):
    TOO_LONG = "TOO_LONG"
    CONTROL_CHARACTER = "CONTROL_CHARACTER"
    BIDI_CONTROL = "BIDI_CONTROL"
    SURROGATE = "SURROGATE"
    NO_VISIBLE_CHARACTER = "NO_VISIBLE_CHARACTER"


_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Letters and symbols that draw nothing (Hangul fillers, the Mongolian vowel separator,
# the blank Braille pattern): they count as invisible.
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u180e\u2800\u17b4\u17b5")


def _visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_LOOKALIKES


def check_text(value: str, rule: TextRule) -> TextProblem | None:
    """The first problem of `value` under `rule`, or None if it is acceptable."""
    if len(value) > rule.max_length:
        return TextProblem.TOO_LONG
    if not value.strip():
        return None  # blank: the service's call, and nothing of it is kept
    control = _CONTROL_MULTILINE if rule.multiline else _CONTROL_ONE_LINE
    if control.search(value):
        return TextProblem.CONTROL_CHARACTER
    if _BIDI.search(value):
        return TextProblem.BIDI_CONTROL
    if _SURROGATE.search(value):
        return TextProblem.SURROGATE
    if not any(_visible(c) for c in value):
        return TextProblem.NO_VISIBLE_CHARACTER
    return None


@dataclass(frozen=True)
class TextError:
    code: ErrorCode
    message_zh: str
    message_en: str


def describe(problem: TextProblem, rule: TextRule) -> TextError:
    """The error code and messages a client is shown for `problem`."""
    if problem is TextProblem.TOO_LONG:
        return TextError(
            ErrorCode.TOO_LONG,
            f"不能超过{rule.max_length}个字符",
            f"Must be at most {rule.max_length} characters",
        )
    zh, en = {
        TextProblem.CONTROL_CHARACTER: (
            "不能含控制字符" + ("（换行和制表符除外）" if rule.multiline else ""),
            "Must not contain control characters"
            + (" (line breaks and tabs are allowed)" if rule.multiline else ""),
        ),
        TextProblem.BIDI_CONTROL: (
            "不能含双向文字控制符（嵌入、覆盖或隔离符）",
            "Must not contain bidirectional embedding, override or isolate characters",
        ),
        TextProblem.SURROGATE: ("含有无效的字符编码", "Contains an invalid character (a lone surrogate)"),
        TextProblem.NO_VISIBLE_CHARACTER: ("须含可见字符", "Must contain a visible character"),
    }[problem]
    return TextError(ErrorCode.INVALID_VALUE, zh, en)


def text_error(value: str, rule: TextRule) -> TextError | None:
    problem = check_text(value, rule)
    return None if problem is None else describe(problem, rule)
