"""Commands of the evidence chains (`python -m api …`):

seal-chains    seal every row not sealed yet (rows older than the chains; `migrate` does it too)
verify-chain   verify the chains; exit code 0 when every chain holds, 1 when one is broken
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from domain.audit.chain.sealing import seal_backlog
from domain.audit.chain.verify import UnknownChain, Verification, verify
from domain.db import begin_write, create_engine, create_session_factory

COMMANDS = ("seal-chains", "verify-chain")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("seal-chains", help="seal every row of the evidence chains not sealed yet")
    check = sub.add_parser("verify-chain", help="verify the evidence chains (exit 1 when one is broken)")
    check.add_argument(
        "--chain", action="append", default=None, metavar="NAME", help="only this chain (repeatable)"
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace, database_url: str) -> None:
    if args.command == "seal-chains":
        print(f"sealed {asyncio.run(_seal(database_url))} row(s)")
        return
    try:
        result = asyncio.run(_verify(database_url, args.chain))
    except UnknownChain as e:
        sys.exit(f"no evidence chain named {e.name!r}")
    print(json.dumps(as_json(result), ensure_ascii=False, indent=2) if args.json else as_text(result))
    sys.exit(0 if result.ok else 1)


async def _seal(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            await begin_write(session)
            sealed = await seal_backlog(session)
            await session.commit()
            return sealed
    finally:
        await engine.dispose()


async def _verify(url: str, chains: list[str] | None) -> Verification:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return await verify(session, chains)
    finally:
        await engine.dispose()


def as_json(result: Verification) -> dict[str, Any]:
    return {
        "checkedAt": result.checked_at.isoformat(),
        "ok": result.ok,
        "chains": [
            {
                "chain": c.chain,
                "length": c.length,
                "headHash": c.head_hash,
                "ok": c.ok,
                "unsealedRows": c.unsealed_rows,
                "firstBrokenLink": None
                if c.first_broken is None
                else {
                    "seq": c.first_broken.seq,
                    "rowId": c.first_broken.row_key,
                    "reason": c.first_broken.reason.value,
                },
            }
            for c in result.chains
        ],
    }


def as_text(result: Verification) -> str:
    lines = []
    for c in result.chains:
        line = f"{c.chain:<28} {c.length:>9} links  head {c.head_hash or '-':.16}  "
        if c.first_broken is None:
            line += "ok"
        else:
            b = c.first_broken
            at = f"link {b.seq}" if b.seq is not None else f"{c.unsealed_rows} unsealed row(s), first"
            line += f"BROKEN: {b.reason.value} at {at}, row {b.row_key}"
        lines.append(line)
    lines.append("every chain holds" if result.ok else "a chain is broken")
    return "\n".join(lines)
