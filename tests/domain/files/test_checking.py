"""The upload rules as plain Python: types sniffed from content, names cleaned, images
verified (decompression bombs refused), thumbnails turned and stripped."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from domain.config import Environment, Settings
from domain.errors import DomainError, ErrorCode
from domain.files.checking import MAX_NAME_LENGTH, UploadLimits, check, clean_name
from domain.files.sniff import ELF, PE, sniff
from domain.files.thumbnails import make_thumbnail

LIMITS = UploadLimits(1024 * 1024, frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"}))


def _image(
    size: tuple[int, int], fmt: str = "JPEG", mode: str = "RGB", exif: Image.Exif | None = None
) -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size)
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def _code(name: str | None, data: bytes, limits: UploadLimits = LIMITS) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        check(name, data, limits)
    [error] = caught.value.errors
    return error.code


def test_types_come_from_the_content() -> None:
    assert sniff(_image((8, 8))) == "image/jpeg"
    assert sniff(_image((8, 8), "PNG")) == "image/png"
    assert sniff(_image((8, 8), "WEBP")) == "image/webp"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"\x7fELF\x02\x01\x01" + b"\x00" * 57) == ELF
    assert sniff(b"MZ\x90\x00" + b"\x00" * 60) == PE
    assert sniff(b"just some words") == "application/octet-stream"


def test_names_are_cleaned() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\测试\\现场.jpg") == "现场.jpg"
    assert clean_name("photo\u202egpj.exe") == "photogpj.exe"  # no right-to-left override
    assert clean_name("a\x00b\r\nc.pdf") == "abc.pdf"
    assert clean_name("  ... ") == "未命名"
    assert clean_name(None) == "未命名"
    long = clean_name("长" * 400 + ".jpeg")
    assert len(long) == MAX_NAME_LENGTH and long.endswith(".jpeg")


def test_bad_files_get_their_codes() -> None:
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 120
    assert _code("a.jpg", b"") is ErrorCode.EMPTY_FILE
    assert (
        _code("a.jpg", b"\xff" * 2048, UploadLimits(1024, LIMITS.allowed_types)) is ErrorCode.FILE_TOO_LARGE
    )
    assert _code("holiday.JPG", elf) is ErrorCode.FILE_TYPE_MISMATCH
    assert _code("report.pdf", _image((8, 8), "PNG")) is ErrorCode.FILE_TYPE_MISMATCH
    assert _code("tool", elf) is ErrorCode.FILE_TYPE_NOT_ALLOWED
    assert _code("notes.txt", b"plain words") is ErrorCode.FILE_TYPE_NOT_ALLOWED
    assert _code("cut.jpg", _image((400, 300))[:600]) is ErrorCode.FILE_UNREADABLE


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    # A 1-bit PNG of 9000 × 9000 pixels: small on disk, 81 megapixels when decoded.
    bomb = _image((9000, 9000), "PNG", mode="1")
    assert len(bomb) < 1024 * 1024
    assert _code("bomb.png", bomb) is ErrorCode.FILE_UNREADABLE


def test_tip_offs_take_images_and_pdf_only() -> None:
    settings = Settings(
        environment=Environment.TEST,
        file_allowed_types=["image/jpeg", "image/gif", "application/pdf", "text/plain"],
    )
    limits = UploadLimits.tip_offs(settings)
    assert limits.allowed_types == {"image/jpeg", "application/pdf"}
    assert limits.max_bytes == settings.tip_off_file_max_bytes


def test_an_image_is_measured_as_shown_and_its_thumbnail_turned_and_stripped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    exif[0x010F] = "FictionalCam"
    prepared = check("side.jpg", _image((1200, 600), exif=exif), LIMITS)
    assert (prepared.width, prepared.height) == (600, 1200)
    thumbnail = prepared.thumbnail
    assert thumbnail is not None and (thumbnail.width, thumbnail.height) == (160, 320)
    shown = Image.open(io.BytesIO(thumbnail.data))
    assert shown.format == "JPEG" and shown.size == (160, 320)
    assert dict(shown.getexif()) == {} and "icc_profile" not in shown.info


def test_a_transparent_png_gets_a_white_backed_thumbnail() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 20), (0, 0, 0, 0)).save(out, "PNG")
    thumbnail = make_thumbnail(out.getvalue())
    pixel = Image.open(io.BytesIO(thumbnail.data)).convert("RGB").getpixel((0, 0))
    assert isinstance(pixel, tuple) and all(channel > 240 for channel in pixel)


def _claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims another canvas size (its CRC fixed to match)."""
    import struct
    import zlib

    png = bytearray(_image((1, 1), "PNG", mode="L"))
    ihdr = png.index(b"IHDR")
    png[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(png[ihdr : ihdr + 17]))
    png[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(png)


def test_a_header_claiming_a_huge_canvas_is_refused_without_decoding() -> None:
    bomb = _claiming(100_000, 100_000)
    assert len(bomb) < 100
    assert _code("tiny.png", bomb) is ErrorCode.FILE_UNREADABLE
