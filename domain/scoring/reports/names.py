"""Names of the units, posts, people, duties and hazards a report mentions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import DutyItem, DutyList
from domain.duties.obligations import Obligation
from domain.people.models import Person
from domain.posts.models import Post
from domain.scoring.reports.model import DUTY_TEXT_CHARS, PER_HOLDER, VACANT, WITHHELD, Disclosure
from domain.tree.models import OrgUnit

# --- names ----------------------------------------------------------------------------


class _Names:
    """Names of the units, posts, people, duties and hazards a report mentions, loaded in a
    few statements."""

    def __init__(self) -> None:
        self.units: dict[int, OrgUnit] = {}
        self.posts: dict[int, tuple[str, int]] = {}
        self.people: dict[int, str] = {}
        self.items: dict[int, str] = {}
        self.lists: dict[int, str] = {}

    async def load(
        self,
        session: AsyncSession,
        *,
        units: Iterable[int] = (),
        posts: Iterable[int] = (),
        people: Iterable[int] = (),
        items: Iterable[int] = (),
        lists: Iterable[int] = (),
    ) -> None:
        want_posts = sorted(set(posts) - set(self.posts))
        if want_posts:
            rows = await session.execute(
                select(Post.id, Post.title, Post.unit_id).where(Post.id.in_(want_posts))
            )
            self.posts.update((r.id, (r.title, r.unit_id)) for r in rows)
        want_units = sorted((set(units) | {u for _, u in self.posts.values()}) - set(self.units))
        if want_units:
            found = await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(want_units)))
            self.units.update((u.id, u) for u in found)
        want_people = sorted(set(people) - set(self.people))
        if want_people:
            rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(want_people)))
            self.people.update((r.id, r.name) for r in rows)
        want_items = sorted(set(items) - set(self.items))
        if want_items:
            rows = await session.execute(
                select(DutyItem.id, DutyItem.text).where(DutyItem.id.in_(want_items))
            )
            self.items.update((r.id, r.text) for r in rows)
        want_lists = sorted(set(lists) - set(self.lists))
        if want_lists:
            rows = await session.execute(
                select(DutyList.id, DutyList.name).where(DutyList.id.in_(want_lists))
            )
            self.lists.update((r.id, r.name) for r in rows)

    def unit_name(self, unit_id: int) -> str:
        u = self.units.get(unit_id)
        return u.name if u else ""

    def unit_path(self, unit_id: int) -> str:
        u = self.units.get(unit_id)
        return u.path if u else ""

    def duty(self, item_id: int) -> str:
        text = " ".join(self.items.get(item_id, "").split())
        return text if len(text) <= DUTY_TEXT_CHARS else text[: DUTY_TEXT_CHARS - 1] + "…"

    def post_title(self, post_id: int | None) -> str:
        if post_id is None:
            return PER_HOLDER
        return self.posts.get(post_id, ("", 0))[0]

    def holder(self, person_id: int | None, unit_id: int, disclosure: Disclosure) -> str:
        if person_id is None:
            return VACANT
        if not disclosure.names(self.unit_path(unit_id)):
            return WITHHELD
        return self.people.get(person_id, "")


def _obligation_unit(o: Obligation, names: _Names) -> int:
    """Where an obligation counts: its post's unit, or a per-holder duty's first scope unit
    (as `domain.scoring.tallies.obligation_unit` has it)."""
    if o.post_id is not None:
        return names.posts.get(o.post_id, ("", 0))[1]
    return o.scope_unit_ids[0] if o.scope_unit_ids else 0


async def _names_of_obligations(session: AsyncSession, found: Iterable[Obligation], names: _Names) -> None:
    found = list(found)
    await names.load(
        session,
        posts=[o.post_id for o in found if o.post_id is not None],
        people=[o.person_id for o in found if o.person_id is not None],
        items=[o.item_id for o in found],
        lists=[o.list_id for o in found],
        units=[u for o in found for u in o.scope_unit_ids[:1]],
    )
