"""Demo evidence content: small photos and PDFs, generated, plainly fictional ("DEMO" written
across them), deterministic (a fixed seed per picture, no timestamps, no random IDs): the
same label gives the same bytes on every run, so a second load of the demo stores nothing
new. Text on pictures is ASCII in Pillow's built-in font (no system font needed, the same
pixels everywhere); Chinese goes in the files' names. Types, sizes and thumbnails are judged
and made as for any upload (seeds/demo_files.py passes these through `domain.files.checking`)."""

from __future__ import annotations

import io
import random
import zlib

from PIL import Image, ImageDraw, ImageFont

# Subdued site colours: concrete, safety yellow, signal red, steel blue, grass.
_PALETTE = [(120, 124, 130), (236, 190, 40), (200, 60, 50), (70, 110, 160), (90, 140, 80)]


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No EXIF, no ICC profile, baseline: bytes depend on the pixels and the encoder only.
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def photo(label: str, *, seed: int, png: bool = False, size: tuple[int, int] = (480, 360)) -> bytes:
    """A made-up site photo: a coloured scene of blocks and stripes, "DEMO" and `label` on it."""
    rng = random.Random(seed)
    width, height = size
    ground = rng.choice(_PALETTE)
    image = Image.new("RGB", size, ground)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = rng.randrange(width - 120), rng.randrange(height // 3, height - 40)
        x1, y1 = x0 + rng.randrange(40, 200), y0 + rng.randrange(30, 120)
        draw.rectangle((x0, y0, x1, y1), fill=rng.choice(_PALETTE), outline=(30, 30, 30), width=2)
    for i in range(0, width, 40):  # a hazard-tape band along the top
        draw.polygon([(i, 0), (i + 20, 0), (i + 40, 28), (i + 20, 28)], fill=(20, 20, 20))
    big = ImageFont.load_default(size=54)
    small = ImageFont.load_default(size=20)
    draw.text((24, 48), "DEMO", font=big, fill=(255, 255, 255), stroke_width=3, stroke_fill=(0, 0, 0))
    draw.text((24, 118), "SAMPLE PHOTO - FICTIONAL", font=small, fill=(255, 255, 255))
    draw.text((24, 146), label, font=small, fill=(255, 255, 255))
    return _png(image) if png else _jpeg(image, 70)


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (A4, Helvetica, ASCII text) written by hand: no producer, no dates, no
    document ID, so its bytes are its text's."""
    text = ["BT", "/F1 20 Tf", "72 770 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in ["DEMO - SAMPLE DOCUMENT - FICTIONAL", *lines]:
        text += [f"({_pdf_text(line)}) Tj", "0 -16 Td"]
    text.append("ET")
    stream = zlib.compress("\n".join(text).encode("latin-1"), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
