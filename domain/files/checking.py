"""The rules an upload must pass before anything is stored, as plain Python (no database,
no store): `check` judges one file and prepares what will be stored, or raises
`DomainError` with one typed error:

- EMPTY_FILE: no content;
- FILE_TOO_LARGE: more than the limit (`UploadLimits.max_bytes`);
- FILE_TYPE_MISMATCH: the name's extension says one type and the content is another (a
  `.jpg` that is an executable, a PNG named `.pdf`);
- FILE_TYPE_NOT_ALLOWED: the type sniffed from the content is not accepted (the message
  names it);
- FILE_UNREADABLE: content sniffed as an image that does not decode, or whose canvas is
  larger than `domain.files.sniff.MAX_IMAGE_PIXELS`.

The name is cleaned (`clean_name`): no folders, no control or format characters (a
right-to-left override can disguise `gpj.exe` as `exe.jpg`), at most `MAX_NAME_LENGTH`
characters with its extension kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from domain.config import Settings
from domain.errors import DomainError, ErrorCode
from domain.files.sniff import ImageTooLarge, NotAnImage, inspect_image, is_image, sniff
from domain.files.stores import sha256_hex
from domain.files.thumbnails import Thumbnail, make_thumbnail

MAX_NAME_LENGTH = 255
UNNAMED = "未命名"

# What a file name's extension promises. An extension not listed promises nothing.
EXTENSION_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "jfif": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "bmp": "image/x-ms-bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "pdf": "application/pdf",
    "exe": "application/vnd.microsoft.portable-executable",
    "dll": "application/vnd.microsoft.portable-executable",
    "elf": "application/x-executable",
}

# The types an anonymous tip-off may carry (of those the settings allow).
TIP_OFF_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    allowed_types: frozenset[str]

    @classmethod
    def of(cls, settings: Settings) -> UploadLimits:
        """Signed-in uploads: FILE_MAX_BYTES and FILE_ALLOWED_TYPES."""
        return cls(settings.file_max_bytes, frozenset(settings.file_allowed_types))

    @classmethod
    def tip_offs(cls, settings: Settings) -> UploadLimits:
        """Anonymous tip-offs: TIP_OFF_FILE_MAX_BYTES, images and PDF of the allowed types."""
        return cls(settings.tip_off_file_max_bytes, frozenset(settings.file_allowed_types) & TIP_OFF_TYPES)


@dataclass(frozen=True)
class Prepared:
    """A file that passed the rules: what will be stored and recorded."""

    name: str
    data: bytes
    sha256: str
    media_type: str
    thumbnail: Thumbnail | None
    width: int | None
    height: int | None

    @property
    def size(self) -> int:
        return len(self.data)


def clean_name(raw: str | None) -> str:
    """The name as kept: see the module's contract. Nothing left: `未命名`."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = " ".join(name.split()).strip(" .")
    if not name:
        return UNNAMED
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str | None:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else None


def _refuse(code: ErrorCode, field: Sequence[str], zh: str, en: str) -> DomainError:
    return DomainError.one(code, field, zh, en)


def check(
    raw_name: str | None, data: bytes, limits: UploadLimits, field: Sequence[str] = ("file",)
) -> Prepared:
    """Judge one file by the rules (see the module's contract); what to store if it passes."""
    if not data:
        raise _refuse(ErrorCode.EMPTY_FILE, field, "文件为空", "The file is empty")
    if len(data) > limits.max_bytes:
        raise _refuse(
            ErrorCode.FILE_TOO_LARGE,
            field,
            f"文件大小{len(data)}字节，超过{limits.max_bytes}字节的上限",
            f"The file is {len(data)} bytes, over the limit of {limits.max_bytes} bytes",
        )
    name = clean_name(raw_name)
    media_type = sniff(data)
    ext = extension_of(name)
    promised = EXTENSION_TYPES.get(ext) if ext else None
    if promised is not None and promised != media_type:
        raise _refuse(
            ErrorCode.FILE_TYPE_MISMATCH,
            field,
            f"文件名为 .{ext}，内容却是 {media_type}",
            f"The name ends in .{ext} but the content is {media_type}",
        )
    if media_type not in limits.allowed_types:
        accepted = ", ".join(sorted(limits.allowed_types))
        raise _refuse(
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
            field,
            f"不接受 {media_type} 类型的文件（可接受：{accepted}）",
            f"Files of type {media_type} are not accepted (accepted: {accepted})",
        )
    thumbnail = width = height = None
    if is_image(media_type):
        try:
            facts = inspect_image(data)
            if facts.media_type != media_type:
                raise NotAnImage(f"decoded as {facts.media_type}")
            thumbnail = make_thumbnail(data)
        except ImageTooLarge as exc:
            raise _refuse(
                ErrorCode.FILE_UNREADABLE,
                field,
                f"图片像素过多（上限{exc.limit}像素）",
                f"The image has too many pixels (the limit is {exc.limit})",
            ) from exc
        except NotAnImage as exc:
            raise _refuse(
                ErrorCode.FILE_UNREADABLE,
                field,
                f"文件看似 {media_type} 图片，但无法解码",
                f"The file looks like a {media_type} image but does not decode",
            ) from exc
        width, height = facts.width, facts.height
    return Prepared(
        name=name,
        data=data,
        sha256=sha256_hex(data),
        media_type=media_type,
        thumbnail=thumbnail,
        width=width,
        height=height,
    )
