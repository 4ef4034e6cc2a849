"""Command-line policy tools (`python -m api …`):

export-policy  write model.conf and policy.csv (the policy in force on a day) into a directory,
               for replay in stock Casbin (see README, "Policy administration")
create-admin   the first platform administrator of a new installation (see authz/bootstrap.py
               and README, "Deploying")
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path

from api.settings import ApiSettings
from domain.clock import today_shanghai

COMMANDS = ("export-policy", "create-admin")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export-policy", help="write model.conf and policy.csv for stock Casbin")
    export.add_argument("--out", required=True, metavar="DIR", help="directory to write into")
    export.add_argument(
        "--on", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD", help="day (default today)"
    )
    from api.admin import first_admin

    first_admin.add_command(sub)


def run(args: argparse.Namespace, settings: ApiSettings) -> None:
    if args.command == "create-admin":
        from api.admin import first_admin

        first_admin.run(args, settings)
    elif args.command == "export-policy":
        day = args.on or today_shanghai()
        model, policy = asyncio.run(_export(settings, Path(args.out), day))
        print(f"wrote {model} and {policy} (policy of {day})")


async def _export(settings: ApiSettings, out: Path, day: date) -> tuple[Path, Path]:
    """A fresh Authority loaded from the database: the policy every process converges to."""
    from authz.authority import Authority
    from authz.export import write_export
    from domain.db import create_engine, create_session_factory

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            authority = Authority()
            await authority.load(session)
    finally:
        await engine.dispose()
    return write_export(authority, day, out)
