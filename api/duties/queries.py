"""Reading duty lists, duties of posts, obligations with their statuses, records and
critical periods. Obligations are computed for the posts the caller may read duties of
(`Reach`), so a caller never learns of an obligation outside their reach."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select
from strawberry import relay
from strawberry.scalars import JSON

from api.connection import Connection, computed_connection, page_size, root_connection
from api.context import Info
from api.duties.loaders import LIST_ORDER, PERIOD_ORDER, RECORD_ORDER, SOURCE_ORDER
from api.duties.obligation_types import (
    ObligationConnection,
    asks_for_whole_list,
    decode_page_key,
    obligation_connection,
    obligation_page_connection,
)
from api.duties.record_types import CriticalPeriod, DutyRecord
from api.duties.types import DutyItem, DutyList, DutyRecordKind, DutySource, FrequencyRule
from api.errors import BadInput, UserError
from api.ids import try_decode_id
from api.keys import ID_DESCRIPTION, key_id
from api.posts.types import Post
from authz.catalogue import Resource
from authz.visibility.duties import lists_visible, periods_visible, records_visible
from domain.duties import obligations as ob
from domain.duties import queries as dq
from domain.duties import reads
from domain.duties.models import EXEMPTION
from domain.duties.models import DutyList as DutyListRow
from domain.duties.pages import Wanted, obligations_page
from domain.duties.rules import RecordKind, parse_rule
from domain.errors import DomainError
from domain.posts.models import Post as PostRow

# Computing a long span for a whole park is the heaviest read there is; three years covers
# every report the documents ask for.
MAX_SPAN_DAYS = 3 * 366


@strawberry.type(name="PostDuty", description="岗位职责 — One duty a post carries")
class PostDuty:
    post: Post = strawberry.field(description="岗位 — The post")
    duty_list: DutyList = strawberry.field(description="职责清单 — The list the duty is on")
    duty_item: DutyItem = strawberry.field(description="职责 — The duty")

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("PostDuty", self.post.id, self.duty_item.id)


@strawberry.type(
    name="FrequencyRulePreview", description="规则预览 — A rule checked and rendered, or what is wrong"
)
class FrequencyRulePreview:
    rule: FrequencyRule | None = strawberry.field(description="规则 — The rule; null when invalid")
    user_errors: list[UserError] = strawberry.field(description="错误 — What is wrong; empty when valid")


def _span(start: date, end: date) -> None:
    if end < start:
        raise BadInput("`to` is before `from`", "结束日期早于开始日期", "to", code="INVALID_DATE_RANGE")
    if (end - start).days > MAX_SPAN_DAYS:
        raise BadInput(
            f"the span may be at most {MAX_SPAN_DAYS} days",
            f"期间最长{MAX_SPAN_DAYS}天",
            "to",
            code="SPAN_TOO_LONG",
        )


def _visible_posts(info: Info, stmt: Select[Any]) -> Select[Any]:
    """Of the posts `stmt` selects, those whose duties the caller may read."""
    return reads.posts_among(stmt, info.context.reach.scopes(Resource.DUTY).post_clause())


async def _person_id(info: Info, gid: relay.GlobalID | None) -> int | None:
    """The person asked for (the caller when None), if the caller may see them."""
    if gid is None:
        caller = info.context.caller
        return caller.person_id if caller else None
    pid = try_decode_id(gid, "Person")
    if pid is None:
        return None
    row = await info.context.loaders.person_by_id.load(pid)
    return row.id if row else None


@dataclass(frozen=True)
class _Listed:
    """The obligations a list shows: of the posts `posts` selects (None: of none), for
    periods overlapping [start, end], of `person` only when given, filtered by `wanted`."""

    posts: Select[Any] | None
    start: date
    end: date
    wanted: Wanted

    async def whole(self, info: Info) -> list[ob.Obligation]:
        if self.posts is None:
            return []
        async with info.context.db() as session:
            found = await dq.obligations_of_posts(
                session, self.posts, self.start, self.end, info.context.today
            )
        return [o for o in found if self.wanted.fits(o)]

    async def connection(self, info: Info, first: int | None, after: str | None) -> ObligationConnection:
        """The page asked for; computed alone unless the whole list is asked for too
        (`totalCount`, `summary`)."""
        if asks_for_whole_list(info) or self.posts is None:
            return obligation_connection(info, await self.whole(info), first, after)
        size, key = page_size(info, first), decode_page_key(after)
        async with info.context.db() as session:
            page = await obligations_page(
                session,
                self.posts,
                self.start,
                self.end,
                info.context.today,
                size=size,
                after=key,
                wanted=self.wanted,
            )
        return obligation_page_connection(info, page, after)


async def _obligations(
    info: Info,
    *,
    post_id: relay.GlobalID | None,
    person_id: relay.GlobalID | None,
    unit_id: relay.GlobalID | None,
    include_descendants: bool,
    start: date,
    end: date,
    mine: bool = False,
    wanted: Wanted = Wanted(),
) -> _Listed:
    _span(start, end)
    given = sum(x is not None for x in (post_id, person_id, unit_id))
    if not mine and given != 1:
        raise BadInput(
            "give exactly one of postId, personId, unitId",
            "须且只能给出 postId、personId、unitId 之一",
            "postId",
        )
    if post_id is not None:
        pid = try_decode_id(post_id, "Post")
        stmt = reads.post_by_id(pid or 0)
    elif unit_id is not None:
        uid = try_decode_id(unit_id, "OrgUnit")
        unit = await info.context.loaders.unit_by_id.load(uid) if uid else None
        if unit is None:
            return _Listed(None, start, end, wanted)
        stmt = dq.posts_of_unit(unit.path, subtree=include_descendants)
    else:
        person = await _person_id(info, person_id)
        if person is None:
            return _Listed(None, start, end, wanted)
        stmt = dq.posts_of_person(person, start, end)
        wanted = replace(wanted, person=person)
    return _Listed(_visible_posts(info, stmt), start, end, wanted)


def _statuses(statuses: list[ob.Status] | None) -> Wanted:
    return Wanted(statuses=frozenset(statuses) if statuses else None)


@strawberry.type
class DutiesQuery:
    @strawberry.field(description="来源文件列表 — The source documents requirements come from")
    async def duty_sources(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DutySource]:
        return await root_connection(info, reads.sources(), SOURCE_ORDER, DutySource.from_row, first, after)

    @strawberry.field(
        description="职责清单列表 — Duty lists you may read: of a unit (unitId), the catalogue templates "
        "(templates: true), or all"
    )
    async def duty_lists(
        self,
        info: Info,
        unit_id: relay.GlobalID | None = None,
        templates: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DutyList]:
        stmt = reads.duty_lists(
            lists_visible(info.context.reach),
            unit_id=(try_decode_id(unit_id, "OrgUnit") or 0) if unit_id is not None else None,
            templates=templates,
        )
        return await root_connection(info, stmt, LIST_ORDER, DutyList.from_row, first, after)

    @strawberry.field(
        description="岗位职责 — A post's duties on a date (default today): every item of the lists it "
        "carries that applies to its unit; empty if you may not read its duties"
    )
    async def post_duties(
        self,
        info: Info,
        post_id: relay.GlobalID,
        on: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PostDuty]:
        pid = try_decode_id(post_id, "Post")
        return await _post_duties(info, [pid] if pid else [], on or info.context.today, first, after)

    @strawberry.field(
        description="我的职责 — Your duties on a date (default today): the items of every post you hold then"
    )
    async def my_duties(
        self, info: Info, on: date | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[PostDuty]:
        day = on or info.context.today
        person = await _person_id(info, None)
        post_ids: list[int] = []
        if person is not None:
            async with info.context.db() as session:
                post_ids = await reads.posts_held_on(session, person, day)
        return await _post_duties(info, post_ids, day, first, after)

    @strawberry.field(
        description="履职义务 — Obligations of a post, a person (what they owed) or a unit (its posts; with "
        "includeDescendants its whole subtree) for periods overlapping [from, to], with their statuses "
        "as of today; optionally only some statuses"
    )
    async def obligations(
        self,
        info: Info,
        start: Annotated[
            date, strawberry.argument(name="from", description="开始日期 — First day of the span")
        ],
        end: Annotated[date, strawberry.argument(name="to", description="结束日期 — Last day of the span")],
        post_id: relay.GlobalID | None = None,
        person_id: relay.GlobalID | None = None,
        unit_id: relay.GlobalID | None = None,
        include_descendants: bool = False,
        statuses: list[ob.Status] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ObligationConnection:
        listed = await _obligations(
            info,
            post_id=post_id,
            person_id=person_id,
            unit_id=unit_id,
            include_descendants=include_descendants,
            start=start,
            end=end,
            wanted=_statuses(statuses),
        )
        return await listed.connection(info, first, after)

    @strawberry.field(
        description="本周到期 — Your (or a person's) obligations due this week (Monday to Sunday)"
    )
    async def due_this_week(
        self,
        info: Info,
        person_id: relay.GlobalID | None = None,
        statuses: list[ob.Status] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ObligationConnection:
        today = info.context.today
        monday = today - timedelta(days=today.isoweekday() - 1)
        sunday = monday + timedelta(days=6)
        listed = await _obligations(
            info,
            post_id=None,
            person_id=person_id,
            unit_id=None,
            include_descendants=False,
            start=monday,
            end=sunday,
            mine=person_id is None,
            wanted=replace(_statuses(statuses), due_from=monday, due_to=sunday),
        )
        return await listed.connection(info, first, after)

    @strawberry.field(
        description="逾期未完成 — Missed obligations (due date passed, not done, not exempted) due since a "
        "date (default 90 days ago): yours, a person's, or a unit's (with its subtree)"
    )
    async def overdue(
        self,
        info: Info,
        person_id: relay.GlobalID | None = None,
        unit_id: relay.GlobalID | None = None,
        since: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ObligationConnection:
        today = info.context.today
        start = since or today - timedelta(days=90)
        listed = await _obligations(
            info,
            post_id=None,
            person_id=person_id,
            unit_id=unit_id,
            include_descendants=True,
            start=start,
            end=today,
            mine=person_id is None and unit_id is None,
            wanted=Wanted(due_from=start, due_to=today, statuses=frozenset({ob.Status.MISSED})),
        )
        return await listed.connection(info, first, after)

    @strawberry.field(
        description="履职记录列表 — Records you may read, newest last: of a unit (with its subtree unless "
        "includeDescendants is false), by a recorder, of some kinds, performed in [from, to]; with "
        "includeHistory also the rows corrected or withdrawn"
    )
    async def duty_records(
        self,
        info: Info,
        unit_id: relay.GlobalID | None = None,
        include_descendants: bool = True,
        recorder_id: relay.GlobalID | None = None,
        kinds: Annotated[
            list[str] | None,
            strawberry.argument(
                description="类型 — Kinds as strings (RecordKind values or EXEMPTION)",
                deprecation_reason="改用 recordKinds — Use recordKinds",
            ),
        ] = None,
        record_kinds: Annotated[
            list[DutyRecordKind] | None,
            strawberry.argument(description="记录类型 — Only records of these kinds"),
        ] = None,
        start: Annotated[
            date | None, strawberry.argument(name="from", description="开始日期 — Earliest day")
        ] = None,
        end: Annotated[
            date | None, strawberry.argument(name="to", description="结束日期 — Latest day")
        ] = None,
        include_history: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DutyRecord]:
        unit = None
        if unit_id is not None:
            uid = try_decode_id(unit_id, "OrgUnit")
            unit = await info.context.loaders.unit_by_id.load(uid) if uid else None
        allowed: list[list[str]] = []
        if kinds:
            known = {k.value for k in RecordKind} | {EXEMPTION}
            if unknown := [k for k in kinds if k not in known]:
                raise BadInput(
                    f"unknown record kinds {unknown}: use RecordKind values or EXEMPTION",
                    f"未知的记录类型 {unknown}：应为 RecordKind 的取值或 EXEMPTION",
                    "kinds",
                )
            allowed.append(kinds)
        if record_kinds is not None:
            allowed.append([k.value for k in record_kinds])
        stmt = reads.records(
            records_visible(info.context.reach),
            include_history=include_history,
            unit_given=unit_id is not None,
            unit=unit,
            include_descendants=include_descendants,
            recorder_person_id=None if recorder_id is None else try_decode_id(recorder_id, "Person") or 0,
            kinds=allowed,
            start=start,
            end=end,
        )
        return await root_connection(info, stmt, RECORD_ORDER, DutyRecord.from_row, first, after)

    @strawberry.field(
        description="特殊时期列表 — Critical periods you may read, overlapping [from, to] if given; with "
        "includeHistory also withdrawn ones"
    )
    async def critical_periods(
        self,
        info: Info,
        start: Annotated[
            date | None, strawberry.argument(name="from", description="开始日期 — Earliest day")
        ] = None,
        end: Annotated[
            date | None, strawberry.argument(name="to", description="结束日期 — Latest day")
        ] = None,
        include_history: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CriticalPeriod]:
        stmt = reads.periods(
            periods_visible(info.context.reach), include_history=include_history, start=start, end=end
        )
        return await root_connection(info, stmt, PERIOD_ORDER, CriticalPeriod.from_row, first, after)

    @strawberry.field(
        description="规则预览 — Check a frequency rule (as createDutyList takes it) and render it in Chinese"
    )
    def preview_frequency_rule(self, definition: JSON) -> FrequencyRulePreview:
        try:
            rule = parse_rule(definition, ("definition",))
        except DomainError as exc:
            return FrequencyRulePreview(rule=None, user_errors=[UserError.from_domain(e) for e in exc.errors])
        return FrequencyRulePreview(rule=FrequencyRule.of(rule), user_errors=[])


async def _post_duties(
    info: Info, post_ids: list[int], day: date, first: int | None, after: str | None
) -> Connection[PostDuty]:
    rows: list[tuple[PostRow, DutyListRow, Any]] = []
    if post_ids:
        async with info.context.db() as session:
            reach = info.context.reach
            posts = await reads.posts_by_ids(
                session, post_ids, reach.posts(), reach.scopes(Resource.DUTY).post_clause()
            )
            duties = await dq.duty_items_of_posts(session, [p.id for p in posts], day)
        for p in posts:
            rows.extend((p, lst, item) for lst, item in duties.get(p.id, ()))
    return computed_connection(
        info,
        rows,
        lambda r: (r[0].id, r[1].id, r[2].position),
        lambda r: PostDuty(
            post=Post.from_row(r[0]), duty_list=DutyList.from_row(r[1]), duty_item=DutyItem.from_row(r[2])
        ),
        first,
        after,
    )
