"""Which duty a new record fulfils when it names none: the duties of its kind in play for
the recorder on the act's date, as the obligation engine finds them (the posts they held
that day, the lists those posts carry in the version in force, the variant for the unit,
and the duties delegated to them then). One: the record names it. Several: the recorder
must choose (AMBIGUOUS_DUTY, with the candidates). None: the record is kept, naming none,
and counts for no duty (evidence of an act no list asks for, such as an extra inspection,
is still evidence: 谁检查、谁签字、谁负责)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.delegations.reading import delegations_to
from domain.duties.facts import load_facts
from domain.duties.models import DutyItem
from domain.duties.obligations import Calculator
from domain.duties.reads import posts_held_on
from domain.duties.records.inputs import RecordInput
from domain.errors import DomainError, ErrorCode, FieldError
from domain.posts.models import Post


async def duties_in_play(
    session: AsyncSession, *, person_id: int, kind: str, day: date, today: date
) -> list[int]:
    """The duty items (one per duty: list and key) of `kind` the person answers for on
    `day`, by a post they held or a delegation to them, in the engine's order."""
    held = set(await posts_held_on(session, person_id, day))
    delegated = {
        (d.post_id, d.list_id, d.item_key) for d in await delegations_to(session, [person_id], day, day)
    }
    post_ids = held | {post_id for post_id, _, _ in delegated}
    if not post_ids:
        return []
    facts = await load_facts(
        session, select(Post.id).where(Post.id.in_(sorted(post_ids))), day, day, records=False
    )
    kinds = {item.item_id: item.rule.kinds for lst in facts.lists for item in lst.items}
    found: dict[tuple[int, str], int] = {}
    for ob in Calculator(facts, max(today, day)).for_posts(day, day, post_ids):
        if not ob.period_start <= day <= ob.period_end or kind not in kinds.get(ob.item_id, ()):
            continue
        mine = (
            ob.post_id in held
            or (ob.post_id is None and ob.person_id == person_id)
            or (ob.post_id, ob.list_id, ob.item_key) in delegated
        )
        if mine:
            found.setdefault((ob.list_id, ob.item_key), ob.item_id)
    return list(found.values())


async def with_chosen_duty(
    session: AsyncSession, data: RecordInput, person_id: int | None, today: date, field: tuple[str, ...] = ()
) -> tuple[RecordInput, list[int]]:
    """The input as it will be written, and the duty the platform named for it (empty when
    the record names its duties, is not a person's, or has none in play)."""
    if data.item_ids or person_id is None or data.performed_on > today:
        return data, []
    day = data.makeup_for or data.performed_on
    candidates = await duties_in_play(session, person_id=person_id, kind=data.kind, day=day, today=today)
    if len(candidates) == 1:
        return replace(data, item_ids=candidates), candidates
    if not candidates:
        return data, []
    rows = (
        await session.execute(
            select(DutyItem.id, DutyItem.key, DutyItem.text).where(DutyItem.id.in_(candidates))
        )
    ).all()
    named = {r.id: (r.key, _short(r.text)) for r in rows}
    listed_zh = "；".join(f"{named[i][0]}（{named[i][1]}）" for i in candidates if i in named)
    listed_en = "; ".join(named[i][0] for i in candidates if i in named)
    raise DomainError(
        [
            FieldError(
                ErrorCode.AMBIGUOUS_DUTY,
                (*field, "dutyItemIds"),
                f"该记录可履行多项职责，请在 dutyItemIds 中选择所履行的职责：{listed_zh}",
                "This record could fulfil several duties; choose in dutyItemIds which it fulfils: "
                f"{listed_en}",
                candidates=tuple(("DutyItem", i) for i in candidates),
            )
        ]
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
