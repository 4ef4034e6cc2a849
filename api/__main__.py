"""Command line: `python -m api <command>`.

serve          migrate, load the demo data into an empty database (if enabled), serve
migrate        apply Alembic migrations
load-demo      load the demo dataset into an empty database
load-catalogue load the requirement catalogue and the hazard category library
escalate-hazards  escalate overdue major hazards (servers also do it every hour)
rebuild-scores    every tally and score again from the evidence
refresh-scores    bring the scores to today (servers also do it every ten minutes)
export-schema  write schema.graphql (or check it with --check)
token, create-api-key, revoke-api-key, demo-logins   credentials (see api/access/cli.py)
export-policy  model.conf and policy.csv for stock Casbin (see api/admin/cli.py)
create-admin   the first platform administrator of a new installation (api/admin/first_admin.py)
seal-chains, verify-chain   the evidence chains (see api/audit/cli.py)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from pathlib import Path

from api.settings import get_settings
from domain.clock import today_shanghai

log = logging.getLogger("api.cli")


async def _migrate(url: str) -> None:
    from domain.audit.chain.sealing import seal_backlog
    from domain.db import begin_write, create_engine, create_session_factory
    from domain.scoring.maintain import rebuild_if_emptied
    from migrations.runner import upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with create_session_factory(engine)() as session:
            if await rebuild_if_emptied(session, today_shanghai()):
                await session.commit()
                log.info("scores rebuilt from the evidence after a migration emptied them")
        # Rows written before the evidence chains (or missed) are sealed now, in key order.
        async with create_session_factory(engine)() as session:
            await begin_write(session)
            sealed = await seal_backlog(session)
            await session.commit()
            if sealed:
                log.info("evidence chains: %d row(s) sealed", sealed)
    finally:
        await engine.dispose()


async def _load_demo(url: str, *, only_if_empty: bool) -> None:
    from domain.db import create_engine, create_session_factory
    from seeds.loader import is_empty, load_dataset

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            if not await is_empty(session):
                if only_if_empty:
                    log.info("database already holds data; demo data not loaded")
                    return
                raise SystemExit("the database already holds data; demo data loads only into an empty one")
            counts = await load_dataset(session, today=today_shanghai())
            await session.commit()
            log.info("demo data loaded: %s", counts)
    finally:
        await engine.dispose()


async def _load_catalogue(url: str) -> None:
    """The requirement catalogue and the hazard category library: reference data every
    database needs, demo or not. Idempotent."""
    from domain.actors import CLI
    from domain.db import create_engine, create_session_factory
    from seeds.catalogue_marks import carry_rule_marks
    from seeds.hazard_categories import load_hazard_categories
    from seeds.key_work_upgrade import move_key_work_to_tasks
    from seeds.requirements import load_requirements

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            counts = await load_requirements(session) | await load_hazard_categories(session)
            # Installs that took 004 附件2 as a duty list: its items become the parks' tasks.
            counts |= await move_key_work_to_tasks(session, today=today_shanghai(), actor=CLI)
            # Installs whose lists copied the rules before they said their basis and delegation.
            counts |= await carry_rule_marks(session, today=today_shanghai(), actor=CLI)
            await session.commit()
            log.info("catalogue loaded: %s", counts)
    finally:
        await engine.dispose()


async def _escalate(url: str) -> None:
    from domain.db import create_engine, create_session_factory
    from domain.hazards.service import escalate_overdue

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            written = await escalate_overdue(session, today_shanghai())
            await session.commit()
            print(f"escalated {written} overdue major hazard notice(s)")
    finally:
        await engine.dispose()


async def _scores(url: str, *, full: bool, since: date | None = None, workers: int = 1) -> None:
    from domain.db import create_engine, create_session_factory
    from domain.scoring.maintain import rebuild, refresh

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            if full:
                timings = await rebuild(
                    session,
                    today_shanghai(),
                    since=since,
                    progress=log.info,
                    workers=workers,
                    database_url=url,
                )
                await session.commit()
                print("scores rebuilt: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
            else:
                moved = await refresh(session, today_shanghai())
                await session.commit()
                print("scores refreshed" if moved else "scores already current (or not built yet)")
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, load demo data if empty, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    sub.add_parser("migrate", help="apply migrations")
    sub.add_parser("load-demo", help="load the demo dataset into an empty database")
    sub.add_parser("load-catalogue", help="load the requirement catalogue and hazard categories (idempotent)")
    sub.add_parser("escalate-hazards", help="escalate overdue major hazards")
    rebuild = sub.add_parser("rebuild-scores", help="every tally and score again from the evidence")
    rebuild.add_argument("--since", type=date.fromisoformat, default=None, help="count scores from this day")
    rebuild.add_argument("--workers", type=int, default=2, help="processes computing obligations (default 2)")
    sub.add_parser("refresh-scores", help="bring the scores to today")
    export = sub.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", default="schema.graphql")
    export.add_argument("--check", action="store_true", help="fail if the file differs from the code")
    from api.access import cli as access_cli
    from api.admin import cli as admin_cli
    from api.audit import cli as chain_cli

    access_cli.add_commands(sub)
    admin_cli.add_commands(sub)
    chain_cli.add_commands(sub)
    args = parser.parse_args(argv)
    from api.ops.logs import configure_logging

    settings = get_settings()
    # One logging setup for every command; `serve` hands the same one to uvicorn.
    log_config = configure_logging(settings)
    if args.command in access_cli.COMMANDS:
        access_cli.run(args, settings)
        return
    if args.command in admin_cli.COMMANDS:
        admin_cli.run(args, settings)
        return
    if args.command in chain_cli.COMMANDS:
        chain_cli.run(args, settings.database_url)
        return

    if args.command == "migrate":
        asyncio.run(_migrate(settings.database_url))
    elif args.command == "load-demo":
        asyncio.run(_load_demo(settings.database_url, only_if_empty=False))
    elif args.command == "escalate-hazards":
        asyncio.run(_escalate(settings.database_url))
    elif args.command == "rebuild-scores":
        asyncio.run(_scores(settings.database_url, full=True, since=args.since, workers=args.workers))
    elif args.command == "refresh-scores":
        asyncio.run(_scores(settings.database_url, full=False))
    elif args.command == "load-catalogue":
        asyncio.run(_load_catalogue(settings.database_url))
    elif args.command == "export-schema":
        from api.schema import schema_sdl

        sdl = schema_sdl()
        path = Path(args.output)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != sdl:
                sys.exit(f"{path} differs from the schema in code; run `python -m api export-schema`")
            print(f"{path} matches the code")
        else:
            path.write_text(sdl, encoding="utf-8")
            print(f"wrote {path}")
    elif args.command == "serve":
        import uvicorn

        asyncio.run(_migrate(settings.database_url))
        if settings.load_demo_data:
            asyncio.run(_load_demo(settings.database_url, only_if_empty=True))
        print(f"GraphQL API (GraphiQL) on http://{args.host}:{args.port}/graphql", flush=True)
        # Proxy headers are ours to read (TRUSTED_PROXIES, api/proxies.py): uvicorn's own
        # would believe X-Forwarded-For from any client on loopback.
        uvicorn.run(
            "api.app:app_factory",
            factory=True,
            host=args.host,
            port=args.port,
            log_config=log_config,
            log_level=settings.log_level.lower(),
            proxy_headers=False,
            # Requests in flight get this long to finish when the server is told to stop.
            timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) or None,
        )


if __name__ == "__main__":
    main()
