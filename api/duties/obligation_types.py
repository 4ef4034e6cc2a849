"""Obligations as the API shows them: computed, not stored, so they are plain objects (not
nodes) identified by their duty, post or holder, and period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

import strawberry
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from strawberry import relay

from api.connection import Edge, PageInfo, computed_connection, decode_cursor, encode_cursor
from api.context import Info
from api.duties.record_types import CriticalPeriod, DutyRecord
from api.duties.types import DutyItem, DutyList, RuleVariant
from api.errors import BadInput
from api.keys import ID_DESCRIPTION, key_id
from api.people.types import Person
from api.posts.types import Post
from api.tree.types import OrgUnit
from domain.duties import obligations as ob
from domain.duties.pages import ObligationPage, PageKey, page_key
from domain.pagination import list_tag

ObligationStatus = strawberry.enum(
    ob.Status,
    name="ObligationStatus",
    description="履职状态 — DONE_ON_TIME 按时完成, DONE_LATE 逾期完成, MISSED 未完成, DUE 进行中, "
    "NOT_YET_DUE 未开始, NOT_APPLICABLE 不适用",
)
NotApplicableReason = strawberry.enum(
    ob.NotApplicableReason,
    name="NotApplicableReason",
    description="不适用原因 — PARTIAL_PERIOD 承担该职责的天数不足期间一半, EXEMPTED 已批准豁免",
)


async def _units(info: Info, ids: Sequence[int]) -> list[OrgUnit]:
    rows = await info.context.loaders.unit_by_id.load_many(list(ids))
    return [OrgUnit.from_row(u) for u in rows if u is not None]


async def _records(info: Info, ids: Sequence[int]) -> list[DutyRecord]:
    rows = await info.context.loaders.duties.record_by_id.load_many(list(ids))
    return [DutyRecord.from_row(x) for x in rows if x is not None]


@strawberry.type(
    name="Obligation",
    description="履职义务 — What a holder (or a vacant post) owed for one duty and one period, and whether "
    "it was done",
)
class Obligation:
    period_start: date = strawberry.field(
        description="期间开始 — First day of the period (or critical period)"
    )
    period_end: date = strawberry.field(description="期间结束 — Last day of the period")
    share_start: date = strawberry.field(description="责任开始 — First day this holder answered for it")
    share_end: date = strawberry.field(description="责任结束 — Last day this holder answered for it")
    due_date: date = strawberry.field(description="截止日期 — When it was due")
    required: int = strawberry.field(
        description="应完成 — Records the post owed for the period, pro-rated only to the days the duty "
        "applied to it; the same in every holder's share (for coverage: units to cover)"
    )
    done_count: int = strawberry.field(description="已完成 — Matching records (on time and late)")
    status: ob.Status = strawberry.field(description="状态 — Status as of today")
    not_applicable_reason: ob.NotApplicableReason | None = strawberry.field(
        description="不适用原因 — Why it is not applicable"
    )
    vacant: bool = strawberry.field(description="空岗 — Nobody held the post on these days")
    answering: bool = strawberry.field(
        description="随岗承担 — A holder's share of a post's period that another holder's share (the "
        "holder on the due date) carries for the post: it counts in this holder's own score only, "
        "not in the post's or its units'"
    )
    held_days: int = strawberry.field(
        description="承担天数 — Days of the period this holder (or vacancy) answers for"
    )
    data: strawberry.Private[ob.Obligation]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id(
            "Obligation",
            self.data.item_id,
            self.data.post_id,
            self.data.person_id,
            self.data.period_start,
            self.data.share_start,
            self.data.event_id,
        )

    @classmethod
    def of(cls, o: ob.Obligation) -> Obligation:
        return cls(
            period_start=o.period_start,
            period_end=o.period_end,
            share_start=o.share_start,
            share_end=o.share_end,
            due_date=o.due_date,
            required=o.required,
            done_count=len(o.covered_unit_ids) if o.target_unit_ids else o.done_count,
            status=o.status,
            not_applicable_reason=o.not_applicable_reason,
            vacant=o.person_id is None,
            answering=o.answering,
            held_days=o.held_days,
            data=o,
        )

    @strawberry.field(description="频次 — The timing that applied (the rule's variant for this unit)")
    def rule(self) -> RuleVariant:
        return RuleVariant.of(self.data.variant)

    @strawberry.field(description="职责 — The duty (in the list version that applied)")
    async def duty_item(self, info: Info) -> DutyItem | None:
        row = await info.context.loaders.duties.item_through_post.load(self.data.item_id)
        return DutyItem.from_row(row) if row else None

    @strawberry.field(description="职责清单 — The duty list")
    async def duty_list(self, info: Info) -> DutyList | None:
        row = await info.context.loaders.duties.list_through_post.load(self.data.list_id)
        return DutyList.from_row(row) if row else None

    @strawberry.field(description="岗位 — The post; null for duties counted per holder over all their posts")
    async def post(self, info: Info) -> Post | None:
        if self.data.post_id is None:
            return None
        row = await info.context.loaders.post_by_id.load(self.data.post_id)
        return Post.from_row(row) if row else None

    @strawberry.field(description="责任人 — The holder who owed it; null for a vacant post")
    async def person(self, info: Info) -> Person | None:
        if self.data.person_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.data.person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="按时记录 — Records that fulfilled it on time")
    async def on_time_records(self, info: Info) -> list[DutyRecord]:
        return await _records(info, self.data.on_time_record_ids)

    @strawberry.field(
        description="逾期记录 — Records that fulfilled it late (after the due date, or make-ups)"
    )
    async def late_records(self, info: Info) -> list[DutyRecord]:
        return await _records(info, self.data.late_record_ids)

    @strawberry.field(
        description="委托记录 — Records among those that counted that a delegate of the duty made "
        "(主持或者委托), for the days of the holder's delegation"
    )
    async def delegated_records(self, info: Info) -> list[DutyRecord]:
        return await _records(info, list(self.data.delegated_record_ids))

    @strawberry.field(description="适用范围 — Units at and under which records count for it")
    async def scope_units(self, info: Info) -> list[OrgUnit]:
        return await _units(info, self.data.scope_unit_ids)

    @strawberry.field(description="应覆盖单位 — Units to cover (coverage rules and critical periods)")
    async def target_units(self, info: Info) -> list[OrgUnit]:
        return await _units(info, self.data.target_unit_ids)

    @strawberry.field(description="已覆盖单位 — Target units covered")
    async def covered_units(self, info: Info) -> list[OrgUnit]:
        return await _units(info, self.data.covered_unit_ids)

    @strawberry.field(description="未覆盖单位 — Target units not yet covered")
    async def missing_units(self, info: Info) -> list[OrgUnit]:
        return await _units(info, self.data.missing_unit_ids)

    @strawberry.field(description="特殊时期 — The critical period that triggered it")
    async def critical_period(self, info: Info) -> CriticalPeriod | None:
        if self.data.event_id is None:
            return None
        row = await info.context.loaders.duties.period_by_id.load(self.data.event_id)
        return CriticalPeriod.from_row(row) if row else None

    @strawberry.field(description="豁免 — The approved exemption that made it not applicable")
    async def exemption(self, info: Info) -> DutyRecord | None:
        if self.data.exemption_record_id is None:
            return None
        found = await _records(info, [self.data.exemption_record_id])
        return found[0] if found else None


@strawberry.type(name="ObligationSummary", description="状态统计 — Obligations of the whole list by status")
class ObligationSummary:
    done_on_time: int = strawberry.field(description="按时完成 — Done on time")
    done_late: int = strawberry.field(description="逾期完成 — Done late")
    missed: int = strawberry.field(description="未完成 — Missed")
    due: int = strawberry.field(description="进行中 — Due, not yet done")
    not_yet_due: int = strawberry.field(description="未开始 — Period not started")
    not_applicable: int = strawberry.field(description="不适用 — Not applicable")

    @classmethod
    def of(cls, found: Sequence[ob.Obligation]) -> ObligationSummary:
        c = Counter(o.status for o in found)
        S = ob.Status
        return cls(
            done_on_time=c[S.DONE_ON_TIME],
            done_late=c[S.DONE_LATE],
            missed=c[S.MISSED],
            due=c[S.DUE],
            not_yet_due=c[S.NOT_YET_DUE],
            not_applicable=c[S.NOT_APPLICABLE],
        )


@strawberry.type(name="ObligationConnection", description="履职义务列表 — A page of obligations, with counts")
class ObligationConnection:
    edges: list[Edge[Obligation]] = strawberry.field(description="边 — Rows of this page with their cursors")
    page_info: PageInfo = strawberry.field(description="分页信息 — Page information")
    # The whole list when the selection names `totalCount` or `summary` (`asks_for_whole_list`),
    # else None: only the page was computed. Plain (not async) resolvers: an await more here
    # split the batches of the rows' loaders.
    whole: strawberry.Private[Sequence[ob.Obligation] | None]

    def _whole(self) -> Sequence[ob.Obligation]:
        if self.whole is None:
            raise RuntimeError("the whole list of obligations was not computed")
        return self.whole

    @strawberry.field(description="总数 — Obligations in the whole list")
    def total_count(self) -> int:
        return len(self._whole())

    @strawberry.field(description="状态统计 — The whole list by status")
    def summary(self) -> ObligationSummary:
        return ObligationSummary.of(self._whole())

    @strawberry.field(description="节点 — The rows of this page, without cursors")
    def nodes(self) -> list[Obligation]:
        return [e.node for e in self.edges]


# The tag `computed_connection` gives the cursors of `obligation_connection` (from its key
# function's name): pages computed alone write and read the same cursors.
OBLIGATION_CURSOR_TAG = list_tag(f"{__name__}.obligation_connection.<locals>.<lambda>")


def obligation_connection(
    info: Info, found: Sequence[ob.Obligation], first: int | None, after: str | None
) -> ObligationConnection:
    """A page of a list computed whole (`totalCount` or `summary` asked for)."""
    page = computed_connection(info, found, lambda o: page_key(o), Obligation.of, first, after)
    return ObligationConnection(edges=page.edges, page_info=page.page_info, whole=found)


def asks_for_whole_list(info: Info) -> bool:
    """Whether the selection of the connection names `totalCount` or `summary` (through
    fragments too): then the whole list is computed, else only the page."""
    raw = info._raw_info
    names: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                fragment = raw.fragments.get(node.name.value)
                walk(fragment.selection_set if fragment else None)

    for field_node in raw.field_nodes:
        walk(field_node.selection_set)
    return bool(names & {"totalCount", "summary"})


def decode_page_key(after: str | None) -> PageKey | None:
    """The key an obligations cursor holds; INVALID_CURSOR if it is not one."""
    if after is None:
        return None
    raw = decode_cursor(after, OBLIGATION_CURSOR_TAG)
    try:
        due, post, item, period, person, event, share = raw
        parsed = (
            date.fromisoformat(due),
            post,
            item,
            date.fromisoformat(period),
            person,
            event,
            date.fromisoformat(share),
        )
    except (TypeError, ValueError) as exc:
        raise BadInput(
            "`after` is not a cursor of this list", "after 不是本列表的游标", "after", code="INVALID_CURSOR"
        ) from exc
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (post, item, person, event)):
        raise BadInput(
            "`after` is not a cursor of this list", "after 不是本列表的游标", "after", code="INVALID_CURSOR"
        )
    return parsed


def obligation_page_connection(info: Info, page: ObligationPage, after: str | None) -> ObligationConnection:
    """A page computed alone (`domain.duties.pages`; `totalCount` and `summary` not asked
    for), with the cursors of the whole list's."""
    edges = [
        Edge(cursor=encode_cursor(OBLIGATION_CURSOR_TAG, page_key(o)), node=Obligation.of(o))
        for o in page.items
    ]
    return ObligationConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        whole=None,
    )
