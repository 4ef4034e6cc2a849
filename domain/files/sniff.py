"""What a file is, judged by its content alone (never by the name or the type a client
claims): `sniff` names its media type; `inspect_image` proves that content sniffed as an
image decodes, and how large it is.

Executables are named by their headers (ELF, PE/MZ, Mach-O) so that a refusal can say what
was sent; PDF by its `%PDF-` header; everything else by puremagic's signatures, the most
confident match that names a media type. Content nothing recognises is
`application/octet-stream`.

Images are opened with Pillow and verified (`Image.verify` checks the structure without
decoding), then decoded once for their size after EXIF orientation. Pixel counts above
`MAX_IMAGE_PIXELS` are refused before decoding (`ImageTooLarge`): a small file can claim a
huge canvas (a decompression bomb), and decoding it would exhaust memory.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import puremagic
from PIL import Image, ImageOps, UnidentifiedImageError

OCTET_STREAM = "application/octet-stream"
PDF = "application/pdf"
ELF = "application/x-executable"
PE = "application/vnd.microsoft.portable-executable"
MACH_O = "application/x-mach-binary"

# The largest image accepted, in pixels (width × height): about a 64-megapixel photo.
MAX_IMAGE_PIXELS = 8192 * 8192

# Media types of the image formats Pillow names (`Image.format`).
_PILLOW_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/x-ms-bmp",
    "TIFF": "image/tiff",
}

_HEADERS: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", ELF),
    (b"MZ", PE),
    (b"\xfe\xed\xfa\xce", MACH_O),
    (b"\xfe\xed\xfa\xcf", MACH_O),
    (b"\xce\xfa\xed\xfe", MACH_O),
    (b"\xcf\xfa\xed\xfe", MACH_O),
    (b"%PDF-", PDF),
)


def sniff(data: bytes) -> str:
    """The media type of `data`, from its content."""
    for header, media_type in _HEADERS:
        if data.startswith(header):
            return media_type
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return OCTET_STREAM
    named = [m for m in matches if m.mime_type]
    if not named:
        return OCTET_STREAM
    best = max(named, key=lambda m: m.confidence)
    return str(best.mime_type).lower()


def is_image(media_type: str) -> bool:
    return media_type.startswith("image/")


class ImageRefused(Exception):
    """Content sniffed as an image that cannot be accepted as one."""


class NotAnImage(ImageRefused):
    """It does not decode (truncated, damaged, or only its first bytes look like an image)."""


class ImageTooLarge(ImageRefused):
    """Its canvas is larger than the limit (a decompression bomb, or simply too large)."""

    def __init__(self, pixels: int, limit: int) -> None:
        super().__init__(f"{pixels} pixels, over the limit of {limit}")
        self.pixels = pixels
        self.limit = limit


@dataclass(frozen=True)
class ImageFacts:
    media_type: str  # as Pillow read it
    width: int  # as shown: after EXIF orientation
    height: int


def open_image(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> Image.Image:
    """The image in `data`, opened (not yet decoded) after its canvas size was checked.
    Raises `NotAnImage` or `ImageTooLarge`."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice it: both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageTooLarge(-1, max_pixels) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise NotAnImage(str(exc)) from exc
    pixels = image.width * image.height
    if pixels > max_pixels:
        raise ImageTooLarge(pixels, max_pixels)
    return image


def inspect_image(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> ImageFacts:
    """Verify and decode the image in `data`; its type and shown size."""
    image = open_image(data, max_pixels)
    try:
        image.verify()
    except Exception as exc:  # Pillow raises many kinds for damaged content
        raise NotAnImage(str(exc)) from exc
    # `verify` leaves the image unusable: open again and decode every pixel (a file cut
    # short passes `verify` but not this).
    image = open_image(data, max_pixels)
    try:
        image.load()
        shown = ImageOps.exif_transpose(image)
    except Exception as exc:
        raise NotAnImage(str(exc)) from exc
    media_type = _PILLOW_TYPES.get(image.format or "", OCTET_STREAM)
    return ImageFacts(media_type=media_type, width=shown.width, height=shown.height)
