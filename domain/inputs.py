"""Small helpers services use to check input: trimmed text, lengths, a not-given marker."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Final, TypeAlias, TypeVar

from domain.errors import ErrorCode, ErrorCollector
from domain.text import TextProblem, TextRule, check_text, describe

T = TypeVar("T")


class _Unset(Enum):
    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset.UNSET
"""Marks an update field the caller did not give (as opposed to giving null)."""

Maybe: TypeAlias = T | _Unset


def clean_text(
    errors: ErrorCollector,
    field: str | tuple[str, ...],
    value: str | None,
    *,
    label_zh: str,
    label_en: str,
    max_length: int,
    required: bool = True,
) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            errors.add(ErrorCode.REQUIRED, field, f"{label_zh}不能为空", f"{label_en} is required")
        return None
    # The API checked the text against its field's rule already (`domain.text`); this holds
    # callers that are not the API (the CLI, seeds) to the same characters.
    rule = TextRule(max_length, multiline=True)
    problem = check_text(text, rule)
    if problem is not None and problem is not TextProblem.TOO_LONG:
        error = describe(problem, rule)
        errors.add(error.code, field, f"{label_zh}{error.message_zh}", f"{label_en}: {error.message_en}")
        return None
    if len(text) > max_length:
        errors.add(
            ErrorCode.TOO_LONG,
            field,
            f"{label_zh}不能超过{max_length}个字符",
            f"{label_en} must be at most {max_length} characters",
        )
        return None
    return text


def check_dates(errors: ErrorCollector, start: date, end: date | None, field: str = "endDate") -> None:
    """A date range ends on or after its first day (an open end, None, always does)."""
    if end is not None and end < start:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            field,
            "结束日期不能早于开始日期",
            "The end date is before the start date",
        )
