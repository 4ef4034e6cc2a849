"""One page of obligations in their order, computed for that page only.

Obligations are listed by `page_key` (due date first). A list's first page asked for with
`first: 20` needs the twenty earliest obligations, not the tens of thousands of a park's
year: the page is found in windows of due dates, from the cursor's due date on, each twice
as wide as the one before, until it holds the page and one more row (for `hasNextPage`).

Why a window of due dates is complete: a share's due date lies in its period (from the
period's first day to its last), so every obligation due in [a, b] belongs to a period that
overlaps [a, b] — `Calculator.for_posts(a, b)` finds it. An obligation of a period that
overlaps [lo, hi] but is due before `lo` (or after `hi`) belongs to a period holding `lo`
(`hi`): the first (last) window is computed from `lo` (to `hi`).

Records are read last, and only for the shares that need them: which shares there are, their
dates and their order do not depend on records (only statuses do), so the windows are
computed on the facts without records; then the records of the chosen shares' holders dated
within those shares are read and the shares judged again on them — the same computation on
every record that can count for them. When the list is filtered by status, each window's
shares are judged before the page is filled.

`obligations_page` gives exactly the rows `Calculator.for_posts(lo, hi)` would after the same
filters, from the cursor on (a property test holds it to that).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.facts import load_facts, records_between
from domain.duties.obligations import Calculator, Facts, Obligation, RecordFacts, Status

# (due date, post, item, period start, person, critical period, share start): unique per
# obligation; None values count as 0 as in `Obligation.sort_key`.
PageKey = tuple[date, int, int, date, int, int, date]

# The first window's days; each next one is twice as wide. A park's first page of the year
# is mostly daily checks due on the first days; a list filtered by status is sparser, and
# each of its windows costs a reading of records: it starts wider.
FIRST_WINDOW_DAYS = 4
FIRST_WINDOW_DAYS_BY_STATUS = 8

RecordLoader = Callable[[set[int], date, date], Awaitable[list[RecordFacts]]]


def page_key(o: Obligation) -> PageKey:
    return (*o.sort_key, o.share_start)


@dataclass(frozen=True)
class Wanted:
    """Which obligations the list holds: those of `person` (None: any), due in [due_from,
    due_to] (None: unbounded), of these `statuses` (None: any)."""

    person: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    statuses: frozenset[Status] | None = None

    def shape_fits(self, o: Obligation) -> bool:
        """What can be told without records."""
        return (
            (self.person is None or o.person_id == self.person)
            and (self.due_from is None or o.due_date >= self.due_from)
            and (self.due_to is None or o.due_date <= self.due_to)
        )

    def fits(self, o: Obligation) -> bool:
        return self.shape_fits(o) and (self.statuses is None or o.status in self.statuses)


@dataclass(frozen=True)
class ObligationPage:
    items: list[Obligation]
    has_next: bool


def _clamp(day: date, lo: date, hi: date) -> date:
    return lo if day < lo else hi if day > hi else day


def _plus(day: date, days: int) -> date:
    return date.max if (date.max - day).days < days else day + timedelta(days=days)


class _Pager:
    def __init__(
        self,
        facts: Facts,
        wanted_posts: set[int],
        lo: date,
        hi: date,
        today: date,
        load_records: RecordLoader,
    ) -> None:
        self.facts = facts
        self.posts = wanted_posts
        self.lo, self.hi, self.today = lo, hi, today
        self.load_records = load_records

    def _computed(
        self, facts: Facts, first_due: date, last_due: date, posts: set[int], keep: tuple[date, date]
    ) -> list[Obligation]:
        """Obligations of `posts` of periods overlapping [lo, hi] that may be due in
        [first_due, last_due], those due in `keep` only."""
        lo, hi = self.lo, self.hi
        calculator = Calculator(facts, self.today, due_between=keep)
        return calculator.for_posts(_clamp(first_due, lo, hi), _clamp(last_due, lo, hi), posts)

    def _posts_of(self, shapes: Collection[Obligation]) -> set[int]:
        """Wanted posts whose obligations include the shares: their posts, and for a share
        owed per holder the wanted posts its holder held (one of which brought it in)."""
        posts = {o.post_id for o in shapes if o.post_id is not None}
        holders = {o.person_id for o in shapes if o.post_id is None}
        if holders:
            posts.update(
                post_id
                for post_id, tenures in self.facts.tenures.items()
                if post_id in self.posts and any(t.person_id in holders for t in tenures)
            )
        return posts

    async def judged(self, shapes: Collection[Obligation]) -> list[Obligation]:
        """The shares again, judged on every record that can count for them, in key order."""
        if not shapes:
            return []
        # A post's share counts the records of every holder of the post (and delegate of the
        # duty) in its period; a per-holder share its holder's.
        persons = {o.person_id for o in shapes if o.person_id is not None}
        posts = {o.post_id for o in shapes if o.post_id is not None}
        persons.update(t.person_id for p in posts for t in self.facts.tenures.get(p, ()))
        persons.update(d.delegate_person_id for d in self.facts.delegations if d.post_id in posts)
        start = min(o.period_start for o in shapes)
        end = max(o.period_end for o in shapes)
        records = await self.load_records(persons, start, end) if persons else []
        keys = {page_key(o) for o in shapes}
        first, last = min(o.due_date for o in shapes), max(o.due_date for o in shapes)
        facts = replace(self.facts, records=records)
        computed = self._computed(facts, first, last, self._posts_of(shapes), (first, last))
        found = [o for o in computed if page_key(o) in keys]
        found.sort(key=page_key)
        return found

    async def page(self, size: int, after: PageKey | None, wanted: Wanted) -> ObligationPage:
        floor = max(after[0] if after else date.min, wanted.due_from or date.min)
        start = floor
        width = FIRST_WINDOW_DAYS if wanted.statuses is None else FIRST_WINDOW_DAYS_BY_STATUS
        found: list[Obligation] = []
        while True:
            end = _plus(max(start, self.lo), width - 1)
            last = end >= self.hi or (wanted.due_to is not None and end >= wanted.due_to)
            keep_to = date.max if end >= self.hi else end
            shapes = [
                o
                for o in self._computed(self.facts, start, end, self.posts, (start, keep_to))
                if start <= o.due_date <= keep_to
                and wanted.shape_fits(o)
                and (after is None or page_key(o) > after)
            ]
            if wanted.statuses is None:
                found.extend(shapes)
            else:
                found.extend(o for o in await self.judged(shapes) if wanted.fits(o))
            if len(found) > size or last:
                break
            start, width = _plus(end, 1), width * 2
        found.sort(key=page_key)
        chosen = found[: size + 1]
        if wanted.statuses is None:
            chosen = await self.judged(chosen)
        return ObligationPage(chosen[:size], len(chosen) > size)


async def page_of_facts(
    facts: Facts,
    wanted_posts: set[int],
    lo: date,
    hi: date,
    today: date,
    load_records: RecordLoader,
    *,
    size: int,
    after: PageKey | None = None,
    wanted: Wanted = Wanted(),
) -> ObligationPage:
    """`size` obligations of `for_posts(lo, hi, wanted_posts)` that `wanted` holds, after the
    key `after`, in key order; `facts` hold no records (or some: they are not read), which
    `load_records(persons, start, end)` gives: those of the persons dated, or making up for
    a day, in [start, end]."""
    pager = _Pager(replace(facts, records=[]), wanted_posts, lo, hi, today, load_records)
    return await pager.page(size, after, wanted)


async def obligations_page(
    session: AsyncSession,
    posts: Select[Any],
    lo: date,
    hi: date,
    today: date,
    *,
    size: int,
    after: PageKey | None = None,
    wanted: Wanted = Wanted(),
) -> ObligationPage:
    """One page of `obligations_of_posts(posts, lo, hi, today)` filtered by `wanted`, after
    the key `after`, reading only the records of the shares it judges."""
    facts = await load_facts(session, posts, lo, hi, records=False)
    wanted_posts = set((await session.scalars(posts)).all())

    async def load(persons: set[int], start: date, end: date) -> list[RecordFacts]:
        return await records_between(session, facts, persons, start, end)

    return await page_of_facts(
        facts, wanted_posts, lo, hi, today, load, size=size, after=after, wanted=wanted
    )
