"""What a record is written from: its fields, participants and attachments, and the
limits on them; attachments are checked here for hazards' evidence too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.duties.models import (
    DutyRecord,
)
from domain.errors import ErrorCode, ErrorCollector
from domain.inputs import clean_text

MAX_UNITS = 200
MAX_ITEMS = 50
MAX_PARTICIPANTS = 100
MAX_ATTACHMENTS = 50
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Participant:
    name: str
    role: str | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class Attachment:
    name: str
    media_type: str
    size_bytes: int
    sha256: str
    uri: str | None = None


def check_attachments(errors: ErrorCollector, items: Sequence[Attachment], field: str, label_zh: str) -> None:
    """Files' metadata as records and hazards keep it: at most MAX_ATTACHMENTS, each with a
    name, a media type, a size and a SHA-256 digest."""
    if len(items) > MAX_ATTACHMENTS:
        errors.add(ErrorCode.INVALID_VALUE, field, f"{label_zh}过多", f"at most {MAX_ATTACHMENTS}")
        return
    for n, a in enumerate(items):
        base = (field, str(n))
        clean_text(errors, (*base, "name"), a.name, label_zh="文件名", label_en="Name", max_length=255)
        clean_text(
            errors,
            (*base, "mediaType"),
            a.media_type,
            label_zh="文件类型",
            label_en="Media type",
            max_length=100,
        )
        clean_text(
            errors, (*base, "uri"), a.uri, label_zh="地址", label_en="URI", max_length=1000, required=False
        )
        if a.size_bytes < 0:
            errors.add(
                ErrorCode.INVALID_VALUE, (*base, "sizeBytes"), "文件大小不能为负", "cannot be negative"
            )
        if not SHA256_RE.match(a.sha256 or ""):
            errors.add(
                ErrorCode.INVALID_VALUE,
                (*base, "sha256"),
                "应为64位小写十六进制摘要",
                "must be 64 lowercase hex digits",
            )


def attachment_row(a: Attachment) -> dict[str, Any]:
    return {
        "name": a.name.strip(),
        "mediaType": a.media_type.strip(),
        "sizeBytes": a.size_bytes,
        "sha256": a.sha256,
        "uri": a.uri,
    }


@dataclass(frozen=True)
class RecordInput:
    kind: str
    performed_on: date
    title: str
    unit_ids: Sequence[int]
    item_ids: Sequence[int] = ()
    findings: str | None = None
    participants: Sequence[Participant] = field(default_factory=tuple)
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    makeup_for: date | None = None


def participants_of(record: DutyRecord) -> list[dict[str, Any]]:
    return list(record.participants or [])
