"""The command line (see the package's description)."""

from __future__ import annotations

import argparse
import asyncio
import sys

import benchmarks.generate_province
from benchmarks.generate_province.build import run
from benchmarks.generate_province.shape import NotEmpty, Options
from domain.config import normalize_database_url


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate_province",
        description=benchmarks.generate_province.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", required=True)
    defaults = Options()
    for name in ("districts", "parks", "enterprises", "posts", "records", "hazards", "year", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    args = parser.parse_args()
    opts = Options(**{k: v for k, v in vars(args).items() if k != "database_url"})
    if (
        min(opts.districts, opts.parks, opts.enterprises) < 1
        or min(opts.records, opts.hazards, opts.posts) < 0
    ):
        parser.error("counts must be positive")
    try:
        asyncio.run(run(normalize_database_url(args.database_url), opts))
    except (NotEmpty, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
