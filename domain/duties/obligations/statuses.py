"""Statuses without the evidence: what a share is judged, for callers that count.

`Calculator.for_posts` returns full obligations (the records that count, the units
covered), which explanations and duty lists need. Scoring needs only who owed what in which
period and how it stands; `Calculator.statuses` returns that as `Judged` rows and judges the
common share (a post's periodic duty, one holder throughout, no set of units to cover)
without building its obligation: it counts the holder's matching records by bisection over
dates prepared once per holder, duty and scope. `tests/domain/duties/test_statuses.py`
checks on random facts that both give the same statuses.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date

from domain.duties.obligations.inputs import RecordFacts


class MatchingDates:
    """The days of a holder's records that count for one duty in one scope: performed-on
    days of regular records and the days make-up records stand for, each sorted."""

    __slots__ = ("makeups", "performed")

    def __init__(self, performed: list[date], makeups: list[date]) -> None:
        self.performed = performed
        self.makeups = makeups

    @classmethod
    def of(
        cls,
        regular: Sequence[RecordFacts],
        makeups: Iterable[RecordFacts],
        kinds: frozenset[str],
        list_id: int,
        key: str,
        roots: Sequence[str],
    ) -> MatchingDates | None:
        """None when no record of the holder counts (most holders of most duties)."""

        def counts(r: RecordFacts) -> bool:
            return (
                r.kind in kinds
                and r.names(list_id, key)
                and any(p.startswith(root) for p in r.unit_paths for root in roots)
            )

        performed = [r.performed_on for r in regular if counts(r)]
        made_up = sorted(r.makeup_for for r in makeups if r.makeup_for is not None and counts(r))
        if not performed and not made_up:
            return None
        return cls(performed, made_up)

    def count(self, start: date, due: date, end: date) -> tuple[int, int]:
        """(on time, late) records for a share of [start, end] due on `due`: performed by the
        due date, performed after it within the share, or made up for a day of the share."""
        performed = self.performed
        first = bisect_left(performed, start)
        # A share may begin after its period's due day (a weekly duty due on Thursday, a
        # holder from Friday): all its records are late.
        by_due = max(first, bisect_right(performed, due))
        late = bisect_right(performed, end) - by_due
        if self.makeups:
            late += bisect_right(self.makeups, end) - bisect_left(self.makeups, start)
        return by_due - first, late
