"""The links of the evidence chains: one row per sealed row, written once. The database
refuses UPDATE and DELETE on it (triggers, see migration 20261208_0017)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow


class ChainLink(Base):
    __tablename__ = "chain_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The chain: the name of the sealed table (`sealed.SEALED`).
    chain: Mapped[str] = mapped_column(String(40), nullable=False)
    # 1, 2, 3, … within the chain, in the order the links were appended.
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # The sealed row's primary key; a composite key's parts joined by ":".
    row_key: Mapped[str] = mapped_column(String(64), nullable=False)
    # Which list of sealed columns the digest covers (`sealed.SealedTable.schemes`).
    scheme: Mapped[int] = mapped_column(Integer, nullable=False)
    row_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("chain", "seq", name="uq_chain_link_chain_seq"),
        UniqueConstraint("chain", "row_key", name="uq_chain_link_chain_row_key"),
    )
