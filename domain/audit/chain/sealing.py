"""Sealing: appending the links of new rows, in the transaction that writes them.

The one place is the session's `before_commit` (registered below for every Session, so
requests, commands, seeds and services outside requests are all sealed). What it seals:
- rows the ORM inserted (`after_flush` notes their keys);
- rows written by Core statements whose writers name them (`note`, and such statements
  carry the execution option `NOTED`, as the record and audit writers do);
- any other Core INSERT into a sealed table (`do_orm_execute` sees it): the whole table's
  unsealed rows, by a backlog pass, so nothing inserted escapes.
The rows are read back as stored (one statement per table), so a digest is computed from
what a later verification will read. An async session runs these sync handlers inside its
greenlet, so they can execute statements on the session's connection.

Cost per writing transaction: on PostgreSQL one statement for the advisory locks of the
chains touched, one for their heads, one read per table, one insert of the links."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from domain.audit.chain.canonical import GENESIS, link_hash
from domain.audit.chain.rows import BATCH, LINKS, digest_of, heads, lock_chains, rows_by_key, unsealed
from domain.audit.chain.sealed import BY_CHAIN, BY_MODEL, CHAINS, SealedTable
from domain.db import utcnow

NOTED = {"evidence_chain_noted": True}
"""Execution options of a Core INSERT whose writer names its rows by `note`."""

_PENDING = "evidence_chain_pending"  # session.info: {chain: {key string: key values}}
_BACKLOG = "evidence_chain_backlog"  # session.info: {chain}


def note(session: AsyncSession | Session, model: type[Any], rows: Iterable[Mapping[str, Any]]) -> None:
    """Rows of a sealed table this transaction inserted by a Core statement: `rows` give at
    least their primary key columns. Sealed when the session commits."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sealed = BY_MODEL[model]
    pending = sync.info.setdefault(_PENDING, {}).setdefault(sealed.chain, {})
    for row in rows:
        pending[sealed.key_of(row)] = tuple(row[k] for k in sealed.key)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # `session.new` still lists what this flush inserted; their keys are assigned by now.
    for obj in session.new:
        sealed = BY_MODEL.get(type(obj))
        if sealed is not None:
            note(session, sealed.model, [{k: getattr(obj, k) for k in sealed.key}])


def _on_execute(state: ORMExecuteState) -> None:
    if not state.is_insert or state.execution_options.get("evidence_chain_noted"):
        return
    # An ORM-enabled insert(Model) names an annotated copy of the table: match by name.
    sealed = BY_CHAIN.get(getattr(getattr(state.statement, "table", None), "name", ""))
    if sealed is not None:
        state.session.info.setdefault(_BACKLOG, set()).add(sealed.chain)


def _before_commit(session: Session) -> None:
    session.flush()  # the commit would flush after this event: its rows are sealed too
    pending: dict[str, dict[str, tuple[Any, ...]]] = session.info.pop(_PENDING, {})
    backlog: set[str] = session.info.pop(_BACKLOG, set())
    if not pending and not backlog:
        return
    connection = session.connection()
    if _has_chain(connection):
        seal(connection, pending, backlog)


def _forget(session: Session, transaction: Any) -> None:
    """The outermost transaction ended: committed, its rows were sealed before; rolled back
    or closed, nothing it noted exists."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_BACKLOG, None)


_CHAIN_TABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _has_chain(connection: Connection) -> bool:
    """Whether the database has chain_link (a database at a revision before 0017, as some
    migration tests build, has nothing to seal into). Asked once per engine, and again
    while the answer is no."""
    engine = connection.engine
    if not _CHAIN_TABLE.get(engine):
        _CHAIN_TABLE[engine] = inspect(connection).has_table(LINKS.name)
    return _CHAIN_TABLE[engine]


def seal(
    connection: Connection, pending: Mapping[str, Mapping[str, tuple[Any, ...]]], backlog: Iterable[str]
) -> int:
    """Append links for the `pending` rows (by chain, their keys) that exist, then for every
    unsealed row of the `backlog` chains; the number of links appended."""
    backlog = set(backlog)
    chains = sorted(set(pending) | backlog)
    lock_chains(connection, chains)
    last = heads(connection, chains)
    appended = 0
    for chain in chains:
        sealed = BY_CHAIN[chain]
        head = last[chain] or (0, GENESIS)
        keys = pending.get(chain)
        if keys:
            found = rows_by_key(connection, sealed, sealed.scheme, list(keys.values()))
            rows = [found[k] for k in sorted(found, key=lambda k: keys[k])]
            head = _append(connection, sealed, head, rows)
            appended += len(rows)
        if chain in backlog:
            for batch in unsealed(connection, sealed, sealed.scheme):
                head = _append(connection, sealed, head, batch)
                appended += len(batch)
    return appended


def _append(
    connection: Connection, sealed: SealedTable, head: tuple[int, str], rows: Sequence[Any]
) -> tuple[int, str]:
    seq, prev = head
    links: list[dict[str, Any]] = []
    at = utcnow()
    for row in rows:
        seq += 1
        key = sealed.key_of(row._mapping)
        digest = digest_of(sealed, sealed.scheme, row)
        this = link_hash(prev, sealed.chain, seq, key, sealed.scheme, digest, at)
        links.append(
            {
                "chain": sealed.chain,
                "seq": seq,
                "row_key": key,
                "scheme": sealed.scheme,
                "row_digest": digest,
                "prev_hash": prev,
                "hash": this,
                "sealed_at": at,
            }
        )
        prev = this
    for start in range(0, len(links), BATCH):
        connection.execute(insert(LINKS), links[start : start + BATCH])
    return seq, prev


async def seal_backlog(session: AsyncSession, chains: Sequence[str] | None = None) -> int:
    """Seal every row not sealed yet (rows older than the chains, anything missed), in key
    order; the caller commits. The number of links appended."""
    wanted = set(chains) if chains is not None else set(CHAINS)

    def run(sync: Session) -> int:
        # The rows this session noted in these chains are among the unsealed: sealed here,
        # they must not be sealed again at commit.
        pending: dict[str, Any] = sync.info.get(_PENDING, {})
        for chain in wanted:
            pending.pop(chain, None)
        sync.info.get(_BACKLOG, set()).difference_update(wanted)
        return seal(sync.connection(), {}, wanted)

    return await session.run_sync(run)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _on_execute)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_transaction_end", _forget)
