"""Per-holder duties (`per: HOLDER`, the three responsible persons counted over all their
enterprises): one obligation per person and period over all their posts of the list, judged
on that person's records. Post duties are the calculator's (`calculator`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from domain.duties.obligations.inputs import ItemVersion, ListFacts, PostFacts
from domain.duties.obligations.results import Obligation
from domain.duties.obligations.spans import Span, clip, in_scope, merge
from domain.duties.rules import Shape, Variant

if TYPE_CHECKING:
    from domain.duties.obligations.calculator import Calculator


def holder_item(
    calc: Calculator,
    posts: list[PostFacts],
    lst: ListFacts,
    items: list[ItemVersion],
    lo: date,
    hi: date,
    post_ids: set[int] | None,
) -> Iterator[Obligation]:
    """Per-holder items: one obligation per person and period over all their posts. A
    rule that depends on the unit takes, for each period, the first of its variants that
    a unit of the posts held in the period selects by its profile on the period's first
    day (as `_post_item` does for a post): periods already begun keep theirs."""
    by_person: dict[int, list[tuple[PostFacts, date, date]]] = defaultdict(list)
    for post in posts:
        for t in calc.facts.tenures.get(post.id, ()):
            end = min(t.end, post.end) if (t.end and post.end) else (t.end or post.end)
            by_person[t.person_id].append((post, max(t.start, post.start), end or date.max))
    for person, held in by_person.items():
        if post_ids is not None and not any(p.id in post_ids for p, _, _ in held):
            continue
        scope = tuple(sorted({(p.path, p.unit_id) for p, _, _ in held}))
        for item in items:
            rule = item.rule
            # A rule that does not depend on the unit has its one variant.
            for variant in rule.variants if rule.depends_on_unit else rule.variants[:1]:
                yield from _holder_variant(calc, lst, item, variant, person, held, scope, lo, hi)


def _holder_variant(
    calc: Calculator,
    lst: ListFacts,
    item: ItemVersion,
    variant: Variant,
    person: int,
    held: list[tuple[PostFacts, date, date]],
    scope: tuple[tuple[str, int], ...],
    lo: date,
    hi: date,
) -> Iterator[Obligation]:
    timing = variant.timing
    rule = item.rule
    for ps, pe, due, event_id, event_targets in calc._version_periods(lst, item, timing, lo, hi, scope):
        start = max(ps, lst.first_effective)
        if rule.start:
            start = max(start, rule.start)
        end = min(pe, rule.end) if rule.end and timing.shape is not Shape.ONE_OFF else pe
        intervals = merge(clip(((s, e) for _, s, e in held), start, end))
        if not intervals:
            continue
        share_due = min(due, intervals[-1][1])
        window = calc.due_between
        if window is not None and not window[0] <= share_due <= window[1]:
            continue
        in_period = [p for p, s, e in held if s <= intervals[-1][1] and e >= intervals[0][0]]
        if rule.depends_on_unit:
            anchor = max(ps, lst.first_effective)
            chosen = [v for v in (rule.variant_for(p.facts_on(anchor)) for p in in_period) if v is not None]
            if not chosen or min(chosen, key=rule.variants.index) is not variant:
                continue
        roots = {(p.path, p.unit_id) for p in in_period}
        targets = event_targets
        if event_targets is not None:
            targets = tuple(t for t in event_targets if in_scope([t[0]], tuple(roots)))
            if not targets:
                continue
        span = Span(person, tuple(intervals), share_due, targets or tuple(sorted(roots)))
        yield calc._judge(lst, item, variant, None, ps, pe, span, event_id, event_targets is not None)
