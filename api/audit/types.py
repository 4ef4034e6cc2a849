"""The evidence chains' verification as GraphQL types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.audit.chain.verify import BreakReason, ChainStatus, Verification


@strawberry.enum(
    name="ChainBreakReason", description="断链原因 — Why a link of an evidence chain does not hold"
)
class ChainBreakReason(Enum):
    ROW_CHANGED = strawberry.enum_value(
        BreakReason.ROW_CHANGED.value,
        description="记录被改 — The row's sealed columns differ from what its link sealed",
    )
    ROW_MISSING = strawberry.enum_value(
        BreakReason.ROW_MISSING.value, description="记录缺失 — The row its link sealed is gone"
    )
    LINK_ALTERED = strawberry.enum_value(
        BreakReason.LINK_ALTERED.value,
        description="链节被改 — The link's hash does not follow from it and the link before it",
    )
    UNSEALED_ROWS = strawberry.enum_value(
        BreakReason.UNSEALED_ROWS.value,
        description="未封存记录 — Rows without a link (written past sealing, or their link deleted)",
    )


@strawberry.type(
    name="BrokenChainLink", description="首个断链处 — The first link of a chain that does not hold"
)
class BrokenChainLink:
    seq: int | None = strawberry.field(
        description="链节序号 — The link's place in its chain (1 first); null for unsealed rows"
    )
    row_id: str | None = strawberry.field(
        description="记录主键 — The row's primary key in its table (a composite key's parts joined by ':')"
    )
    reason: ChainBreakReason = strawberry.field(description="原因 — Why it does not hold")


@strawberry.type(name="ChainStatus", description="证据链状态 — One evidence chain (one table) as verified")
class ChainStatusType:
    chain: str = strawberry.field(description="链名 — The chain: the name of the sealed table")
    length: int = strawberry.field(description="链节数 — How many links the chain has")
    head_hash: str | None = strawberry.field(
        description="链头哈希 — SHA-256 (hex) of the last link; null for an empty chain"
    )
    ok: bool = strawberry.field(description="完好 — Every link holds and every row is sealed")
    unsealed_rows: int = strawberry.field(description="未封存记录数 — Rows of the table without a link")
    first_broken_link: BrokenChainLink | None = strawberry.field(
        description="首个断链处 — The first link that does not hold; null when the chain holds"
    )

    @classmethod
    def of(cls, status: ChainStatus) -> ChainStatusType:
        broken = status.first_broken
        return cls(
            chain=status.chain,
            length=status.length,
            head_hash=status.head_hash,
            ok=status.ok,
            unsealed_rows=status.unsealed_rows,
            first_broken_link=None
            if broken is None
            else BrokenChainLink(
                seq=broken.seq, row_id=broken.row_key, reason=ChainBreakReason(broken.reason.value)
            ),
        )


@strawberry.type(
    name="EvidenceChainVerification",
    description="证据链校验 — Every audit entry and evidence row checked against its hash-chained seal",
)
class EvidenceChainVerification:
    checked_at: datetime = strawberry.field(description="校验时间 — When the verification began")
    ok: bool = strawberry.field(description="全部完好 — Every chain verified holds")
    chains: list[ChainStatusType] = strawberry.field(description="各链状态 — Each chain verified, by name")

    @classmethod
    def of(cls, result: Verification) -> EvidenceChainVerification:
        return cls(
            checked_at=result.checked_at, ok=result.ok, chains=[ChainStatusType.of(c) for c in result.chains]
        )
