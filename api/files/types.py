"""The `EvidenceFile` node: one upload of some content, with signed, expiring links to the
content and its thumbnail (`api.files.links`). A node lookup, and every link, goes through
`authz.visibility.files.readable_files`: a file the caller may not read is not found, and
no link is signed for it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Self

import strawberry
from strawberry import relay

from api.context import Context, Info
from api.errors import BadInput
from api.files.links import Variant, link
from api.nodes import LoadedNode
from api.refs import Actor, actor_of
from api.signed_links import unix_now
from authz.visibility.files import readable_files
from domain.files.models import EvidenceFile as EvidenceFileRow
from domain.files.reading import file_by_id, files_by_ids

EXPIRES_DESCRIPTION = (
    "有效秒数 — How long the link stays valid, in seconds: at least 1, at most the platform's "
    "FILE_LINK_SECONDS (900 unless configured); that maximum when not given"
)


async def may_read(ctx: Context, file_id: int) -> bool:
    """Whether the caller may read the file now (the check before signing a link)."""
    async with ctx.db() as session:
        return await file_by_id(session, file_id, readable_files(ctx.reach)) is not None


def _ttl(ctx: Context, expires_in_seconds: int | None) -> int:
    longest = ctx.settings.file_link_seconds
    if expires_in_seconds is None:
        return longest
    if not 1 <= expires_in_seconds <= longest:
        raise BadInput(
            f"`expiresInSeconds` must be between 1 and {longest}",
            f"expiresInSeconds 须在1到{longest}之间",
            "expiresInSeconds",
            code="INVALID_VALUE",
        )
    return expires_in_seconds


@strawberry.type(
    description="证据文件 — One upload of a file (photo, PDF): its content is kept once by SHA-256, never "
    "changed or deleted; the type is sniffed from the content, not taken from the client"
)
class EvidenceFile(LoadedNode[EvidenceFileRow]):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="文件名 — The name the uploader gave, cleaned (no folders)")
    sha256: str = strawberry.field(description="SHA-256 — Digest of the content, lowercase hex")
    size: int = strawberry.field(description="大小 — Size in bytes")
    media_type: str = strawberry.field(
        description="类型 — Media type sniffed from the content, e.g. image/jpeg, application/pdf"
    )
    width: int | None = strawberry.field(description="宽度 — Images: width in pixels, as shown (EXIF-turned)")
    height: int | None = strawberry.field(
        description="高度 — Images: height in pixels, as shown (EXIF-turned)"
    )
    uploaded_at: datetime = strawberry.field(description="上传时间 — When it was uploaded")
    anonymous: bool = strawberry.field(
        description="匿名上传 — Sent with a public tip-off by someone without an account"
    )
    has_thumbnail: bool = strawberry.field(description="有缩略图 — Images: a small JPEG exists for lists")
    row: strawberry.Private[EvidenceFileRow]
    # The row was loaded through `readable_files` for this caller: links need no new check.
    readable: strawberry.Private[bool] = False

    @classmethod
    def from_row(cls, row: EvidenceFileRow, readable: bool = False) -> Self:
        return cls(
            id=row.id,
            name=row.name,
            sha256=row.sha256,
            size=row.size,
            media_type=row.media_type,
            width=row.width,
            height=row.height,
            uploaded_at=row.created_at,
            anonymous=row.anonymous,
            has_thumbnail=row.thumbnail_sha256 is not None,
            row=row,
            readable=readable,
        )

    @classmethod
    async def load_nodes(cls, *, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        ids = [int(i) for i in node_ids]
        async with info.context.db() as session:
            rows = await files_by_ids(session, ids, readable_files(info.context.reach))
        return [cls.from_row(rows[i], readable=True) if i in rows else None for i in ids]

    @strawberry.field(
        description="上传人 — The person or client that uploaded it, if you may see them; null for anonymous "
        "uploads"
    )
    async def uploaded_by(self, info: Info) -> Actor | None:
        return None if self.row.anonymous else await actor_of(info, self.row.uploaded_by)

    async def _link(self, info: Info, variant: Variant, expires_in_seconds: int | None) -> str | None:
        ctx = info.context
        ttl = _ttl(ctx, expires_in_seconds)
        if ctx.caller is None or not (self.readable or await may_read(ctx, self.row.id)):
            return None
        state = ctx.request.app.state if ctx.request is not None else None
        expires = unix_now(state) + ttl
        return link(ctx.settings.secret_key, self.row.id, self.row.name, variant, expires, ctx.caller.subject)

    @strawberry.field(
        description="下载链接 — Signed link (path and query on this server) to the file as uploaded, for "
        "you, that works without a token until its `expires` (Unix seconds); null if you may not "
        "read the file"
    )
    async def download_url(
        self,
        info: Info,
        expires_in_seconds: Annotated[
            int | None, strawberry.argument(description=EXPIRES_DESCRIPTION)
        ] = None,
    ) -> str | None:
        return await self._link(info, Variant.ORIGINAL, expires_in_seconds)

    @strawberry.field(
        description="缩略图链接 — Signed link to the thumbnail (JPEG, at most 320 px), for you, valid as "
        "downloadUrl is; null for files without one or that you may not read"
    )
    async def thumbnail_url(
        self,
        info: Info,
        expires_in_seconds: Annotated[
            int | None, strawberry.argument(description=EXPIRES_DESCRIPTION)
        ] = None,
    ) -> str | None:
        if self.row.thumbnail_sha256 is None:
            return None
        return await self._link(info, Variant.THUMBNAIL, expires_in_seconds)
