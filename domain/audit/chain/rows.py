"""Reading sealed rows as stored, and the chains' heads: what sealing and verification
share (sync, on a connection: sealing runs inside the session's commit)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    String,
    Table,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    select,
    tuple_,
)

from domain.audit.chain.canonical import row_digest
from domain.audit.chain.models import ChainLink
from domain.audit.chain.sealed import SealedTable

BATCH = 1000
LINKS: Table = ChainLink.__table__  # type: ignore[assignment]


def key_columns(sealed: SealedTable) -> list[Any]:
    return [sealed.table.c[k] for k in sealed.key]


def _key_match(sealed: SealedTable, keys: Sequence[tuple[Any, ...]]) -> ColumnElement[bool]:
    """Rows that may have these keys. A single key: `IN`. A composite key: the range of its
    first column (an index range scan; the rows outside `keys` are dropped by the caller):
    PostgreSQL evaluates `(a, b) IN (…1,000 pairs…)` as a list of ORs tested against every
    row of the table, which made verifying a chain of record units seconds long."""
    columns = key_columns(sealed)
    match: ColumnElement[bool]
    if len(columns) == 1:
        match = columns[0].in_([k[0] for k in keys])
    else:
        firsts = [k[0] for k in keys]
        match = columns[0].between(min(firsts), max(firsts))
    return match


def _select(sealed: SealedTable, scheme: int) -> Select[Any]:
    names = list(dict.fromkeys([*sealed.key, *sealed.schemes[scheme]]))
    return select(*[sealed.table.c[n] for n in names])


def digest_of(sealed: SealedTable, scheme: int, row: Any) -> str:
    values = row._mapping
    return row_digest({c: values[c] for c in sealed.schemes[scheme]})


def rows_by_key(
    conn: Connection, sealed: SealedTable, scheme: int, keys: Sequence[tuple[Any, ...]]
) -> dict[str, Any]:
    """The rows with these keys that exist, by their key string, in batches."""
    found: dict[str, Any] = {}
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        if not batch:
            continue
        wanted = {":".join(str(part) for part in key) for key in batch}
        stmt = _select(sealed, scheme).where(_key_match(sealed, batch))
        for row in conn.execute(stmt):
            key = sealed.key_of(row._mapping)
            if key in wanted:
                found[key] = row
    return found


def _key_string(sealed: SealedTable) -> ColumnElement[Any]:
    """The key as chain_link.row_key spells it, in SQL."""
    columns = key_columns(sealed)
    expr: ColumnElement[Any] = cast(columns[0], String)
    for column in columns[1:]:
        expr = expr + literal(":") + cast(column, String)
    return expr


def unsealed(conn: Connection, sealed: SealedTable, scheme: int) -> Iterator[list[Any]]:
    """Rows of the table without a link, in key order, a batch at a time (keyset paging:
    each batch starts after the last key of the one before)."""
    no_link = ~exists().where(and_(LINKS.c.chain == sealed.chain, LINKS.c.row_key == _key_string(sealed)))
    columns = key_columns(sealed)
    after: tuple[Any, ...] | None = None
    while True:
        stmt = _select(sealed, scheme).where(no_link).order_by(*columns).limit(BATCH)
        if after is not None:
            stmt = stmt.where(columns[0] > after[0] if len(columns) == 1 else tuple_(*columns) > after)
        batch = list(conn.execute(stmt))
        if not batch:
            return
        yield batch
        after = tuple(batch[-1]._mapping[k] for k in sealed.key)


def count_unsealed(conn: Connection, sealed: SealedTable) -> tuple[int, str | None]:
    """How many rows have no link, and the first of them by key."""
    no_link = ~exists().where(and_(LINKS.c.chain == sealed.chain, LINKS.c.row_key == _key_string(sealed)))
    count = conn.execute(select(func.count()).select_from(sealed.table).where(no_link)).scalar_one()
    if not count:
        return 0, None
    first = conn.execute(
        select(*key_columns(sealed)).where(no_link).order_by(*key_columns(sealed)).limit(1)
    ).one()
    return int(count), sealed.key_of(first._mapping)


def heads(conn: Connection, chains: Sequence[str]) -> dict[str, tuple[int, str] | None]:
    """Each chain's last link: (seq, hash), or None for an empty chain. One statement, one
    index probe per chain."""
    if not chains:
        return {}
    columns = []
    for chain in chains:
        last = select(LINKS.c.seq).where(LINKS.c.chain == chain).order_by(LINKS.c.seq.desc()).limit(1)
        columns.append(last.scalar_subquery())
        columns.append(
            select(LINKS.c.hash)
            .where(LINKS.c.chain == chain)
            .order_by(LINKS.c.seq.desc())
            .limit(1)
            .scalar_subquery()
        )
    row = conn.execute(select(*columns)).one()
    return {
        chain: (int(row[2 * i]), str(row[2 * i + 1])) if row[2 * i] is not None else None
        for i, chain in enumerate(chains)
    }


def lock_key(chain: str) -> int:
    """The PostgreSQL advisory lock of a chain (a signed 64-bit number)."""
    return int.from_bytes(
        hashlib.sha256(b"evidence-chain:" + chain.encode()).digest()[:8], "big", signed=True
    )


def lock_chains(conn: Connection, chains: Sequence[str]) -> None:
    """PostgreSQL: take the chains' advisory locks until the transaction ends, in one
    statement, always in the same (sorted) order so two writers cannot deadlock on them.
    Elsewhere nothing: SQLite lets one writer at a time."""
    if conn.dialect.name != "postgresql" or not chains:
        return
    calls = [
        func.pg_advisory_xact_lock(bindparam(f"k{i}", lock_key(c), type_=BigInteger))
        for i, c in enumerate(sorted(chains))
    ]
    conn.execute(select(*calls))
