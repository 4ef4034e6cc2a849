"""Printing timings (median and p95) and reading the --period argument."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from datetime import date

from domain.scoring.formula import PeriodKind


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, seconds: Sequence[float], note: str = "") -> None:
    med, p95 = statistics.median(seconds) * 1000, pct(seconds, 0.95) * 1000
    print(f"  {label:<36} median {med:8.2f} ms   p95 {p95:8.2f} ms   (n={len(seconds)}){note}", flush=True)


def parse_period(raw: str) -> tuple[PeriodKind, date]:
    """The period a --period names: "2025" a year, "2025-Q4" a quarter, "2025-12" a month."""
    if m := re.fullmatch(r"(\d{4})", raw):
        return PeriodKind.YEAR, date(int(m[1]), 1, 1)
    if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", raw):
        return PeriodKind.QUARTER, date(int(m[1]), 3 * int(m[2]) - 2, 1)
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", raw)) and 1 <= int(m[2]) <= 12:
        return PeriodKind.MONTH, date(int(m[1]), int(m[2]), 1)
    raise ValueError(f"period {raw!r}: expected YYYY, YYYY-Qn or YYYY-MM")
