"""The run: the database, both servers under the same load, the floors, and the command line
(see the package's description).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

import benchmarks.peer
from api.settings import ApiSettings
from authz.credentials import mint_token
from benchmarks.calibration import print_calibration
from benchmarks.list_enterprises import load
from benchmarks.peer.floors import floors
from benchmarks.peer.load import Tally, row, run_wrk, walk, wrk_script
from benchmarks.peer.requests import (
    OURS_HEAVY,
    OURS_PLACARD,
    PAGE,
    PARK_ID,
    PEER_HEAVY,
    PEER_PLACARD,
    SECRET_KEY,
    TYPENAME,
    ours_heavy_names,
    ours_placard_names,
    peer_heavy_names,
    peer_placard_names,
)
from benchmarks.peer.servers import (
    ask,
    install_peer,
    serving,
    start_ours,
    start_peer,
    wait_ready,
)
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory
from migrations.runner import upgrade
from scratch import temporary_database

# --- the run -------------------------------------------------------------------------------


@dataclass
class Args:
    server: str
    duration: int
    rounds: int
    walks: int
    keep: bool


async def prepare(url: str) -> str:
    engine = create_engine(url)
    try:
        await print_calibration(engine)
        await upgrade(engine)
        enterprises = await load(engine, departments=10, per_department=100, placard_every=10)
        from tests.factories import make_platform_admin

        async with create_session_factory(engine)() as session:
            subject = await make_platform_admin(session)
    finally:
        await engine.dispose()
    print(f"database            {make_url(url).database}: 1 park, {enterprises:,} enterprises, 3 posts "
          f"each with one holder, {enterprises // 10} placarded", flush=True)  # fmt: skip
    settings = ApiSettings(database_url=url, secret_key=SECRET_KEY, environment=Environment.PRODUCTION)
    return mint_token(settings, subject)


def bench(args: Args, url: str, token: str, logdir: Path) -> tuple[dict[str, Any], list[Any]]:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    node, cli = install_peer()
    print("ours                one uvicorn worker, ENVIRONMENT=production, background jobs off, "
          "a platform admin's bearer token", flush=True)  # fmt: skip
    ours = start_ours(url, token, logdir)
    peer = start_peer(node, cli, plain, logdir)
    with serving(ours, peer):
        wait_ready(ours)
        wait_ready(peer)

        # The same data on both sides, or the comparison means nothing.
        answer = ask(ours, OURS_HEAVY)
        expected = ours_heavy_names(answer)
        assert len(expected) == PAGE and all(len(h) == 3 for _, h in expected), expected[:3]
        if peer_heavy_names(ask(peer, PEER_HEAVY)) != expected:
            sys.exit("the heavy request: PostGraphile lists other enterprises or holders")
        board = ours_placard_names(ask(ours, OURS_PLACARD, {"park": PARK_ID}))
        assert len(board) == 100 and all(all(b) for b in board), board[:3]
        if peer_placard_names(ask(peer, PEER_PLACARD)) != board:
            sys.exit("the placard board: PostGraphile lists other enterprises or persons")
        print("same data           heavy request: 100 enterprises, 300 holders; placard board: 100 "
              "enterprises, 300 persons — identical on both sides", flush=True)  # fmt: skip

        with httpx.Client(timeout=120) as client:
            walks: dict[str, list[float]] = {"ours": [], "peer": []}
            for i in range(args.walks + 1):
                for side, server, key, query in (("ours", ours, "units", OURS_HEAVY),
                                                 ("peer", peer, "allOrgUnits", PEER_HEAVY)):  # fmt: skip
                    seconds, listed = walk(server, query, key, client)
                    assert listed == 1000, (side, listed)
                    if i:  # the first is a warm-up
                        walks[side].append(seconds)

        requests: list[tuple[str, tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]] = [
            ("heavy", (OURS_HEAVY, {}), (PEER_HEAVY, {})),
            ("placard board", (OURS_PLACARD, {"park": PARK_ID}), (PEER_PLACARD, {})),
            ("{ __typename }", (TYPENAME, {}), (TYPENAME, {})),
        ]
        print(f"\nload: wrk, interleaved rounds of {args.duration:g} s (ours, peer, …), {args.rounds} "
              "rounds each; p50/p99 in ms over every request of the rounds")  # fmt: skip
        print(f"  {'request, connections':<22} {'ours req/s':>9} {'p50':>8} {'p99':>8}   "
              f"{'peer req/s':>9} {'p50':>8} {'p99':>8}   {'ours/peer':>9}   KiB/answer")  # fmt: skip
        for label, (oq, ov), (pq, pv) in requests:
            scripts = (wrk_script(ours, oq, ov, logdir), wrk_script(peer, pq, pv, logdir))
            # Warm both (JIT, caches, pools) before measuring.
            run_wrk(ours, scripts[0], 2, 1, Tally())
            run_wrk(peer, scripts[1], 2, 1, Tally())
            for connections in (1, 8):
                tallies = (Tally(), Tally())
                for _ in range(args.rounds):
                    run_wrk(ours, scripts[0], connections, args.duration, tallies[0])
                    run_wrk(peer, scripts[1], connections, args.duration, tallies[1])
                print(row(f"{label}, {connections}", *tallies), flush=True)
        mo, mp = statistics.median(walks["ours"]), statistics.median(walks["peer"])
        print(f"\nthe 1,000-enterprise walk (10 pages of 100 by cursor, one client, {args.walks} walks each, "
              "interleaved)")  # fmt: skip
        print(f"  ours  median {mo * 1000:8.0f} ms   worst {max(walks['ours']) * 1000:8.0f} ms")
        print(f"  peer  median {mp * 1000:8.0f} ms   worst {max(walks['peer']) * 1000:8.0f} ms")
        print(f"  ours/peer throughput {mp / mo:.3f} ({mo / mp:.1f}× the peer's time)\n", flush=True)
    return answer, expected


async def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.peer",
        description=benchmarks.peer.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL server URL (a temporary database is made on it)")  # fmt: skip
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk round (whole)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per side, request and connections")
    parser.add_argument("--walks", type=int, default=5, help="1,000-enterprise walks per side")
    parser.add_argument("--keep", action="store_true", help="keep the database (and print its URL)")
    ns = parser.parse_args()
    args = Args(normalize_database_url(ns.database_url), ns.duration, ns.rounds, ns.walks, ns.keep)
    if not args.server.startswith("postgresql"):
        sys.exit("PostGraphile needs PostgreSQL: --database-url postgresql://…")
    print(f"machine             {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        logdir = Path(tmp)
        if args.keep:
            name = f"bench_peer_{int(time.time())}"
            url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
            admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
            async with admin.connect() as conn:
                from sqlalchemy import text

                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            await admin.dispose()
            await run(args, url, logdir)
            print(f"kept database       {make_url(url).set(drivername='postgresql')}")
        else:
            async with temporary_database(args.server, logdir) as url:
                await run(args, url, logdir)


async def run(args: Args, url: str, logdir: Path) -> None:
    token = await prepare(url)
    answer, expected = await asyncio.to_thread(bench, args, url, token, logdir)
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    await floors(plain, answer, expected)


if __name__ == "__main__":
    asyncio.run(main())
