"""Every column of a sealed table is decided: sealed (a fact) or a projection that services
update. A column added later fails here until it is put on one side (a new scheme)."""

from __future__ import annotations

from domain.audit.chain.sealed import SEALED


def test_every_column_of_a_sealed_table_is_sealed_or_a_projection() -> None:
    for sealed in SEALED:
        columns = {c.name for c in sealed.table.columns}
        facts = set(sealed.schemes[sealed.scheme])
        assert facts | set(sealed.projections) == columns, sealed.chain
        assert not facts & set(sealed.projections), sealed.chain
        assert set(sealed.key) <= facts, sealed.chain
