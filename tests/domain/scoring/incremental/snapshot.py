"""What the score tables hold, and how two such snapshots differ."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.scoring.models import ScoreTally, UnitScore

# --- snapshots ------------------------------------------------------------------------------

TALLY_COLUMNS = (
    "person_id", "post_id", "unit_id", "month", "weight_class", "answering", "on_time", "late", "missed",
)  # fmt: skip
SCORE_KEY = ("unit_id", "scope", "period_kind", "period_start")
SCORE_VALUES = tuple(
    c.name for c in UnitScore.__table__.columns if c.name not in ("id", "changed_at", *SCORE_KEY)
)


@dataclass(frozen=True)
class Snapshot:
    tallies: Counter[tuple[Any, ...]]
    scores: dict[tuple[Any, ...], tuple[Any, ...]]


async def snapshot(session: AsyncSession) -> Snapshot:
    """What the score tables hold, read from the database (not the identity map)."""
    await session.flush()
    tally_rows = await session.execute(select(*(getattr(ScoreTally, c) for c in TALLY_COLUMNS)))
    score_rows = await session.execute(select(*(getattr(UnitScore, c) for c in (*SCORE_KEY, *SCORE_VALUES))))
    scores: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in score_rows.all():
        key = tuple(row[: len(SCORE_KEY)])
        assert key not in scores, f"two unit_score rows for {key}"
        scores[key] = tuple(row[len(SCORE_KEY) :])
    return Snapshot(Counter(tuple(r) for r in tally_rows.all()), scores)


def difference(kept: Snapshot, fresh: Snapshot) -> str:
    """A readable account of how the maintained tables differ from the rebuilt ones."""
    lines: list[str] = []
    extra, missing = kept.tallies - fresh.tallies, fresh.tallies - kept.tallies
    if extra or missing:
        lines.append("score_tally " + ", ".join(TALLY_COLUMNS) + ":")
        lines += [f"  maintained only: {t} ×{n}" for t, n in sorted(extra.items(), key=str)]
        lines += [f"  rebuilt only:    {t} ×{n}" for t, n in sorted(missing.items(), key=str)]
    for key in sorted(kept.scores.keys() | fresh.scores.keys(), key=str):
        a, b = kept.scores.get(key), fresh.scores.get(key)
        if a == b:
            continue
        if a is None or b is None:
            row = dict(zip(SCORE_VALUES, a or b or (), strict=True))
            side = "rebuilt" if a is None else "maintained"
            lines.append(f"unit_score {key}: only {side}: {row}")
            continue
        changed = {n: (x, y) for n, x, y in zip(SCORE_VALUES, a, b, strict=True) if x != y}
        lines.append(f"unit_score {key}: maintained → rebuilt {changed}")
    return "\n".join(lines)
