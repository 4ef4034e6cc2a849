"""Small helpers services use to check input: trimmed text, lengths, a not-given marker."""

from __future__ import annotations

from enum import Enum
from typing import Final, TypeAlias, TypeVar

from domain.errors import ErrorCode, ErrorCollector

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
    if len(text) > max_length:
        errors.add(
            ErrorCode.TOO_LONG,
            field,
            f"{label_zh}不能超过{max_length}个字符",
            f"{label_en} must be at most {max_length} characters",
        )
        return None
    return text
