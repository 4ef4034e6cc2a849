"""Expected failures of the domain: each carries a code, the input field and a message in
Chinese and English. Services raise `DomainError`; the API turns it into `userErrors`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    INVALID_VALUE = "INVALID_VALUE"
    TOO_LONG = "TOO_LONG"
    DUPLICATE_CODE = "DUPLICATE_CODE"
    DUPLICATE_CREDIT_CODE = "DUPLICATE_CREDIT_CODE"
    DUPLICATE_ID_NUMBER = "DUPLICATE_ID_NUMBER"
    INVALID_CREDIT_CODE = "INVALID_CREDIT_CODE"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_PARENT = "INVALID_PARENT"
    MOVE_INTO_OWN_SUBTREE = "MOVE_INTO_OWN_SUBTREE"
    STALE_VERSION = "STALE_VERSION"
    ARCHIVED = "ARCHIVED"
    HAS_ACTIVE_CHILDREN = "HAS_ACTIVE_CHILDREN"
    INVALID_POST_KIND = "INVALID_POST_KIND"
    ENTERPRISE_FIELDS_NOT_ALLOWED = "ENTERPRISE_FIELDS_NOT_ALLOWED"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    PERIOD_TOO_LONG = "PERIOD_TOO_LONG"
    DOSSIER_TOO_LARGE = "DOSSIER_TOO_LARGE"
    OVERLAPPING_ASSIGNMENT = "OVERLAPPING_ASSIGNMENT"
    ALREADY_ENDED = "ALREADY_ENDED"
    ALREADY_CORRECTED = "ALREADY_CORRECTED"
    NOTHING_TO_CHANGE = "NOTHING_TO_CHANGE"
    HAS_OPEN_ASSIGNMENTS = "HAS_OPEN_ASSIGNMENTS"
    DUPLICATE_POST = "DUPLICATE_POST"
    INVALID_CHARGE = "INVALID_CHARGE"
    CONFLICT = "CONFLICT"
    OVERLAPPING_CHARGE = "OVERLAPPING_CHARGE"
    FORBIDDEN = "FORBIDDEN"
    UNKNOWN_ROLE = "UNKNOWN_ROLE"
    UNKNOWN_RESOURCE = "UNKNOWN_RESOURCE"
    UNKNOWN_ACTION = "UNKNOWN_ACTION"
    UNKNOWN_SUBJECT = "UNKNOWN_SUBJECT"
    DUPLICATE = "DUPLICATE"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    INVALID_RULE = "INVALID_RULE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    PLAN_REQUIRED = "PLAN_REQUIRED"
    ENTRY_WINDOW_CLOSED = "ENTRY_WINDOW_CLOSED"
    AMBIGUOUS_DUTY = "AMBIGUOUS_DUTY"
    NOT_DELEGABLE = "NOT_DELEGABLE"
    DELEGATE_NOT_ELIGIBLE = "DELEGATE_NOT_ELIGIBLE"
    OVERLAPPING_DELEGATION = "OVERLAPPING_DELEGATION"
    NOT_A_DEFAULT_ITEM = "NOT_A_DEFAULT_ITEM"
    RULE_KINDS_DIFFER = "RULE_KINDS_DIFFER"
    # Evidence attachments (domain.files.attachments).
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    ALREADY_ATTACHED = "ALREADY_ATTACHED"
    TOO_MANY_FILES = "TOO_MANY_FILES"
    WRONG_STAGE = "WRONG_STAGE"
    # Evidence file uploads (domain.files.uploading)
    EMPTY_FILE = "EMPTY_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE_NOT_ALLOWED = "FILE_TYPE_NOT_ALLOWED"
    FILE_TYPE_MISMATCH = "FILE_TYPE_MISMATCH"
    FILE_UNREADABLE = "FILE_UNREADABLE"
    DUPLICATE_FILE = "DUPLICATE_FILE"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"


@dataclass(frozen=True)
class FieldError:
    code: ErrorCode
    field: tuple[str, ...]
    message_zh: str
    message_en: str
    # Objects the caller may choose among, as (type name, id): the duties an ambiguous
    # record could fulfil (AMBIGUOUS_DUTY).
    candidates: tuple[tuple[str, int], ...] = ()


@dataclass
class DomainError(Exception):
    """One or more expected failures; nothing the operation wrote may be kept."""

    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e.code}: {e.message_en}" for e in self.errors)

    @classmethod
    def one(cls, code: ErrorCode, field: str | Sequence[str] | None, zh: str, en: str) -> DomainError:
        return cls([FieldError(code, _field(field), zh, en)])


def _field(field: str | Sequence[str] | None) -> tuple[str, ...]:
    if field is None:
        return ()
    if isinstance(field, str):
        return (field,)
    return tuple(field)


class ErrorCollector:
    """Gathers every problem of an input before failing, so a client can fix all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, code: ErrorCode, field: str | Sequence[str] | None, zh: str, en: str) -> None:
        self.errors.append(FieldError(code, _field(field), zh, en))

    def extend(self, error: DomainError) -> None:
        self.errors.extend(error.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(list(self.errors))


def not_found(field: str | Sequence[str], what_zh: str, what_en: str) -> DomainError:
    return DomainError.one(ErrorCode.NOT_FOUND, field, f"{what_zh}不存在", f"{what_en} does not exist")


def stale(field: str = "version") -> DomainError:
    return DomainError.one(
        ErrorCode.STALE_VERSION,
        field,
        "数据已被他人修改，请刷新后重试",
        "The record was changed by someone else; reload it and try again",
    )
