"""Evidence files as an upload leaves them: the content in the blob store under its SHA-256,
one `evidence_file` row naming it (for tests that attach files without uploading them)."""

from __future__ import annotations

from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.models import EvidenceFile
from domain.files.stores import BlobStore, sha256_hex

_n = count(1)

# The smallest PNG header with a distinct trailer per file: the store keeps bytes, it does
# not decode them.
PNG = b"\x89PNG\r\n\x1a\n"


async def evidence_file(
    session: AsyncSession,
    store: BlobStore,
    uploaded_by: str,
    *,
    data: bytes | None = None,
    name: str | None = None,
    media_type: str = "image/png",
    person_id: int | None = None,
    anonymous: bool = False,
) -> EvidenceFile:
    n = next(_n)
    content = data if data is not None else PNG + f"现场照片（演示）{n}".encode()
    sha = sha256_hex(content)
    await store.put(sha, content, media_type)
    row = EvidenceFile(
        sha256=sha,
        size=len(content),
        media_type=media_type,
        name=name or f"photo-{n}.png",
        uploaded_by=uploaded_by,
        uploaded_by_person_id=person_id,
        anonymous=anonymous,
    )
    session.add(row)
    await session.flush()
    return row
