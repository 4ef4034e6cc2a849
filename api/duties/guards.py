"""The write-side door of duties and records (see api/guard.py for the conventions: an
object the caller may not read is NOT_FOUND, one they may read but not change FORBIDDEN)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.context import Context
from api.guard import forbidden, read_person, write_post, write_unit
from api.ids import decode_id
from authz import acting, objects
from authz.agencies import common_domain
from authz.catalogue import Action, Resource
from authz.domains import ROOT_DOMAIN, parent_domain, post_domain
from authz.visibility.duties import lists_visible, periods_visible, records_visible, templates_visible
from domain.actors import Actor
from domain.duties import records as rec
from domain.duties.models import CriticalPeriod, DutyList, DutyRecord
from domain.errors import DomainError, ErrorCode, not_found
from domain.rows import has_row, row_by_id, value_by_id


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
    lst = await row_by_id(session, DutyList, list_id, lists_visible(ctx.reach))
    if lst is None:
        raise not_found(field, "职责清单", "Duty list")
    return lst, await write_duties(ctx, session, lst.unit_id, field)


async def read_template(ctx: Context, session: AsyncSession, template_id: int, field: str) -> None:
    if not await has_row(session, DutyList, template_id, templates_visible(ctx.reach)):
        raise not_found(field, "职责清单模板", "Duty list template")


async def recorder(ctx: Context, session: AsyncSession, unit_ids: Sequence[int]) -> Actor:
    """The caller as a recorder, with the agency they act for at these units, if any."""
    caller = ctx.caller
    if caller is None:
        raise DomainError.one(ErrorCode.FORBIDDEN, (), "请先登录", "Sign in to record performance")
    agency_id = None
    if caller.client_id is not None:
        agency_id = await acting.client_agency(session, caller.client_id)
    elif caller.person_id is not None and unit_ids:
        agency_id = await acting.person_agency(session, caller.person_id, unit_ids, ctx.today)
    return replace(actor(ctx), agency_id=agency_id)


async def write_records(
    ctx: Context,
    session: AsyncSession,
    unit_ids: Sequence[int],
    field: str | tuple[str, ...],
    acted_on: date | None = None,
    date_field: tuple[str, ...] = ("performedOn",),
) -> tuple[Actor, str, rec.Units]:
    """Record-write on every unit: by a grant there, or through a post the caller holds at it.
    A person may also enter a record of an act of `acted_on` through a post they held that
    day (even one they have left since), within RECORD_ENTRY_WINDOW_DAYS of it; later, that
    way is closed (ENTRY_WINDOW_CLOSED at `date_field`).
    Returns the recorder, the common domain, and the units as read (for the write's checks)."""
    base = (field,) if isinstance(field, str) else field
    # The units' paths with the posts the caller holds today at them and the agency they act
    # for there, in one statement (loaders would wait on the mutation's own hold of the
    # session, so the guard asks the session directly).
    caller = ctx.caller
    person_id = caller.person_id if caller is not None else None
    # A person signed in for themselves (not a service client) acts for the agency found here.
    own_agency = caller is not None and person_id is not None and caller.client_id is None
    rows: dict[int, str] = {}
    units: rec.Units = {}
    own_domains: list[str] = []
    agency_id: int | None = None
    found = await acting.units_as_actor(session, unit_ids, person_id, ctx.today, own_agency=own_agency)
    for unit_id, unit_path, post_id, agency, archived_at in found:
        rows[unit_id] = unit_path
        units[unit_id] = (archived_at, unit_path)
        agency_id = agency_id or agency
        if post_id is not None:
            own_domains.append(post_domain(unit_path, post_id))
    paths = []
    refused: list[tuple[int, str | None, bool]] = []  # (position, path, visible)
    for n, unit_id in enumerate(unit_ids):
        path = rows.get(unit_id)
        held = _held_at(own_domains, path)
        visible = path is not None and (ctx.reach.allows(Resource.UNIT, Action.READ, path) or bool(held))
        # Through a post first: that is how front-line holders, who write most records, may
        # write them; a check on the unit first would be an extra enforcement, denied.
        if not visible or not (
            any(ctx.can(Resource.RECORD, Action.WRITE, d) for d in held)
            or ctx.can(Resource.RECORD, Action.WRITE, path or "")
        ):
            refused.append((n, path, visible))
        if path is not None:
            paths.append(path)
    if refused and acted_on is not None and acted_on < ctx.today and caller is not None and person_id:
        refused = await _through_posts_then(ctx, session, unit_ids, refused, acted_on, date_field)
    for n, _path, visible in refused[:1]:
        if not visible:
            raise not_found((*base, str(n)), "组织单元", "Organisation unit")
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            (*base, str(n)),
            "无权为该单位记录履职",
            "You may not record performance for this unit",
        )
    if own_agency and caller is not None:
        who = replace(actor(ctx), agency_id=agency_id)
    else:
        who = await recorder(ctx, session, unit_ids)
    return who, common_domain(paths) if paths else ROOT_DOMAIN, units


def _held_at(own_domains: Sequence[str], path: str | None) -> list[str]:
    """The post domains (of posts the caller holds) at the unit of `path` itself."""
    if path is None:
        return []
    return [d for d in own_domains if d.startswith(path) and "/" not in d[len(path) :].rstrip("/")]


async def _through_posts_then(
    ctx: Context,
    session: AsyncSession,
    unit_ids: Sequence[int],
    refused: list[tuple[int, str | None, bool]],
    acted_on: date,
    date_field: tuple[str, ...],
) -> list[tuple[int, str | None, bool]]:
    """Of the refused units, those the caller may not write for through a post they held on
    the act's date either; a unit they may is fine within the entry window, and closes the
    entry (ENTRY_WINDOW_CLOSED) after it."""
    caller = ctx.caller
    assert caller is not None and caller.person_id is not None
    wanted = [unit_ids[n] for n, path, _ in refused if path is not None]
    then = await acting.units_as_actor(session, wanted, caller.person_id, acted_on, own_agency=False)
    domains = [post_domain(path, post_id) for _, path, post_id, _, _ in then if post_id is not None]
    window = ctx.settings.record_entry_window_days
    still: list[tuple[int, str | None, bool]] = []
    for n, path, visible in refused:
        held = _held_at(domains, path)
        if not any(
            ctx.authority.enforce(caller.subject, Resource.RECORD.value, Action.WRITE.value, d, acted_on)
            for d in held
        ):
            still.append((n, path, visible))
        elif (ctx.today - acted_on).days > window:
            raise DomainError.one(
                ErrorCode.ENTRY_WINDOW_CLOSED,
                date_field,
                f"补录期限已过：离岗或不再有权限后，须在履职之日起{window}日内补录",
                f"Too late: a record of a post you no longer act for must be entered within {window} days "
                "of the act",
            )
    return still


async def read_record(ctx: Context, session: AsyncSession, record_id: int, field: str) -> str:
    if not await has_row(session, DutyRecord, record_id, records_visible(ctx.reach)):
        raise not_found(field, "履职记录", "Record")
    return await objects.record_domain(session, record_id)


async def exemption_request(
    ctx: Context, session: AsyncSession, post_id: int, person: relay.GlobalID | None
) -> tuple[str, int | None]:
    """Asking for an exemption is record-write at the post (the request lives there), and
    for one holder, seeing them. Returns the post's domain and the person's id, if named."""
    domain = await write_post(ctx, session, post_id, "postId", Resource.RECORD)
    person_id = None
    if person is not None:
        person_id = decode_id(person, "Person", "personId")
        await read_person(ctx, session, person_id, "personId")
    return domain, person_id


async def exemption_to_decide(ctx: Context, session: AsyncSession, record_id: int) -> tuple[DutyRecord, str]:
    """An exemption request the caller may decide, and the domain it lives at (its post's):
    deciding is for someone with record-write above the post's unit."""
    record = await row_by_id(session, DutyRecord, record_id, records_visible(ctx.reach))
    if record is None or record.exempt_post_id is None:
        raise not_found("exemptionId", "豁免申请", "Exemption request")
    unit_path = await objects.post_unit_path(session, record.exempt_post_id)
    assert unit_path is not None
    if not ctx.can(Resource.RECORD, Action.WRITE, parent_domain(unit_path)):
        raise forbidden(
            "exemptionId",
            "豁免申请（须由岗位所在单位的上级审批）",
            "Exemption request (someone above must decide)",
        )
    return record, post_domain(unit_path, record.exempt_post_id)


async def write_period(ctx: Context, session: AsyncSession, period_id: int, field: str) -> str:
    unit_id = await value_by_id(session, CriticalPeriod.unit_id, period_id, periods_visible(ctx.reach))
    if unit_id is None:
        raise not_found(field, "特殊时期", "Critical period")
    return await write_duties(ctx, session, unit_id, field)
