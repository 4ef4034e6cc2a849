"""The demo dataset loads through the domain services and serves the 挂牌公示 board."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.tree.models import OrgUnit
from seeds.loader import DEMO_FILE, load_dataset
from tests import factories as f

# SHA-256 prefixes of the officials' names and the phone numbers in the source documents.
# Only digests are kept, so the repository never holds those names or numbers; the test
# hashes every 2–9 character piece of the demo file and looks for them.
FORBIDDEN_DIGESTS = frozenset(
    {
        "d4ed8dd584b07e83", "02c361bc3329432b", "83a56c42239c557b", "f0c141f6e0f1e200",
        "4356d4d2a886ff4e", "0a7baa50ad2b4f24", "f1c4e19f3fc9573d", "3fbb4a2bdd33c088",
        "79af3e7f1b5e47db", "17c9ce1ef16a6f5b", "5050b3aff5ef5afe", "f3f7d268d159c74c",
        "0207885a5664a14c", "04e8ede5457ca7c7", "e059379f0b2c32d0", "579690b1e1981531",
        "be3326110995bda0",
    }
)  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_demo_data_is_plainly_fictional() -> None:
    text = DEMO_FILE.read_text(encoding="utf-8")
    pieces = {text[i : i + n] for n in range(2, 10) for i in range(len(text) - n + 1)}
    assert not {_digest(p) for p in pieces} & FORBIDDEN_DIGESTS
    # Fictional markers: phones in the 1380000xxxx block, region code 999999, （演示） names.
    assert "1380000" in text and "999999" in text and "（演示）" in text


def test_the_digest_check_would_catch_a_forbidden_piece() -> None:
    # Built from two halves so the number itself is not written here.
    assert _digest("6127" + "1226") in FORBIDDEN_DIGESTS


BOARD = """
query Board($park: ID!, $on: Date) {
  placardBoard(parkId: $park, on: $on, first: 100) {
    totalCount
    edges { node {
      enterprise { name enterprise { placarded trade } }
      administrative { person { name } post { kind } }
      supervisory { person { name } post { kind } }
      enterpriseResponsible { person { name } post { kind } }
    } }
  }
}
"""


async def test_demo_loads_and_the_board_shows_three_responsible_persons(
    session: AsyncSession, gql: Any
) -> None:
    counts = await load_dataset(session, today=f.TODAY)
    await session.flush()
    assert counts["enterprises"] >= 40 and counts["people"] >= 100
    park = (await session.scalars(select(OrgUnit).where(OrgUnit.code == "ZY"))).one()

    body = await gql(BOARD, {"park": f.gid("OrgUnit", park.id), "on": "2026-06-01"})
    board = body["data"]["placardBoard"]
    assert board["totalCount"] >= 5
    assert len(board["edges"]) == board["totalCount"]
    for edge in board["edges"]:
        node = edge["node"]
        assert node["enterprise"]["enterprise"]["placarded"] is True
        assert node["administrative"]["post"]["kind"] == "ADMINISTRATIVE_RESPONSIBLE"
        assert node["supervisory"]["post"]["kind"] == "SUPERVISORY_RESPONSIBLE"
        assert node["enterpriseResponsible"]["post"]["kind"] == "ENTERPRISE_RESPONSIBLE"
        assert all(
            node[k]["person"]["name"] for k in ("administrative", "supervisory", "enterpriseResponsible")
        )

    # Before the responsible persons were named (2023-08-01) the board lists the
    # enterprises with nobody in those posts.
    early = await gql(BOARD, {"park": f.gid("OrgUnit", park.id), "on": "2023-07-01"})
    assert all(e["node"]["administrative"] is None for e in early["data"]["placardBoard"]["edges"])
