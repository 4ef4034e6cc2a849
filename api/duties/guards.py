"""The write-side door of duties and records (see api/guard.py for the conventions: an
object the caller may not read is NOT_FOUND, one they may read but not change FORBIDDEN)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Context
from api.guard import forbidden, read_person, write_post, write_unit
from api.ids import decode_id
from authz.agencies import common_domain
from authz.catalogue import Action, Resource
from authz.domains import ROOT_DOMAIN, parent_domain, post_domain
from authz.models import AgencyContract, AgencyContractUnit, AgencyMember, ServiceClient
from authz.visibility.duties import lists_visible, periods_visible, records_visible
from domain.duties import records as rec
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordUnit,
)
from domain.errors import DomainError, ErrorCode, not_found
from domain.posts.models import Assignment, Post, assignment_on, assignment_overlaps, effective_assignment
from domain.tree.models import OrgUnit

if TYPE_CHECKING:
    from api.duties.mutations import RequestExemptionInput


def actor(ctx: Context) -> str:
    return ctx.caller.subject if ctx.caller else "anonymous"


def _templates_forbidden(field: str | Sequence[str]) -> DomainError:
    return DomainError.one(
        ErrorCode.FORBIDDEN,
        field,
        "只有全局管理员可以维护职责清单模板",
        "Only a platform-wide admin may change catalogue templates",
    )


async def write_duties(ctx: Context, session: AsyncSession, unit_id: int | None, field: str) -> str:
    """Duty-write on the unit; on everything for a catalogue template (unit None)."""
    if unit_id is None:
        if not ctx.can(Resource.DUTY, Action.WRITE, ROOT_DOMAIN):
            raise _templates_forbidden(field)
        return ROOT_DOMAIN
    return await write_unit(ctx, session, unit_id, field, Resource.DUTY)


async def write_list(ctx: Context, session: AsyncSession, list_id: int, field: str) -> tuple[DutyList, str]:
    lst = await session.scalar(select(DutyList).where(DutyList.id == list_id, lists_visible(ctx.reach)))
    if lst is None:
        raise not_found(field, "职责清单", "Duty list")
    return lst, await write_duties(ctx, session, lst.unit_id, field)


async def read_template(ctx: Context, session: AsyncSession, template_id: int, field: str) -> None:
    found = await session.scalar(
        select(DutyList.id).where(
            DutyList.id == template_id, DutyList.unit_id.is_(None), lists_visible(ctx.reach)
        )
    )
    if found is None:
        raise not_found(field, "职责清单模板", "Duty list template")


async def recorder(ctx: Context, session: AsyncSession, unit_ids: Sequence[int]) -> rec.Recorder:
    """The caller as a recorder, with the agency they act for at these units, if any."""
    caller = ctx.caller
    if caller is None:
        raise DomainError.one(ErrorCode.FORBIDDEN, (), "请先登录", "Sign in to record performance")
    agency_id = None
    if caller.client_id is not None:
        agency_id = await session.scalar(
            select(ServiceClient.agency_id).where(ServiceClient.id == caller.client_id)
        )
    elif caller.person_id is not None and unit_ids:
        agency_id = await session.scalar(
            _agency_statement(),
            {"person_id": caller.person_id, "unit_ids": list(unit_ids), "today": ctx.today},
        )
    return rec.Recorder(subject=caller.subject, person_id=caller.person_id, agency_id=agency_id)


def _agency_of(person: Any, units: Any, today: Any) -> Select[Any]:
    """The agency a person acts for at these units today (through a contract covering one
    of them), if any."""
    return (
        select(AgencyMember.agency_id)
        .join(AgencyContract, AgencyContract.agency_id == AgencyMember.agency_id)
        .join(AgencyContractUnit, AgencyContractUnit.contract_id == AgencyContract.id)
        .where(
            AgencyMember.person_id == person,
            AgencyMember.revoked_at.is_(None),
            AgencyMember.start_date <= today,
            or_(AgencyMember.end_date.is_(None), AgencyMember.end_date >= today),
            AgencyContract.revoked_at.is_(None),
            AgencyContract.start_date <= today,
            AgencyContract.end_date >= today,
            or_(AgencyContract.terminated_on.is_(None), AgencyContract.terminated_on >= today),
            AgencyContractUnit.unit_id.in_(units),
        )
        .limit(1)
    )


_PERSON = bindparam("person_id", type_=Integer)
_TODAY = bindparam("today", type_=Date)
_UNITS: Any = bindparam("unit_ids", expanding=True)


@cache
def _agency_statement() -> Select[Any]:
    return _agency_of(_PERSON, _UNITS, _TODAY)


@cache
def _write_statement(person: bool, own_agency: bool) -> Any:
    """The units' paths with the posts the caller holds today at them, the agency they act
    for there, and whether the units are archived: built once per shape (the commonest
    write of all runs it)."""
    if not person:
        stmt = select(
            OrgUnit.id,
            OrgUnit.path,
            literal(None).label("post_id"),
            literal(None).label("agency_id"),
            OrgUnit.archived_at,
        )
    else:
        held_posts = (
            select(Post.id, Post.unit_id)
            .join(Assignment, Assignment.post_id == Post.id)
            .where(Assignment.person_id == _PERSON, effective_assignment(), assignment_on(_TODAY))
            .subquery()
        )
        agency = _agency_of(_PERSON, _UNITS, _TODAY).scalar_subquery() if own_agency else literal(None)
        stmt = select(
            OrgUnit.id, OrgUnit.path, held_posts.c.id, agency.label("agency_id"), OrgUnit.archived_at
        ).outerjoin(held_posts, held_posts.c.unit_id == OrgUnit.id)
    return stmt.where(OrgUnit.id.in_(_UNITS))


async def write_records(
    ctx: Context, session: AsyncSession, unit_ids: Sequence[int], field: str | tuple[str, ...]
) -> tuple[rec.Recorder, str, rec.Units]:
    """Record-write on every unit: by a grant there, or through a post the caller holds at it.
    Returns the recorder, the common domain, and the units as read (for the write's checks)."""
    base = (field,) if isinstance(field, str) else field
    # The units' paths with the posts the caller holds today at them and the agency they act
    # for there, in one statement (loaders would wait on the mutation's own hold of the
    # session, so the guard asks the session directly).
    caller = ctx.caller
    person_id = caller.person_id if caller is not None else None
    # A person signed in for themselves (not a service client) acts for the agency found here.
    own_agency = caller is not None and person_id is not None and caller.client_id is None
    stmt = _write_statement(person_id is not None, own_agency)
    values = {"unit_ids": list(unit_ids), "person_id": person_id, "today": ctx.today}
    rows: dict[int, str] = {}
    units: rec.Units = {}
    own_domains: list[str] = []
    agency_id: int | None = None
    for unit_id, path, post_id, agency, archived_at in (await session.execute(stmt, values)).all():
        rows[unit_id] = path
        units[unit_id] = (archived_at, path)
        agency_id = agency_id or agency
        if post_id is not None:
            own_domains.append(post_domain(path, post_id))
    paths = []
    for n, unit_id in enumerate(unit_ids):
        path = rows.get(unit_id)
        held = [
            d
            for d in own_domains
            if path is not None and d.startswith(path) and "/" not in d[len(path) :].rstrip("/")
        ]
        if path is None or not (ctx.reach.allows(Resource.UNIT, Action.READ, path) or held):
            raise not_found((*base, str(n)), "组织单元", "Organisation unit")
        # Through a post first: that is how front-line holders, who write most records, may
        # write them; a check on the unit first would be an extra enforcement, denied.
        if not (
            any(ctx.can(Resource.RECORD, Action.WRITE, d) for d in held)
            or ctx.can(Resource.RECORD, Action.WRITE, path)
        ):
            raise DomainError.one(
                ErrorCode.FORBIDDEN,
                (*base, str(n)),
                "无权为该单位记录履职",
                "You may not record performance for this unit",
            )
        paths.append(path)
    if own_agency and caller is not None:
        who = rec.Recorder(subject=caller.subject, person_id=person_id, agency_id=agency_id)
    else:
        who = await recorder(ctx, session, unit_ids)
    return who, common_domain(paths) if paths else ROOT_DOMAIN, units


async def read_record(ctx: Context, session: AsyncSession, record_id: int, field: str) -> str:
    found = await session.scalar(
        select(DutyRecord.id).where(DutyRecord.id == record_id, records_visible(ctx.reach))
    )
    if found is None:
        raise not_found(field, "履职记录", "Record")
    paths = (
        await session.scalars(
            select(OrgUnit.path)
            .join(DutyRecordUnit, DutyRecordUnit.unit_id == OrgUnit.id)
            .where(DutyRecordUnit.record_id == record_id)
        )
    ).all()
    return common_domain(list(paths)) if paths else ROOT_DOMAIN


async def request_exemption(ctx: Context, session: AsyncSession, data: RequestExemptionInput) -> DutyRecord:
    item_id = decode_id(data.duty_item_id, "DutyItem", "dutyItemId")
    post_id = decode_id(data.post_id, "Post", "postId")
    domain = await write_post(ctx, session, post_id, "postId", Resource.RECORD)
    person_id = None
    if data.person_id is not None:
        person_id = decode_id(data.person_id, "Person", "personId")
        await read_person(ctx, session, person_id, "personId")
    found = (
        await session.execute(
            select(DutyListVersion.list_id, DutyItem.key)
            .join(DutyItem, DutyItem.version_id == DutyListVersion.id)
            .where(DutyItem.id == item_id)
        )
    ).first()
    if found is None:
        raise not_found("dutyItemId", "职责", "Duty item")
    post = await session.get(Post, post_id)
    assert post is not None
    return await rec.request_exemption(
        session,
        post=post,
        person_id=person_id,
        list_id=found[0],
        item_key=found[1],
        start=data.start,
        end=data.end,
        reason=data.reason,
        recorder=await recorder(ctx, session, []),
        unit_id=post.unit_id,
        domain=domain,
        today=ctx.today,
    )


async def decide_exemption(
    ctx: Context, session: AsyncSession, record_id: int, approve: bool, note: str | None
) -> DutyRecord:
    record = await session.scalar(
        select(DutyRecord).where(DutyRecord.id == record_id, records_visible(ctx.reach))
    )
    if record is None or record.exempt_post_id is None:
        raise not_found("exemptionId", "豁免申请", "Exemption request")
    unit_path = await session.scalar(
        select(OrgUnit.path).join(Post, Post.unit_id == OrgUnit.id).where(Post.id == record.exempt_post_id)
    )
    assert unit_path is not None
    above = parent_domain(unit_path)
    if not ctx.can(Resource.RECORD, Action.WRITE, above):
        raise forbidden(
            "exemptionId",
            "豁免申请（须由岗位所在单位的上级审批）",
            "Exemption request (someone above must decide)",
        )
    assert record.exempt_from is not None and record.exempt_to is not None
    holders = set(
        (
            await session.scalars(
                select(Assignment.person_id).where(
                    Assignment.post_id == record.exempt_post_id,
                    effective_assignment(),
                    assignment_overlaps(record.exempt_from, record.exempt_to),
                )
            )
        ).all()
    )
    if record.exempt_person_id is not None:
        holders.add(record.exempt_person_id)
    await rec.decide_exemption(
        session,
        record=record,
        approved=approve,
        note=note,
        decider=await recorder(ctx, session, []),
        holder_ids=holders,
        domain=post_domain(unit_path, record.exempt_post_id),
        today=ctx.today,
    )
    return record


async def write_period(ctx: Context, session: AsyncSession, period_id: int, field: str) -> str:
    unit_id = await session.scalar(
        select(CriticalPeriod.unit_id).where(and_(CriticalPeriod.id == period_id, periods_visible(ctx.reach)))
    )
    if unit_id is None:
        raise not_found(field, "特殊时期", "Critical period")
    return await write_duties(ctx, session, unit_id, field)
