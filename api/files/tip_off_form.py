"""The multipart form of a public tip-off with files (`POST /public/tip-offs`,
`multipart/form-data`): the tip-off's fields as text parts named as in the JSON form
(`parkId`, `content`, `location`, `contact`) and up to TIP_OFF_MAX_FILES file parts named
`files`. Anything else (an unknown field, a file under another name, too many files, a
body that does not parse) is refused with a typed error before anything is read further."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from domain.errors import DomainError, ErrorCode, FieldError

TEXT_PARTS = ("parkId", "content", "location", "contact")
FILE_PART = "files"


@dataclass
class TipOffForm:
    body: dict[str, Any] = field(default_factory=dict)
    files: list[tuple[str | None, bytes]] = field(default_factory=list)


def _invalid(path: tuple[str, ...], zh: str, en: str) -> DomainError:
    return DomainError([FieldError(ErrorCode.INVALID_VALUE, path, zh, en)])


async def read_form(request: Request, max_files: int) -> TipOffForm:
    """The tip-off's fields and files (see the module's contract)."""
    try:
        # The form's spooled files are closed when the block ends: everything is read inside.
        async with request.form(max_files=max_files, max_fields=len(TEXT_PARTS)) as form:
            return await _collect(form.multi_items())
    except StarletteHTTPException as exc:
        raise _invalid(
            (),
            f"表单无法解析：只能有 parkId、content、location、contact 和至多{max_files}个文件",
            f"The form cannot be parsed: {exc.detail} (it may hold parkId, content, location, contact "
            f"and at most {max_files} files)",
        ) from exc


async def _collect(items: list[tuple[str, str | UploadFile]]) -> TipOffForm:
    result = TipOffForm()
    for name, value in items:
        if isinstance(value, UploadFile):
            if name != FILE_PART:
                raise _invalid((name,), f"文件须以 {FILE_PART} 为名", f"Files must be sent as `{FILE_PART}`")
            result.files.append((value.filename, await value.read()))
        elif name in TEXT_PARTS and name not in result.body:
            result.body[name] = value
        else:
            raise _invalid((name,), f"未知或重复的字段 {name}", f"Unknown or repeated field `{name}`")
    return result
