"""What a cursor's key may hold before it reaches SQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, String, Table

from domain.pagination import InvalidCursor, Ordering

table = Table(
    "sample",
    MetaData(),
    Column("id", Integer),
    Column("big", BigInteger),
    Column("on", Date),
    Column("name", String),
)
ORDER: Ordering[object] = Ordering((table.c.on, table.c.name, table.c.big, table.c.id), key=lambda r: ())
OTHER: Ordering[object] = Ordering((table.c.id,), key=lambda r: ())


def test_a_key_of_the_right_types_decodes() -> None:
    assert ORDER.decode(["2024-01-02", "甲", 2**62, 2**31 - 1]) == (date(2024, 1, 2), "甲", 2**62, 2**31 - 1)


@pytest.mark.parametrize(
    "raw",
    [
        ["2024-01-02", "甲", 2**63, 1],  # bigint overflow
        ["2024-01-02", "甲", 1, 2**31],  # integer overflow
        ["2024-01-02", "甲", 1, -(2**31) - 1],
        ["2024-01-02", "甲", 1, 1.0],
        ["2024-01-02", "甲", 1, True],
        ["2024-01-02", 5, 1, 1],
        ["2024-13-02", "甲", 1, 1],
        ["2024-01-02", {"a": 1}, 1, 1],
        ["2024-01-02", "甲", [1], 1],
        ["2024-01-02", "甲", 1],
    ],
)
def test_a_key_of_other_types_or_ranges_is_refused(raw: list[object]) -> None:
    with pytest.raises(InvalidCursor):
        ORDER.decode(raw)


def test_orders_have_distinct_stable_tags() -> None:
    assert ORDER.tag != OTHER.tag
    assert ORDER.tag == Ordering(ORDER.columns, key=lambda r: ()).tag
