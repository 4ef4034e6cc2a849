"""Keeping scores current: incremental updates, the daily refresh and the full rebuild.

The invariant: the tallies and unit scores equal what `rebuild` would write for the same
evidence and the same `as_of` day (a property test checks it). Three things keep it:

- `track(...)`: a service that changes evidence (a record, an assignment, an exemption, a
  critical period, a list) names the holders and posts whose obligations the change can
  touch and the days it touches; the obligations of periods overlapping those days are
  judged before and after the change and the difference is applied — to the leaf counts
  and to the unit scores they roll up into, and nothing else.
- `refresh_hazard_units(...)`: a hazard's transition recomputes its unit's hazard sums.
- `refresh(...)`: when the day moves on, obligations due in between turn MISSED and open
  hazards may turn overdue; the refresh judges exactly those again and moves `as_of`.
  Servers run it in a loop; any change first catches up to today.

Before the first rebuild (no `score_state` row) there are no scores and nothing is tracked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.duties.facts import FACTS_FINGERPRINT, load_facts, with_added_records, with_fresh_records
from domain.duties.obligations import Calculator, Facts, RecordFacts
from domain.duties.rules import MAX_WITHIN_DAYS
from domain.hazards.models import Hazard
from domain.posts.models import Assignment, Post, PostCharge, assignment_overlaps, effective_assignment
from domain.scoring.formula import PeriodKind, ScoreScope, Sums, periods_between
from domain.scoring.models import ScoreState, ScoreTally, UnitScore
from domain.scoring.rebuild import rebuild_all
from domain.scoring.state import current_state
from domain.scoring.store import (
    SCHEME_FINGERPRINT,
    SchemeBook,
    apply_leaves,
    apply_rollups,
    leaf_rollup_deltas,
    rollup_deltas,
)
from domain.scoring.tallies import (
    Counts,
    LeafKey,
    Selection,
    ancestors,
    hazard_sums,
    load_hazards,
    selected_facts,
    selected_from,
    selected_obligations,
    tally,
    unit_places,
)
from domain.tree.models import OrgUnit

HAZARD_FIELDS = ("hz_weight", "hz_lost", "hz_counted", "hz_overdue", "hz_open_major", "hz_closed")


async def _book(session: AsyncSession, unit_ids: Iterable[int]) -> SchemeBook:
    book = await SchemeBook.load(session)
    places = await unit_places(session, unit_ids)
    extra = {a for p, _ in places.values() for a in ancestors(p)} - set(places)
    if extra:
        places.update(await unit_places(session, extra))
    book.set_places(places)
    return book


def _paths_of(facts: Facts) -> dict[int, str]:
    """The paths of the posts' units and of their ancestors (a path's prefixes): the units
    a delta of these facts counts at and rolls up into."""
    paths: dict[int, str] = {}
    for post in facts.posts:
        prefix = "/"
        for unit_id in ancestors(post.path):
            prefix += f"{unit_id}/"
            paths[unit_id] = prefix
    return paths


async def _apply_leaf_delta(
    session: AsyncSession,
    delta: dict[LeafKey, Counts],
    paths: dict[int, str] | None = None,
    schemes: tuple[Any, ...] | None = None,
) -> None:
    """`paths`: the units' paths when the caller knows them (from the facts it judged);
    `schemes`: the scheme versions' fingerprint when the caller read it (`_prepared`)."""
    delta = {k: v for k, v in delta.items() if any(v)}
    if not delta:
        return
    if paths is not None and all(k[2] in paths for k in delta):
        book = await SchemeBook.load(session, schemes)
        book.set_paths(paths)
    else:
        book = await _book(session, {k[2] for k in delta})
    await apply_leaves(session, delta)
    await apply_rollups(session, leaf_rollup_deltas(delta, book), book)


def _difference(before: dict[LeafKey, Counts], after: dict[LeafKey, Counts]) -> dict[LeafKey, Counts]:
    out: dict[LeafKey, Counts] = {}
    for key in before.keys() | after.keys():
        b = before.get(key, (0, 0, 0))
        a = after.get(key, (0, 0, 0))
        d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
        if any(d):
            out[key] = d
    return out


async def _with_holders(session: AsyncSession, selection: Selection, lo: date, hi: date) -> Selection:
    """The selection with the holders of its posts: their per-holder duties span the posts.
    A critical period's duty lasts up to MAX_WITHIN_DAYS past the period's last day, so
    those who hold the posts only in those days are holders too."""
    if not selection.posts:
        return selection
    holders = (
        await session.scalars(
            select(Assignment.person_id).where(
                Assignment.post_id.in_(sorted(selection.posts)),
                effective_assignment(),
                assignment_overlaps(lo, hi + timedelta(days=MAX_WITHIN_DAYS)),
            )
        )
    ).all()
    return Selection(selection.persons | frozenset(holders), selection.posts)


def _scored_span(days: Iterable[date | None], state: ScoreState) -> tuple[date, date] | None:
    """The span whose periods a change on `days` can touch, within what scores count: each
    end is brought into [since, as_of], not dropped. A counted period (one ending on or
    after `since` and begun by `as_of`) that holds a day before `since` holds `since`, and
    one that holds a day after `as_of` holds `as_of`: a record of 31 December counts for
    the week that ends in January, and ending a tenure next month changes the share owed
    of this quarter. None: no days."""
    span = sorted(d for d in days if d is not None)
    if not span:
        return None
    lo = min(max(span[0], state.since), state.as_of)
    hi = min(max(span[-1], state.since), state.as_of)
    return (lo, hi) if lo <= hi else None


async def _judge(
    session: AsyncSession, selection: Selection, lo: date, hi: date, state: ScoreState
) -> dict[LeafKey, Counts]:
    found, post_units = await selected_obligations(session, selection, lo, hi, state.as_of)
    return tally(found, post_units, state.since)


class Tracked:
    """What the change inside `track` tells it: `add_record` for each record it wrote that
    is all the change is (a new record, in force, correcting nothing), so that the facts
    after it need not be read again."""

    def __init__(self) -> None:
        self.added: list[RecordFacts] = []

    def add_record(self, record: RecordFacts) -> None:
        self.added.append(record)


@asynccontextmanager
async def track(
    session: AsyncSession,
    today: date | None,
    *,
    persons: Iterable[int | None] = (),
    posts: Iterable[int | None] = (),
    days: Iterable[date | None] = (),
    records_only: bool = False,
) -> AsyncIterator[Tracked]:
    """Around a change of evidence: the obligations of `persons` and `posts` in periods
    overlapping the span of `days` are judged before and after, and the scores take the
    difference. Days are brought into the scored span (`_scored_span`); nothing happens
    before scores exist. `today` None: judge as of the state's day without catching up first."""
    state, schemes, lists = await _prepared(session, today)
    selection = Selection(frozenset(p for p in persons if p), frozenset(p for p in posts if p))
    span = _scored_span(days, state) if state is not None else None
    tracked = Tracked()
    if state is None or not selection or span is None:
        yield tracked
        return
    lo, hi = span
    selection = await _with_holders(session, selection, lo, hi)
    facts = await selected_facts(session, selection, lo, hi, lists)
    before = tally(*selected_from(facts, selection, lo, hi, state.as_of), state.since)
    yield tracked
    await session.flush()
    # A change of records alone (`records_only`) leaves every other fact as it was; new
    # records that the change handed over need no reading either.
    if not records_only:
        facts = await selected_facts(session, selection, lo, hi)
    elif tracked.added:
        facts = with_added_records(facts, tracked.added)
    else:
        facts = await with_fresh_records(session, facts)
    after = tally(*selected_from(facts, selection, lo, hi, state.as_of), state.since)
    await _apply_leaf_delta(session, _difference(before, after), _paths_of(facts), schemes)


async def added(
    session: AsyncSession, today: date | None, *, posts: Iterable[int], days: Iterable[date | None]
) -> None:
    """After new posts appear: their obligations counted (there were none before)."""
    state = await prepare(session, today)
    selection = Selection(frozenset(), frozenset(posts))
    span = _scored_span(days, state) if state is not None else None
    if state is None or not selection or span is None:
        return
    lo, hi = span
    await session.flush()
    selection = await _with_holders(session, selection, lo, hi)
    await _apply_leaf_delta(session, await _judge(session, selection, lo, hi, state))


async def posts_near(session: AsyncSession, unit_ids: Iterable[int]) -> set[int]:
    """Posts whose obligations a change at the units can touch: posts in their subtrees, on
    their ancestors, and posts in charge (分管) of any of those units."""
    places = await unit_places(session, unit_ids)
    if not places:
        return set()
    around = {a for p, _ in places.values() for a in ancestors(p)}
    under = or_(*(OrgUnit.path.startswith(p, autoescape=True) for p, _ in places.values()))
    units = select(OrgUnit.id).where(or_(OrgUnit.id.in_(sorted(around)), under))
    found = set(
        (
            await session.scalars(
                select(Post.id).where(
                    or_(
                        Post.unit_id.in_(units),
                        Post.id.in_(select(PostCharge.post_id).where(PostCharge.unit_id.in_(units))),
                    )
                )
            )
        ).all()
    )
    return found


async def rebuild_if_built(session: AsyncSession, today: date | None) -> None:
    """After a change that reshapes the tree (a move): everything again, if scores exist."""
    state = await current_state(session)
    if state is not None:
        await session.flush()
        await rebuild(session, max(today or state.as_of, state.as_of), since=state.since)


async def rebuild_if_emptied(session: AsyncSession, today: date) -> bool:
    """After a migration that emptied the derived tallies because their meaning changed
    (20261207_0015: a post's period counted once): everything again from the evidence, if
    scores had been built (a state) and none are stored. True if it rebuilt."""
    state = await current_state(session)
    if state is None or await session.scalar(select(ScoreTally.id).limit(1)) is not None:
        return False
    if await session.scalar(select(UnitScore.id).limit(1)) is not None:
        return False
    await rebuild(session, max(today, state.as_of), since=state.since)
    return True


_STATE_AND_FINGERPRINTS = (
    select(ScoreState, *SCHEME_FINGERPRINT, *FACTS_FINGERPRINT).order_by(ScoreState.id).limit(1)
)
_SCHEMES = slice(1, 1 + len(SCHEME_FINGERPRINT))
_LISTS = slice(1 + len(SCHEME_FINGERPRINT), None)


async def _prepared(
    session: AsyncSession, today: date | None
) -> tuple[ScoreState | None, tuple[Any, ...] | None, tuple[Any, ...] | None]:
    """`prepare`, with the fingerprints of the scheme versions and of the lists and critical
    periods (`FACTS_FINGERPRINT`) read in the same statement."""
    row = (await session.execute(_STATE_AND_FINGERPRINTS)).first()
    if row is None:
        return None, None, None
    state = row[0]
    if today is not None and state.as_of < today:
        await refresh(session, today)
        return await _prepared(session, None)
    return state, tuple(row[_SCHEMES]), tuple(row[_LISTS])


async def prepare(session: AsyncSession, today: date | None) -> ScoreState | None:
    """The score state, caught up to `today` first if the day has moved on."""
    state = await current_state(session)
    if state is not None and today is not None and state.as_of < today:
        await refresh(session, today)
        state = await current_state(session)
    return state


# --- hazards ----------------------------------------------------------------------------


async def _stored_own_hazards(
    session: AsyncSession, unit_ids: list[int] | None, periods: list[tuple[PeriodKind, date]]
) -> dict[tuple[int, str, date], Sums]:
    out: dict[tuple[int, str, date], Sums] = {}
    wanted = {(str(k), s) for k, s in periods}
    starts = sorted({s for _, s in periods})
    stmt = select(UnitScore).where(
        UnitScore.scope == ScoreScope.OWN.value, UnitScore.period_start.in_(starts)
    )
    if unit_ids is not None:
        stmt = stmt.where(UnitScore.unit_id.in_(unit_ids))
    for row in (await session.scalars(stmt)).all():
        if (row.period_kind, row.period_start) not in wanted:
            continue
        s = Sums()
        for f in HAZARD_FIELDS:
            setattr(s, f, getattr(row, f))
        if not s.is_zero():
            out[(row.unit_id, row.period_kind, row.period_start)] = s
    return out


async def _refresh_hazards(
    session: AsyncSession, unit_ids: list[int] | None, lo: date, hi: date, as_of: date
) -> None:
    """Recompute the OWN hazard sums of the units (all if None) for periods overlapping
    [lo, hi] and apply the differences."""
    periods = periods_between(lo, hi)
    first = min(s for _, s in periods)
    where = Hazard.unit_id.in_(unit_ids) if unit_ids is not None else Hazard.id.is_not(None)
    hazards = await load_hazards(session, where, hi, first)
    stored = await _stored_own_hazards(session, unit_ids, periods)
    book = await _book(session, {h.unit_id for h in hazards} | {k[0] for k in stored})
    fresh = hazard_sums(hazards, periods, as_of, book.for_unit)
    own: list[tuple[int, str, date, Sums]] = []
    for key in fresh.keys() | stored.keys():
        d = Sums()
        if key in fresh:
            d.add(fresh[key])
        if key in stored:
            d.add(stored[key], -1)
        if not d.is_zero():
            own.append((key[0], key[1], key[2], d))
    await apply_rollups(session, rollup_deltas(own, book), book)


async def refresh_hazard_units(
    session: AsyncSession, today: date | None, unit_ids: Iterable[int | None]
) -> None:
    """After a hazard changed: its units' hazard sums, over the scored span, again."""
    state = await prepare(session, today)
    if state is None:
        return
    await session.flush()
    await _refresh_hazards(session, sorted({u for u in unit_ids if u}), state.since, state.as_of, state.as_of)


# --- the day moving on ------------------------------------------------------------------


async def refresh(session: AsyncSession, today: date) -> bool:
    """Move the scores from `as_of` to `today`: obligations due from `as_of` up to
    yesterday are judged again as of today, and so are the hazards of the periods around.
    Returns whether anything moved."""
    state = await current_state(session, lock=True)
    if state is None or state.as_of >= today:
        return False
    old = state.as_of
    lo, hi = max(old, state.since), today - timedelta(days=1)
    if lo <= hi:
        # The same facts judged on both days.
        facts = await load_facts(session, select(Post.id), lo, hi)
        ids = {p.id for p in facts.posts}
        post_units = {p.id: p.unit_id for p in facts.posts}
        before = tally(Calculator(facts, old).statuses(lo, hi, ids), post_units, state.since)
        after = tally(Calculator(facts, today).statuses(lo, hi, ids), post_units, state.since)
        await _apply_leaf_delta(session, _difference(before, after))
    await _refresh_hazards(session, None, max(old, state.since), today, today)
    state.as_of = today
    state.refreshed_at = utcnow()
    await session.flush()
    return True


# --- the full rebuild (domain/scoring/rebuild.py), run again when a change calls for it ---


async def rebuild(
    session: AsyncSession,
    today: date,
    *,
    since: date | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    database_url: str | None = None,
) -> dict[str, float]:
    """Every tally and unit score again from the evidence, judged on `today` (see
    `domain.scoring.rebuild`). Returns timings."""
    return await rebuild_all(
        session, today, since=since, progress=progress, workers=workers, database_url=database_url
    )
