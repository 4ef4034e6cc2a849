"""The tamper-evident trail as a dossier reports it (`service.ChainCheck`): every chain
verified now (`domain.audit.chain.verify`), its length, head and first broken link, for
chain.json; the heads, for the signed manifest, so that a chain rewritten later (every link
recomputed) is found by comparing its heads with the ones this dossier carries."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.chain.verify import ChainStatus, verify
from domain.dossier.ids import iso
from domain.dossier.service import ChainState


def _status(c: ChainStatus) -> dict[str, Any]:
    broken = c.first_broken
    return {
        "chain": c.chain,
        "ok": c.ok,
        "length": c.length,
        "headHash": c.head_hash,
        "unsealedRows": c.unsealed_rows,
        "firstBroken": None
        if broken is None
        else {"seq": broken.seq, "rowKey": broken.row_key, "reason": broken.reason.value},
    }


async def chain_state(session: AsyncSession) -> ChainState:
    """Every chain verified; the heads are the verified chains' heads (one reading)."""
    found = await verify(session)
    chains = sorted(found.chains, key=lambda c: c.chain)
    return ChainState(
        heads={c.chain: {"hash": c.head_hash, "length": c.length} for c in chains},
        verification={
            "ok": found.ok,
            "checkedAt": iso(found.checked_at),
            "chains": [_status(c) for c in chains],
        },
    )
