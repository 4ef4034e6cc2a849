"""The full rebuild: every tally and unit score again from the evidence.

The work is cut into chunks (each district's own posts, each park's subtree). Computing a
chunk's obligations is pure Python and dominates; with `workers` > 1 and a database URL the
chunks are computed in a pool of that many processes, one chunk a task, each on its own
connection reading committed data, and this process merges their counts and writes. A
per-holder duty of someone with posts in two chunks is computed in both: it is counted
once, by its identity (list, duty, holder, period, critical period). With workers, this
process sums the hazards while they compute; the `compute` timing includes the `hazards`
one either way.

On PostgreSQL the two tables are truncated, their indexes dropped, the rows copied in
(COPY) and the indexes built again, all in the caller's transaction.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from datetime import date
from multiprocessing import get_context
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateIndex, DropIndex

from domain.db import create_engine, create_session_factory, utcnow
from domain.duties.queries import posts_of_unit
from domain.hazards.models import Hazard
from domain.scoring.formula import Sums, periods_between, score_of
from domain.scoring.models import ScoreState, ScoreTally, UnitScore
from domain.scoring.state import current_state, default_since
from domain.scoring.store import RollupKey, SchemeBook, own_sums, rollup_deltas
from domain.scoring.tallies import (
    Counts,
    LeafKey,
    chunk_statuses,
    hazard_sums,
    load_hazards,
    tally,
)
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit

HolderKey = tuple[Any, ...]  # (list, duty, holder, period start, critical period)
Part = tuple[dict[LeafKey, Counts], dict[HolderKey, tuple[LeafKey, Counts]]]


async def _chunks(session: AsyncSession) -> list[tuple[int, str, bool]]:
    """What a rebuild computes at a time: each district's own posts, then each park's
    subtree. (unit id, path, subtree?)."""
    rows = (
        await session.execute(
            select(OrgUnit.id, OrgUnit.path, OrgUnit.kind)
            .where(OrgUnit.kind.in_([UnitKind.DISTRICT.value, UnitKind.PARK.value]))
            .order_by(OrgUnit.path)
        )
    ).all()
    return [(r.id, r.path, r.kind == UnitKind.PARK.value) for r in rows]


async def _chunk_part(session: AsyncSession, path: str, subtree: bool, since: date, today: date) -> Part:
    """One chunk's counts: of its posts' obligations, and of its holders' per-holder duties
    one by one (by identity, to be counted once across chunks)."""
    found, post_units = await chunk_statuses(
        session, posts_of_unit(path, subtree=subtree), since, today, today
    )
    leaves = tally((o for o in found if o.post_id is not None), post_units, since)
    holders: dict[HolderKey, tuple[LeafKey, Counts]] = {}
    for o in found:
        if o.post_id is None:
            one = tally((o,), post_units, since)
            if one:
                ((key, counts),) = one.items()
                holders[(o.list_id, o.item_key, o.person_id, o.period_start, o.event_id)] = (key, counts)
    return leaves, holders


def _merge(into: dict[LeafKey, Counts], more: dict[LeafKey, Counts]) -> None:
    for k, v in more.items():
        c = into.get(k)
        if c is None:
            into[k] = list(v)
        else:
            c[0] += v[0]
            c[1] += v[1]
            c[2] += v[2]


async def _work_async(url: str, chunks: list[tuple[str, bool]], since: date, today: date) -> Part:
    engine = create_engine(url)
    leaves: dict[LeafKey, Counts] = {}
    holders: dict[HolderKey, tuple[LeafKey, Counts]] = {}
    try:
        async with create_session_factory(engine)() as session:
            for path, subtree in chunks:
                part_leaves, part_holders = await _chunk_part(session, path, subtree, since, today)
                _merge(leaves, part_leaves)
                holders.update(part_holders)
    finally:
        await engine.dispose()
    return leaves, holders


def _work(url: str, chunks: list[tuple[str, bool]], since: date, today: date) -> Part:
    """A worker process's share of the chunks."""
    return asyncio.run(_work_async(url, chunks, since, today))


@asynccontextmanager
async def _computing(
    session: AsyncSession,
    chunks: list[tuple[str, bool]],
    since: date,
    today: date,
    workers: int,
    database_url: str | None,
    progress: Callable[[str], None] | None,
) -> AsyncIterator[Callable[[], Awaitable[list[Part]]]]:
    """The chunks' parts, computed while the body runs when there are worker processes
    (the body must then not wait on them), else in this session when the body awaits them.
    Each chunk is a task of its own: the pool hands the next to whichever worker is free."""
    if workers <= 1 or database_url is None or len(chunks) < 2:

        async def here() -> list[Part]:
            parts = []
            for path, subtree in chunks:
                parts.append(await _chunk_part(session, path, subtree, since, today))
                if progress:
                    progress(f"{path}: computed")
            return parts

        yield here
        return
    loop = asyncio.get_running_loop()
    # Spawned, not forked: a fork would share this process's connections and event loop.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [loop.run_in_executor(pool, _work, database_url, [c], since, today) for c in chunks]
        gathered = asyncio.gather(*futures)

        async def there() -> list[Part]:
            return list(await gathered)

        try:
            yield there
        finally:
            if not gathered.done():
                gathered.cancel()
                await asyncio.gather(*futures, return_exceptions=True)


async def rebuild_all(
    session: AsyncSession,
    today: date,
    *,
    since: date | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    database_url: str | None = None,
) -> dict[str, float]:
    """Every tally and unit score again from the evidence, judged on `today`; scores count
    from `since` (default: as before, or 1 January of last year). Workers read committed
    data only: give them a database URL only when the evidence is committed."""
    t0 = time.perf_counter()
    timings: dict[str, float] = defaultdict(float)
    state = await current_state(session, lock=True)
    since = since or (state.since if state else default_since(today))
    book = await SchemeBook.load(session)
    units = await session.execute(select(OrgUnit.id, OrgUnit.path, OrgUnit.kind))
    book.set_places({r.id: (r.path, r.kind) for r in units})
    now = utcnow()
    periods = periods_between(since, today)
    chunks = [(path, subtree) for _id, path, subtree in await _chunks(session)]
    t = time.perf_counter()
    async with _computing(session, chunks, since, today, workers, database_url, progress) as computed:
        # With workers, the hazards are summed here while they compute.
        hazards = await load_hazards(session, Hazard.id.is_not(None), today, since)
        own: list[tuple[int, str, date, Sums]] = [
            (k[0], k[1], k[2], s) for k, s in hazard_sums(hazards, periods, today, book.for_unit).items()
        ]
        del hazards
        timings["hazards"] += time.perf_counter() - t
        parts = await computed()
    timings["compute"] += time.perf_counter() - t
    t = time.perf_counter()
    # Everything is summed in memory and written at the end: a per-holder duty may count at
    # a unit of another chunk, and a district's TREE row sums all its parks.
    leaves: dict[LeafKey, Counts] = {}
    holders: dict[HolderKey, tuple[LeafKey, Counts]] = {}
    for part_leaves, part_holders in parts:
        _merge(leaves, part_leaves)
        holders.update(part_holders)
    del parts
    for key, counts in holders.values():
        _merge(leaves, {key: counts})
    rollups: dict[RollupKey, Sums] = rollup_deltas(own_sums(leaves, own, book), book)
    timings["tally"] += time.perf_counter() - t
    t = time.perf_counter()
    if session.get_bind().dialect.name == "postgresql":
        # Emptied storage takes the rows back faster than a table of a million dead ones. It
        # locks the two tables until the commit: score reads wait out the writing (tens of
        # seconds at a province), as they would wait for the new scores anyway.
        await session.execute(text("TRUNCATE unit_score, score_tally"))
    else:
        await session.execute(delete(UnitScore))
        await session.execute(delete(ScoreTally))
    timings["delete"] += time.perf_counter() - t
    t = time.perf_counter()
    async with _indexes_built_after(session, (ScoreTally, UnitScore)):
        await _write_rows(session, ScoreTally, TALLY_COLUMNS, [(*k, *v) for k, v in leaves.items()])
        await _write_rows(session, UnitScore, SCORE_COLUMNS, _score_rows(rollups, book, now))
    if state is None:
        session.add(ScoreState(as_of=today, since=since, rebuilt_at=now, refreshed_at=now))
    else:
        state.as_of, state.since, state.rebuilt_at, state.refreshed_at = today, since, now, now
    await session.flush()
    timings["write"] += time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return dict(timings)


# The columns a rebuild writes, in the order of its row tuples (ids come from the sequences).
TALLY_COLUMNS = (
    "person_id", "post_id", "unit_id", "month", "weight_class", "answering", "on_time", "late", "missed",
)  # fmt: skip
SCORE_COLUMNS = ("unit_id", "scope", "period_kind", "period_start", "district_id", "park_id", "unit_kind",
                 "scheme_version_id", *Sums.FIELDS, "score", "changed_at")  # fmt: skip


@asynccontextmanager
async def _indexes_built_after(session: AsyncSession, models: tuple[Any, ...]) -> AsyncIterator[None]:
    """PostgreSQL, on tables just truncated in this transaction: their indexes (as the
    models declare them, which the migrations match) dropped, and built again once the rows
    are in. Building an index from a million rows at once costs a fraction of updating it
    row by row. DDL is transactional there: a failure leaves the indexes as they were.
    Elsewhere nothing changes."""
    indexes = [i for m in models for i in m.__table__.indexes]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        for index in indexes:
            await session.execute(DropIndex(index))
    yield
    if postgres:
        for index in indexes:
            await session.execute(CreateIndex(index))


def _score_rows(rollups: dict[RollupKey, Sums], book: SchemeBook, now: Any) -> list[tuple[Any, ...]]:
    """The unit score rows as tuples of SCORE_COLUMNS, built without a dict per row: a
    province has hundreds of thousands."""
    places: dict[int, tuple[int, int | None, str]] = {}
    rows = []
    for (unit, scope, kind, start), sums in rollups.items():
        place = places.get(unit)
        if place is None:
            p = book.place(unit)
            place = places[unit] = (p["district_id"], p["park_id"], p["unit_kind"])
        vid, scheme = book.version(place[0], start)
        rows.append((unit, scope, kind, start, *place, vid, *sums.as_tuple(), score_of(sums, scheme), now))
    return rows


async def _write_rows(
    session: AsyncSession, model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Append rows to the model's table in the session's transaction. On PostgreSQL one COPY
    (binary, through the session's own asyncpg connection): a province's two million rows as
    INSERTs spend most of the rebuild building and sending statements. Elsewhere INSERTs of
    5,000 rows. Values go in as given: no ORM defaults or type processing apply, so every
    column is named and every value is what the column stores (aware UTC datetimes)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        raw = await (await session.connection()).get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            model.__tablename__, records=rows, columns=list(columns)
        )
        return
    for i in range(0, len(rows), 5000):
        await session.execute(insert(model), [dict(zip(columns, r, strict=True)) for r in rows[i : i + 5000]])
