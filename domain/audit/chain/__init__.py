"""The tamper-evident trail: every audit entry and evidence row is sealed by a link of a
hash chain, and `verify` finds the first link that no longer holds.

Design (and why):

- One chain per table (`sealed.SEALED`: the audit log and every table of evidence). A
  table is the natural unit: its rows share one column list, verification streams one
  table at a time by primary key, and writers of different tables never wait on each
  other's chain. One chain over everything would make every writing transaction queue on
  one lock; one chain per unit would need a unit on every row (the audit log has domains,
  not units) and a verifier that knows them all.
- A link (`models.ChainLink`, table chain_link, itself append-only) holds the row's key,
  the digest of the row's sealed columns (`canonical.row_digest`), the previous link's hash
  and its own: hash = SHA-256(prev_hash, chain, seq, row key, scheme, row digest, sealed
  at). The first link's prev_hash is `canonical.GENESIS`.
- A row's sealed columns are its facts, a fixed list per table and scheme version
  (`sealed.py`): a later change of the list is a new scheme, and old links keep theirs.
  Projection columns that services update legitimately (a hazard's state, a tip-off's
  status, an assignment's end) are not sealed; their changes are sealed where they are
  facts, in the hazard's events and in the audit log.
- Sealing happens in the transaction that writes the rows, in one place (the session's
  before_commit event, `sealing._before_commit`; it also runs when a savepoint of a
  request's later mutation is released): the session collects the new rows of sealed tables (ORM
  inserts by `after_flush`; Core inserts name their keys with `sealing.note`, and a Core
  insert that does not is caught by `do_orm_execute` and sealed by a backlog pass over its
  table), reads them back as stored, and appends their links, on PostgreSQL under a
  transaction-scoped advisory lock per chain so that concurrent writers never fork it
  (SQLite serialises writers already).
- Rows older than the chain (and anything missed) are sealed by `sealing.seal_backlog`,
  which `python -m api migrate` runs and `python -m api seal-chains` runs alone.
- What it proves: an edit or deletion of a sealed row or of a link, by anyone who bypasses
  the application (and the append-only triggers), is found by `verify.verify`. Someone who
  rewrites the rows and recomputes every later link is found by comparing the chain heads
  (`verify.heads`) with heads published before, as the signed manifests of accountability
  dossiers carry them.
"""
