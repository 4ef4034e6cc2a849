"""The evidence file as attachments show it (interim: the uploads' own `EvidenceFile` type
replaces this module when their branch is merged)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.keys import key_id
from domain.files import models as fm


@strawberry.type(name="EvidenceFile", description="证据文件 — An uploaded file, stored once by its SHA-256")
class EvidenceFile:
    name: str = strawberry.field(description="文件名 — The name it was uploaded under")
    media_type: str = strawberry.field(description="类型 — Media type, from the content")
    size: int = strawberry.field(description="大小 — Size in bytes")
    sha256: str = strawberry.field(description="SHA-256 — Hash of the content (lowercase hex)")
    created_at: datetime = strawberry.field(description="上传时间 — When it was uploaded")
    row: strawberry.Private[fm.EvidenceFile]

    @strawberry.field(description="编号 — Global ID")
    def id(self) -> relay.GlobalID:
        return key_id("EvidenceFile", self.row.id)

    @classmethod
    def from_row(cls, row: fm.EvidenceFile) -> EvidenceFile:
        return cls(
            name=row.name,
            media_type=row.media_type,
            size=row.size,
            sha256=row.sha256,
            created_at=row.created_at,
            row=row,
        )
