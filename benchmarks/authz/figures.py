"""Timing a call and printing percentiles against a target."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values_ms: list[float], target_ms: float | None = None, on: str = "p95") -> None:
    med, p95 = statistics.median(values_ms), pct(values_ms, 0.95)
    text_ = f"{label:<58} median {med:8.3f} ms   p95 {p95:8.3f} ms   (n={len(values_ms)})"
    if target_ms is not None:
        measured = p95 if on == "p95" else med
        verdict = "PASS" if measured < target_ms else "MISS"
        text_ += f"   target {on} < {target_ms:g} ms: {verdict}"
    print(text_, flush=True)


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out
