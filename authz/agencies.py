"""Third-party safety service agencies (第三方安全服务机构), their staff and their contracts.

A contract lists enterprises and a period; while it is in force the agency's staff (for the
days their membership runs) and its AGENCY clients hold the `agency` role on each listed
enterprise's subtree (see authz.links). Rows are written once: a membership is ended by
filling its end date, a contract by `terminated_on` (the first day it no longer holds).
Every change is audited and marks the agency's subjects for an authorization refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.domains import ROOT_DOMAIN
from authz.models import Agency, AgencyContract, AgencyContractUnit, AgencyMember
from domain.actors import Actor
from domain.audit.service import insert_audited, record, record_row, row_snapshot
from domain.changes import mark_authz_dirty
from domain.db import utcnow
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.identifiers import normalize_credit_code
from domain.inputs import check_dates, clean_text
from domain.people.models import Person
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit


def common_domain(paths: Sequence[str]) -> str:
    """The deepest unit path above (or at) every one of `paths`: where an audit entry about
    all of them lives. "/" when they share no district."""
    if not paths:
        return ROOT_DOMAIN
    parts = [p.strip("/").split("/") for p in paths]
    shared: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        shared.append(segments[0])
    return "/" + "".join(s + "/" for s in shared) if shared else ROOT_DOMAIN


# --- agencies -----------------------------------------------------------------------------


async def create_agency(session: AsyncSession, *, actor: Actor, name: str, credit_code: str) -> Agency:
    errors = ErrorCollector()
    clean_name = clean_text(errors, "name", name, label_zh="机构名称", label_en="Name", max_length=200)
    code: str | None = None
    try:
        code = normalize_credit_code(credit_code)
    except ValueError as exc:
        errors.add(
            ErrorCode.INVALID_CREDIT_CODE,
            "creditCode",
            "统一社会信用代码无效",
            f"Invalid unified social credit code: {exc}",
        )
    if code is not None:
        taken = await session.scalar(select(Agency.id).where(Agency.credit_code == code))
        if taken is not None:
            errors.add(
                ErrorCode.DUPLICATE_CREDIT_CODE,
                "creditCode",
                "已有机构使用该统一社会信用代码",
                "Another agency already has this credit code",
            )
    errors.raise_if_any()
    assert clean_name is not None and code is not None
    agency = Agency(name=clean_name, credit_code=code, created_by=actor.subject)
    await insert_audited(session, agency, "agency.create", ROOT_DOMAIN, actor=actor)
    return agency


# --- staff ----------------------------------------------------------------------------------


async def add_agency_member(
    session: AsyncSession,
    *,
    actor: Actor,
    agency_id: int,
    person_id: int,
    start_date: date,
    end_date: date | None = None,
    note: str | None = None,
) -> AgencyMember:
    errors = ErrorCollector()
    agency = await session.get(Agency, agency_id)
    if agency is None:
        errors.extend(not_found("agencyId", "服务机构", "Agency"))
    person = await session.get(Person, person_id)
    if person is None:
        errors.extend(not_found("personId", "人员", "Person"))
    check_dates(errors, start_date, end_date)
    clean_note = clean_text(
        errors, "note", note, label_zh="备注", label_en="Note", max_length=500, required=False
    )
    if not errors.errors:
        for other in await session.scalars(
            select(AgencyMember).where(
                AgencyMember.agency_id == agency_id,
                AgencyMember.person_id == person_id,
                AgencyMember.revoked_at.is_(None),
            )
        ):
            if (other.end_date is None or other.end_date >= start_date) and (
                end_date is None or end_date >= other.start_date
            ):
                until = other.end_date or "今"
                errors.add(
                    ErrorCode.DUPLICATE,
                    "startDate",
                    f"该人员{other.start_date}至{until}已是该机构人员",
                    f"The person is already a member of this agency from {other.start_date} "
                    f"to {other.end_date or 'open end'}",
                )
                break
    errors.raise_if_any()
    member = AgencyMember(
        agency_id=agency_id,
        person_id=person_id,
        start_date=start_date,
        end_date=end_date,
        note=clean_note,
        created_by=actor.subject,
    )
    await insert_audited(session, member, "agency.add_member", ROOT_DOMAIN, actor=actor)
    mark_authz_dirty(session, f"person:{person_id}")
    return member


async def end_agency_member(
    session: AsyncSession, *, actor: Actor, member_id: int, end_date: date
) -> AgencyMember:
    """Close an open membership on `end_date` (the last day the person works for the agency)."""
    member = await session.get(AgencyMember, member_id)
    if member is None:
        raise not_found("memberId", "机构人员记录", "Agency member")
    if member.revoked_at is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_REVOKED, "memberId", "该记录已撤销", "The membership has been revoked"
        )
    if member.end_date is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED,
            "memberId",
            f"该人员已于{member.end_date}离开该机构",
            f"The membership already ended on {member.end_date}",
        )
    errors = ErrorCollector()
    check_dates(errors, member.start_date, end_date)
    errors.raise_if_any()
    before = row_snapshot(member)
    member.end_date = end_date
    await session.flush()
    await record_row(session, "agency.end_member", member, ROOT_DOMAIN, before, actor=actor)
    mark_authz_dirty(session, f"person:{member.person_id}")
    return member


async def revoke_agency_member(
    session: AsyncSession, *, actor: Actor, member_id: int, note: str | None = None
) -> AgencyMember:
    """Withdraw a membership at once (e.g. recorded by mistake): from today it gives nothing."""
    member = await session.get(AgencyMember, member_id)
    if member is None:
        raise not_found("memberId", "机构人员记录", "Agency member")
    if member.revoked_at is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_REVOKED, "memberId", "该记录已撤销", "The membership has been revoked"
        )
    before = row_snapshot(member)
    member.revoked_at = utcnow()
    member.revoked_by = actor.subject
    member.closing_note = note[:500] if note else None
    await session.flush()
    await record_row(session, "agency.revoke_member", member, ROOT_DOMAIN, before, actor=actor)
    mark_authz_dirty(session, f"person:{member.person_id}")
    return member


# --- contracts ------------------------------------------------------------------------------


async def contract_enterprises(
    session: AsyncSession, unit_ids: Sequence[int], field: str = "unitIds"
) -> list[OrgUnit]:
    """The enterprises a contract may list, in input order without repeats; every problem
    is reported at its position in the input: (field, "2")."""
    errors = ErrorCollector()
    if not unit_ids:
        errors.add(
            ErrorCode.REQUIRED, field, "合同至少须列出一家企业", "A contract lists at least one enterprise"
        )
        errors.raise_if_any()
    wanted = list(dict.fromkeys(unit_ids))
    found = {u.id: u for u in await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(wanted)))}
    result: list[OrgUnit] = []
    seen: set[int] = set()
    for index, unit_id in enumerate(unit_ids):
        if unit_id in seen:
            continue
        seen.add(unit_id)
        at = (field, str(index))
        unit = found.get(unit_id)
        if unit is None:
            errors.extend(not_found(at, "企业", "Enterprise"))
        elif unit.kind != UnitKind.ENTERPRISE:
            errors.add(
                ErrorCode.INVALID_VALUE,
                at,
                f"“{unit.name}”不是企业；合同只能列出企业",
                "This unit is not an enterprise; a contract lists enterprises only",
            )
        elif unit.archived_at is not None:
            errors.add(ErrorCode.ARCHIVED, at, f"企业“{unit.name}”已撤销", "The enterprise is archived")
        else:
            result.append(unit)
    errors.raise_if_any()
    return result


async def create_contract(
    session: AsyncSession,
    *,
    actor: Actor,
    agency_id: int,
    code: str,
    start_date: date,
    end_date: date,
    unit_ids: Sequence[int],
    note: str | None = None,
) -> AgencyContract:
    errors = ErrorCollector()
    agency = await session.get(Agency, agency_id)
    if agency is None:
        errors.extend(not_found("agencyId", "服务机构", "Agency"))
    clean_code = clean_text(
        errors, "code", code, label_zh="合同编号", label_en="Contract code", max_length=64
    )
    check_dates(errors, start_date, end_date)
    clean_note = clean_text(
        errors, "note", note, label_zh="备注", label_en="Note", max_length=500, required=False
    )
    if agency is not None and clean_code is not None:
        taken = await session.scalar(
            select(AgencyContract.id).where(
                AgencyContract.agency_id == agency_id, AgencyContract.code == clean_code
            )
        )
        if taken is not None:
            errors.add(
                ErrorCode.DUPLICATE_CODE,
                "code",
                "该机构已有同编号的合同",
                "The agency already has a contract with this code",
            )
    try:
        units = await contract_enterprises(session, unit_ids)
    except DomainError as exc:
        errors.extend(exc)
        units = []
    errors.raise_if_any()
    assert clean_code is not None
    contract = AgencyContract(
        agency_id=agency_id,
        code=clean_code,
        start_date=start_date,
        end_date=end_date,
        note=clean_note,
        created_by=actor.subject,
    )
    session.add(contract)
    await session.flush()
    for unit in units:
        session.add(AgencyContractUnit(contract_id=contract.id, unit_id=unit.id))
    await session.flush()
    picture = row_snapshot(contract) | {"unit_ids": [u.id for u in units]}
    await record(
        session,
        actor=actor,
        action="agency.create_contract",
        target_type="AgencyContract",
        target_id=contract.id,
        domain=common_domain([u.path for u in units]),
        after=picture,
    )
    mark_authz_dirty(session, f"agency:{agency_id}")
    return contract


async def contract_unit_paths(session: AsyncSession, contract_id: int) -> list[str]:
    return list(
        await session.scalars(
            select(OrgUnit.path)
            .join(AgencyContractUnit, AgencyContractUnit.unit_id == OrgUnit.id)
            .where(AgencyContractUnit.contract_id == contract_id)
            .order_by(OrgUnit.path)
        )
    )


async def terminate_contract(
    session: AsyncSession, *, actor: Actor, contract_id: int, terminated_on: date, note: str | None = None
) -> AgencyContract:
    """End a contract early: `terminated_on` is the first day it no longer holds."""
    contract = await session.get(AgencyContract, contract_id)
    if contract is None:
        raise not_found("contractId", "服务合同", "Contract")
    if contract.terminated_on is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED,
            "contractId",
            f"该合同已于{contract.terminated_on}终止",
            f"The contract was already terminated from {contract.terminated_on}",
        )
    errors = ErrorCollector()
    if terminated_on < contract.start_date:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "terminatedOn",
            "终止日期不能早于合同开始日期",
            "The contract cannot be terminated before it starts",
        )
    elif terminated_on > contract.end_date:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "terminatedOn",
            f"合同已于{contract.end_date}到期，无需终止",
            f"The contract ends on {contract.end_date} anyway; terminating after that changes nothing",
        )
    clean_note = clean_text(
        errors, "note", note, label_zh="备注", label_en="Note", max_length=500, required=False
    )
    errors.raise_if_any()
    before = row_snapshot(contract)
    contract.terminated_on = terminated_on
    contract.revoked_at = utcnow()
    contract.revoked_by = actor.subject
    contract.closing_note = clean_note or None
    await session.flush()
    domain = common_domain(await contract_unit_paths(session, contract.id))
    await record_row(session, "agency.terminate_contract", contract, domain, before, actor=actor)
    mark_authz_dirty(session, f"agency:{contract.agency_id}")
    return contract
