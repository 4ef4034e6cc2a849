"""The fixed cost of a GraphQL request: `{ __typename }` with a bearer token, on one server.

    python -m benchmarks.fixed_cost [--database-url postgresql://postgres@127.0.0.1:5432/test]
        [--duration 5] [--rounds 2] [--connections 1,8] [--use-database URL]

Needs wrk (Debian: `apt-get install wrk`). Builds a temporary database (a SQLite file by
default; with a PostgreSQL URL a new database on that server, dropped afterwards), serves it
with `python -m api serve` (ENVIRONMENT=production, the demo data, background jobs off) and
drives it with wrk, with a demo person's bearer token (`--use-database` serves an existing
database instead: migrated, the demo data loaded if empty, kept; to compare runs quickly):

  typename  `{ __typename }`: nothing but the fixed cost (HTTP, middleware, credentials,
            parse and validation caches, Strawberry's run)
  heavy     100 units with 5 posts each: a request whose own work dominates (to see that
            what lowers the fixed cost does not slow such requests)

and prints req/s, p50 and p99 of each, summed over --rounds rounds of --duration seconds.
The figures are of the machine it runs on: compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from api.settings import ApiSettings
from benchmarks.peer.load import Tally, run_wrk, wrk_script
from benchmarks.peer.requests import SECRET_KEY
from benchmarks.peer.servers import Server, serving, wait_ready
from domain.config import Environment, normalize_database_url
from scratch import temporary_database
from scratch.servers import free_port

TYPENAME = "{ __typename }"
HEAVY = "{ units(first: 100) { nodes { name posts(first: 5) { nodes { title } } } } }"
# A demo person with roles (the park's 党工委书记 of `make demo-logins`).
PERSON_ID = 1


def start(db_url: str, logdir: Path) -> Server:
    from authz.credentials import mint_token

    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": db_url, "ENVIRONMENT": "production", "SECRET_KEY": SECRET_KEY,
        "LOAD_DEMO_DATA": "true", "HAZARD_ESCALATION_SECONDS": "0", "SCORE_REFRESH_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    log = logdir / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    settings = ApiSettings(database_url=db_url, secret_key=SECRET_KEY, environment=Environment.PRODUCTION)
    token = mint_token(settings, f"person:{PERSON_ID}")
    return Server("ours", f"http://127.0.0.1:{port}/graphql", {"Authorization": f"Bearer {token}"}, proc, log)


def check(server: Server, query: str) -> None:
    r = httpx.post(server.url, json={"query": query}, headers=server.headers, timeout=60)
    body = r.json()
    if r.status_code != 200 or body.get("errors"):
        sys.exit(f"{query} answered {r.status_code}: {str(body)[:1000]}")


def bench(url: str, logdir: Path, duration: int, rounds: int, connections: list[int]) -> None:
    server = start(url, logdir)
    with serving(server):
        wait_ready(server, timeout=300)  # the first start loads the demo data
        print(f"  {'request, connections':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}", flush=True)
        for label, query in (("{ __typename }", TYPENAME), ("heavy", HEAVY)):
            check(server, query)
            script = wrk_script(server, query, {}, logdir)
            run_wrk(server, script, 2, 1, Tally())  # warm-up
            for n in connections:
                tally = Tally()
                for _ in range(rounds):
                    run_wrk(server, script, n, duration, tally)
                errors = f"   errors {tally.errors}" if tally.errors else ""
                print(f"  {f'{label}, {n}':<22} {tally.rate:9.1f} {tally.percentile(50):8.2f} "
                      f"{tally.percentile(99):8.2f}{errors}", flush=True)  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk round (whole)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per request and connection count")
    parser.add_argument("--connections", default="1,8", help="comma-separated wrk connection counts")
    parser.add_argument("--use-database", default=None, help="an existing database URL, used as is")
    ns = parser.parse_args()
    server_url = normalize_database_url(ns.database_url) if ns.database_url else None
    connections = [int(c) for c in ns.connections.split(",")]
    print(f"machine             {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"database {'PostgreSQL' if server_url else 'SQLite'}", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        if ns.use_database:
            url = normalize_database_url(ns.use_database)
            await asyncio.to_thread(bench, url, Path(tmp), ns.duration, ns.rounds, connections)
            return
        async with temporary_database(server_url, Path(tmp)) as url:
            await asyncio.to_thread(bench, url, Path(tmp), ns.duration, ns.rounds, connections)


if __name__ == "__main__":
    asyncio.run(main())
