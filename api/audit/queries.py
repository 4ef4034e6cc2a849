"""The query that verifies the evidence chains: for callers who may read an audit log
(platform administrators; district administrators for their district: the verification
says whether the whole trail holds, and shows no row's content). Others get FORBIDDEN, as
for the policy export: the question is about the platform, not an object to hide."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.audit.types import EvidenceChainVerification
from api.context import Info
from api.errors import BadInput
from authz.catalogue import Resource
from domain.audit.chain.verify import UnknownChain, verify


@strawberry.type
class EvidenceChainQuery:
    @strawberry.field(
        description="证据链校验 — Verify the hash chains sealing the audit log and the evidence "
        "(reads every sealed row: slow on a large database)"
    )
    async def chain_verification(
        self,
        info: Info,
        chains: Annotated[
            list[str] | None,
            strawberry.argument(description="链名 — Only these chains (table names); all when omitted"),
        ] = None,
    ) -> EvidenceChainVerification:
        ctx = info.context
        if ctx.reach.scopes(Resource.AUDIT).empty:
            raise BadInput(
                "Only an administrator who may read an audit log may verify the evidence chains",
                "只有可查看审计日志的管理员可以校验证据链",
                "chains",
                code="FORBIDDEN",
            )
        try:
            async with ctx.db() as session:
                result = await verify(session, chains)
        except UnknownChain as e:
            raise BadInput(
                f"No evidence chain is named {e.name!r}",
                f"没有名为 {e.name} 的证据链",
                "chains",
                code="NOT_FOUND",
            ) from e
        return EvidenceChainVerification.of(result)
