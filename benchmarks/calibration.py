"""The machine's own speed, printed first by the benchmarks so that runs on different
machines can be compared."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


def python_loop_seconds() -> float:
    """The best of three runs of ten million additions in a plain loop."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


async def print_calibration(engine: AsyncEngine) -> None:
    """Two figures of the machine itself, to compare runs on different machines (their
    speed has been seen to differ by up to 2.5×): Python's speed, and a round trip to the
    database (`SELECT 1`, median of 200)."""
    trips = []
    async with engine.connect() as conn:
        for _ in range(220):
            started = time.perf_counter()
            await conn.execute(text("SELECT 1"))
            trips.append(time.perf_counter() - started)
    print(f"calibration         10M-addition loop {python_loop_seconds():.2f} s; SELECT 1 round trip "
          f"{statistics.median(trips[20:]) * 1000:.3f} ms (median)", flush=True)  # fmt: skip
