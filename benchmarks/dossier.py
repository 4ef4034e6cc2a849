"""The accountability dossier of the demo park for a year, on the demo data, through the app.

    python -m benchmarks.dossier [--database-url URL] [--runs 3] [--today YYYY-MM-DD]
        [--caller district-admin|park-secretary]

Builds a fresh database (a temporary SQLite file, or a temporary database on the PostgreSQL
server named by --database-url, dropped afterwards), migrates it and loads the demo dataset
as `make run` does (as of --today, default today), with a disk blob store in a temporary
folder. Then, as the demo caller (default: the district admin, who sees every section, the
audit log included), it sends `requestAccountabilityDossier` for park ZY from 1 January to
31 December of --today's year through the app (ASGI, in process, its clock pinned to that
day) and downloads the archive through its link; after one warm-up request it prints per
run the time to build and keep the dossier (the mutation) and to download it, the SQL
statements, the part of it that verifies the evidence chains (every chain of the platform,
timed alone), and once the archive's size and its sections' counts.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import statistics
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from strawberry.relay import to_base64

from api.app import create_app
from api.settings import ApiSettings
from authz.credentials import mint_token
from authz.demo import demo_subjects
from benchmarks.calibration import print_calibration
from domain.clock import today_shanghai
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory
from domain.dossier.chain import chain_state
from domain.files.stores.disk import DiskStore
from domain.tree.models import OrgUnit
from migrations.runner import upgrade
from scratch import temporary_database
from seeds.loader import load_dataset

REQUEST = """mutation($input: RequestAccountabilityDossierInput!) {
  requestAccountabilityDossier(input: $input) {
    dossier { sha256 size downloadUrl } userErrors { code messageEn } } }"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def counts(archive: bytes) -> dict[str, int]:
    """Entries of each section of the archive, and its files."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = z.namelist()

        def section(name: str, key: str) -> list[Any]:
            found: list[Any] = json.loads(z.read(name))[key]
            return found

        posts = section("holders.json", "posts")
        return {
            "entries": len(names),
            "posts": len(posts),
            "assignments": sum(len(p["assignments"]) for p in posts),
            "duty lists": len(section("duty_lists.json", "lists")),
            "obligations": len(section("obligations.json", "obligations")),
            "records": len(section("obligations.json", "records")),
            "hazards": len(section("hazards.json", "hazards")),
            "exemptions": len(section("exemptions.json", "exemptions")),
            "audit entries": len(section("audit.json", "events")),
            "files": sum(1 for n in names if n.startswith("files/")),
        }


async def run(url: str, runs: int, today: date, caller: str, store_root: Path) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        factory = create_session_factory(engine)
        started = time.perf_counter()
        store = DiskStore(store_root)
        async with factory() as session:
            # With the store: the demo's evidence files go into the dossier as they would.
            await load_dataset(session, today=today, store=store)
            await session.commit()
        loaded = time.perf_counter() - started
        async with factory() as session:
            park = await session.scalar(
                select(OrgUnit.id).where(OrgUnit.kind == "PARK", OrgUnit.code == "ZY")
            )
            who = next(s for s in await demo_subjects(session) if s.role == caller)
        assert park is not None
        print(f"database            {make_url(url).get_backend_name()}")
        print(f"demo data           loaded as of {today} in {loaded:.1f} s; park ZY, caller {who.label}")
        await print_calibration(engine)

        statements = 0

        def count(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        settings = ApiSettings(environment=Environment.TEST, database_url=url)
        app = create_app(settings, session_factory=factory, file_store=store)
        app.state.clock = lambda: today
        async with factory() as session:
            await app.state.authority.load(session)
        headers = {"Authorization": f"Bearer {mint_token(settings, who.subject)}"}
        variables = {
            "input": {
                "unitId": to_base64("OrgUnit", park),
                "from": f"{today.year}-01-01",
                "to": f"{today.year}-12-31",
            }
        }
        build: list[float] = []
        fetch: list[float] = []
        made: list[int] = []
        archive = b""
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            for i in range(runs + 1):
                statements = 0
                start = time.perf_counter()
                response = await client.post("/graphql", json={"query": REQUEST, "variables": variables})
                built = time.perf_counter() - start
                payload = response.json()["data"]["requestAccountabilityDossier"]
                assert not payload["userErrors"], payload["userErrors"]
                made.append(statements)
                start = time.perf_counter()
                download = await client.get(payload["dossier"]["downloadUrl"], headers={})
                fetched = time.perf_counter() - start
                assert download.status_code == 200, download.text
                archive = download.content
                if i >= 1:
                    build.append(built)
                    fetch.append(fetched)
        print(
            f"build and keep      median {statistics.median(build):7.2f} s   p95 {pct(build, 0.95):7.2f} s   "
            f"(n={len(build)}; {made[-1]} statements)"
        )
        print(f"download            median {statistics.median(fetch) * 1000:7.1f} ms")
        async with factory() as session:
            start = time.perf_counter()
            state = await chain_state(session)
            verified = time.perf_counter() - start
        links = sum(h["length"] for h in state.heads.values())
        print(
            f"of which the chain  {verified:7.2f} s   (every chain verified: {len(state.heads)} chains, "
            f"{links:,} links, ok={state.verification['ok']})"
        )
        print(f"archive             {len(archive):,} bytes")
        for label, n in counts(archive).items():
            print(f"  {label:<18}{n:>10,}")
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="the demo's day (default today)"
    )
    parser.add_argument("--caller", default="district-admin", choices=["district-admin", "park-secretary"])
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    # Casbin logs every denial as a warning; the demo's callers are denied on the way.
    logging.getLogger("casbin.enforcer").setLevel(logging.ERROR)
    server = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server, Path(tmp)) as url:
            await run(url, args.runs, args.today or today_shanghai(), args.caller, Path(tmp) / "files")


if __name__ == "__main__":
    asyncio.run(main())
