"""Reading evidence files: `evidenceFile(id)`, the same lookup as `node(id)` (and as
filtered: `authz.visibility.files.readable_files`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from api.context import Info
from api.files.types import EvidenceFile
from api.ids import try_decode_id


@strawberry.type
class FilesQuery:
    @strawberry.field(
        description="证据文件 — An evidence file by its global ID, with its signed links; null if there is "
        "none or you may not read it"
    )
    async def evidence_file(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="编号 — The file's global ID")],
    ) -> EvidenceFile | None:
        file_id = try_decode_id(id, "EvidenceFile")
        if file_id is None:
            return None
        return (await EvidenceFile.load_nodes(info=info, node_ids=[str(file_id)]))[0]
