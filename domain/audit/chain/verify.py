"""Verifying the chains: every link recomputed from the row it seals as the row is now,
and from the link before it. Each chain is streamed by seq in batches (a link batch and
one read of its rows at a time), never a whole table in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.chain.canonical import GENESIS, link_hash
from domain.audit.chain.rows import BATCH, LINKS, count_unsealed, digest_of, heads, rows_by_key
from domain.audit.chain.sealed import BY_CHAIN, CHAINS, SealedTable
from domain.db import utcnow


class BreakReason(StrEnum):
    ROW_CHANGED = "ROW_CHANGED"  # the row's sealed columns differ from what the link sealed
    ROW_MISSING = "ROW_MISSING"  # the link's row is gone
    LINK_ALTERED = "LINK_ALTERED"  # the link's hash does not follow from it and the link before
    UNSEALED_ROWS = "UNSEALED_ROWS"  # rows without a link (inserted past sealing, or a link deleted)


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    # The link's place in the chain; None for UNSEALED_ROWS (the row has no link).
    seq: int | None
    row_key: str | None
    reason: BreakReason


@dataclass(frozen=True)
class ChainStatus:
    chain: str
    length: int
    head_hash: str | None
    unsealed_rows: int
    first_broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


@dataclass(frozen=True)
class Verification:
    checked_at: datetime
    chains: list[ChainStatus] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains)


class UnknownChain(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def known_chains(chains: Sequence[str] | None) -> list[str]:
    """The chains asked for (all by default), checked to exist; raises UnknownChain."""
    if chains is None:
        return list(CHAINS)
    for name in chains:
        if name not in BY_CHAIN:
            raise UnknownChain(name)
    return sorted(set(chains))


async def verify(session: AsyncSession, chains: Sequence[str] | None = None) -> Verification:
    """Verify the chains (all by default): their length, head and first broken link."""
    names = known_chains(chains)
    checked_at = utcnow()
    statuses = await session.run_sync(lambda s: [_verify_chain(s.connection(), BY_CHAIN[n]) for n in names])
    return Verification(checked_at=checked_at, chains=statuses)


async def chain_heads(session: AsyncSession) -> dict[str, tuple[str | None, int]]:
    """Every chain's head hash and length (the seq of its last link), as they stand: what a
    signed manifest records so that a rewritten chain is found later."""
    found = await session.run_sync(lambda s: heads(s.connection(), list(CHAINS)))
    return {c: (h[1], h[0]) if h else (None, 0) for c, h in found.items()}


def _verify_chain(conn: Connection, sealed: SealedTable) -> ChainStatus:
    prev, expected, after = GENESIS, 1, 0
    broken: BrokenLink | None = None
    while broken is None:
        links = list(
            conn.execute(
                select(LINKS)
                .where(LINKS.c.chain == sealed.chain, LINKS.c.seq > after)
                .order_by(LINKS.c.seq)
                .limit(BATCH)
            )
        )
        if not links:
            break
        broken, prev, expected = _check_batch(conn, sealed, links, prev, expected)
        after = links[-1].seq
    length = conn.execute(
        select(func.count()).select_from(LINKS).where(LINKS.c.chain == sealed.chain)
    ).scalar_one()
    head = heads(conn, [sealed.chain])[sealed.chain]
    unsealed, first_unsealed = count_unsealed(conn, sealed)
    if broken is None and unsealed:
        broken = BrokenLink(sealed.chain, None, first_unsealed, BreakReason.UNSEALED_ROWS)
    return ChainStatus(
        chain=sealed.chain,
        length=int(length),
        head_hash=head[1] if head else None,
        unsealed_rows=unsealed,
        first_broken=broken,
    )


def _check_batch(
    conn: Connection, sealed: SealedTable, links: list[Any], prev: str, expected: int
) -> tuple[BrokenLink | None, str, int]:
    by_scheme: dict[int, dict[str, Any]] = {}
    for scheme in {link.scheme for link in links}:
        if scheme not in sealed.schemes:
            continue
        keys = [_key_values(sealed, link.row_key) for link in links if link.scheme == scheme]
        by_scheme[scheme] = rows_by_key(conn, sealed, scheme, [k for k in keys if k is not None])
    for link in links:

        def broken(reason: BreakReason, link: Any = link) -> BrokenLink:
            return BrokenLink(sealed.chain, link.seq, link.row_key, reason)

        recomputed = link_hash(
            link.prev_hash, sealed.chain, link.seq, link.row_key, link.scheme, link.row_digest, link.sealed_at
        )
        if link.seq != expected or link.prev_hash != prev or link.hash != recomputed:
            return broken(BreakReason.LINK_ALTERED), prev, expected
        if link.scheme not in sealed.schemes:
            return broken(BreakReason.LINK_ALTERED), prev, expected
        row = by_scheme[link.scheme].get(link.row_key)
        if row is None:
            return broken(BreakReason.ROW_MISSING), prev, expected
        if digest_of(sealed, link.scheme, row) != link.row_digest:
            return broken(BreakReason.ROW_CHANGED), prev, expected
        prev, expected = link.hash, expected + 1
    return None, prev, expected


def _key_values(sealed: SealedTable, row_key: str) -> tuple[Any, ...] | None:
    """A link's row key back as key values (integers: every sealed key is); None when the
    link was altered into something that is no key."""
    parts = row_key.split(":")
    if len(parts) != len(sealed.key):
        return None
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        return None
