"""Thumbnails of images, for lists: a JPEG at most `THUMBNAIL_SIDE` pixels on its longer
side, turned as the EXIF orientation says, with no metadata of the original (no EXIF: no
GPS position, no camera serial, no orientation left to apply twice). It is a blob of its
own, under its own SHA-256.

Made from content `domain.files.sniff.inspect_image` accepted, so opening cannot fail for
the reasons it checks; JPEG is decoded at a reduced scale (`Image.draft`) first, which
keeps a large photo's thumbnail cheap.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from domain.files.sniff import MAX_IMAGE_PIXELS, open_image
from domain.files.stores import sha256_hex

THUMBNAIL_SIDE = 320
THUMBNAIL_MEDIA_TYPE = "image/jpeg"
JPEG_QUALITY = 80


@dataclass(frozen=True)
class Thumbnail:
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


def make_thumbnail(data: bytes, side: int = THUMBNAIL_SIDE, max_pixels: int = MAX_IMAGE_PIXELS) -> Thumbnail:
    """The thumbnail of the image in `data` (see the module's contract)."""
    image = open_image(data, max_pixels)
    # Orientation first, on the image as opened: `draft` keeps the EXIF it needs.
    if image.format == "JPEG":
        image.draft("RGB", (side * 2, side * 2))
    shown = ImageOps.exif_transpose(image)
    if shown.mode in ("RGBA", "LA", "PA") or (shown.mode == "P" and "transparency" in shown.info):
        # JPEG has no transparency: put the image on white, as a viewer would show it.
        rgba = shown.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        shown = background
    elif shown.mode != "RGB":
        shown = shown.convert("RGB")
    shown.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh RGB image carries no EXIF, ICC or comments: nothing is passed to `save`.
    clean = Image.new("RGB", shown.size)
    clean.paste(shown)
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Thumbnail(data=out.getvalue(), width=clean.width, height=clean.height)
