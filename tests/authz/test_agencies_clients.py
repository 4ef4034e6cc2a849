"""Agencies, contracts, service clients, API keys and identities: the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import agencies, clients
from authz.credentials import AuthenticationError, Authenticator, mint_token
from authz.links import derive_links
from authz.models import ClientKind
from authz.settings import AuthSettings
from domain.actors import SYSTEM
from domain.audit.models import AuditEvent
from domain.changes import take_authz_dirty
from domain.config import Environment
from domain.errors import DomainError
from tests import factories as f


def codes(exc: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.code.value, e.field) for e in exc.value.errors]


@pytest.fixture
async def tree(session: AsyncSession) -> dict[str, Any]:
    return await f.small_tree(session)


async def test_create_agency_validates_and_audits(session: AsyncSession) -> None:
    agency = await agencies.create_agency(
        session, actor=SYSTEM, name=" 甲安全技术服务有限公司（演示） ", credit_code=f.credit_code()
    )
    assert agency.name == "甲安全技术服务有限公司（演示）"
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "agency.create"))
    assert event is not None and event.target_id == agency.id and event.domain == "/"

    with pytest.raises(DomainError) as exc:
        await agencies.create_agency(session, actor=SYSTEM, name="", credit_code="91999999000000000X")
    assert codes(exc) == [("REQUIRED", ("name",)), ("INVALID_CREDIT_CODE", ("creditCode",))]
    with pytest.raises(DomainError) as exc:
        await agencies.create_agency(
            session, actor=SYSTEM, name="另一家", credit_code=agency.credit_code.lower()
        )
    assert codes(exc) == [("DUPLICATE_CREDIT_CODE", ("creditCode",))]


async def test_members_and_contracts_give_the_agency_role_for_their_overlap(
    session: AsyncSession, tree: dict[str, Any]
) -> None:
    agency = await agencies.create_agency(
        session, actor=SYSTEM, name="乙服务机构（演示）", credit_code=f.credit_code()
    )
    staff = await f.person(session, "服务甲")
    member = await agencies.add_agency_member(
        session, actor=SYSTEM, agency_id=agency.id, person_id=staff.id, start_date=date(2026, 3, 1)
    )
    assert take_authz_dirty(session) == {f"person:{staff.id}"}
    contract = await agencies.create_contract(
        session,
        actor=SYSTEM,
        agency_id=agency.id,
        code="HT-2026-01",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        unit_ids=[tree["chem"].id, tree["food"].id, tree["chem"].id],
    )
    assert take_authz_dirty(session) == {f"agency:{agency.id}"}
    links = await derive_links(session, person_ids=[staff.id], client_ids=[])
    assert {(x.role, x.domain, x.start, x.end) for x in links} == {
        ("agency", tree["chem"].path + "*", date(2026, 3, 1), date(2026, 12, 31)),
        ("agency", tree["food"].path + "*", date(2026, 3, 1), date(2026, 12, 31)),
    }
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "agency.create_contract"))
    assert event is not None and event.domain == tree["park"].path and event.after is not None
    assert sorted(event.after["unit_ids"]) == sorted([tree["chem"].id, tree["food"].id])

    await agencies.end_agency_member(session, actor=SYSTEM, member_id=member.id, end_date=date(2026, 6, 30))
    with pytest.raises(DomainError) as exc:
        await agencies.end_agency_member(
            session, actor=SYSTEM, member_id=member.id, end_date=date(2026, 7, 30)
        )
    assert codes(exc) == [("ALREADY_ENDED", ("memberId",))]

    await agencies.terminate_contract(
        session, actor=SYSTEM, contract_id=contract.id, terminated_on=date(2026, 5, 1)
    )
    links = await derive_links(session, person_ids=[staff.id], client_ids=[])
    assert {(x.start, x.end) for x in links} == {(date(2026, 3, 1), date(2026, 4, 30))}
    with pytest.raises(DomainError) as exc:
        await agencies.terminate_contract(
            session, actor=SYSTEM, contract_id=contract.id, terminated_on=date(2026, 6, 1)
        )
    assert codes(exc) == [("ALREADY_ENDED", ("contractId",))]


async def test_member_errors(session: AsyncSession) -> None:
    agency = await agencies.create_agency(
        session, actor=SYSTEM, name="丙服务机构（演示）", credit_code=f.credit_code()
    )
    staff = await f.person(session, "服务乙")
    with pytest.raises(DomainError) as exc:
        await agencies.add_agency_member(
            session,
            actor=SYSTEM,
            agency_id=999_999,
            person_id=999_999,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 1, 1),
        )
    assert codes(exc) == [
        ("NOT_FOUND", ("agencyId",)),
        ("NOT_FOUND", ("personId",)),
        ("INVALID_DATE_RANGE", ("endDate",)),
    ]
    await agencies.add_agency_member(
        session,
        actor=SYSTEM,
        agency_id=agency.id,
        person_id=staff.id,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 30),
    )
    with pytest.raises(DomainError) as exc:
        await agencies.add_agency_member(
            session, actor=SYSTEM, agency_id=agency.id, person_id=staff.id, start_date=date(2026, 6, 1)
        )
    assert codes(exc) == [("DUPLICATE", ("startDate",))]
    # A later, separate spell is fine.
    await agencies.add_agency_member(
        session, actor=SYSTEM, agency_id=agency.id, person_id=staff.id, start_date=date(2026, 7, 1)
    )
    with pytest.raises(DomainError) as exc:
        await agencies.end_agency_member(session, actor=SYSTEM, member_id=999_999, end_date=date(2026, 1, 1))
    assert codes(exc) == [("NOT_FOUND", ("memberId",))]


async def test_contract_errors_name_the_list_position(session: AsyncSession, tree: dict[str, Any]) -> None:
    agency = await agencies.create_agency(
        session, actor=SYSTEM, name="丁服务机构（演示）", credit_code=f.credit_code()
    )
    with pytest.raises(DomainError) as exc:
        await agencies.create_contract(
            session,
            actor=SYSTEM,
            agency_id=agency.id,
            code=" ",
            start_date=date(2026, 2, 1),
            end_date=date(2026, 1, 1),
            unit_ids=[tree["chem"].id, 999_999, tree["safety"].id],
        )
    assert codes(exc) == [
        ("REQUIRED", ("code",)),
        ("INVALID_DATE_RANGE", ("endDate",)),
        ("NOT_FOUND", ("unitIds", "1")),
        ("INVALID_VALUE", ("unitIds", "2")),
    ]
    with pytest.raises(DomainError) as exc:
        await agencies.create_contract(
            session,
            actor=SYSTEM,
            agency_id=agency.id,
            code="X",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 2, 1),
            unit_ids=[],
        )
    assert codes(exc) == [("REQUIRED", ("unitIds",))]
    await agencies.create_contract(
        session,
        actor=SYSTEM,
        agency_id=agency.id,
        code="X",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 2, 1),
        unit_ids=[tree["chem"].id],
    )
    with pytest.raises(DomainError) as exc:
        await agencies.create_contract(
            session,
            actor=SYSTEM,
            agency_id=agency.id,
            code="X",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 2, 1),
            unit_ids=[tree["food"].id],
        )
    assert codes(exc) == [("DUPLICATE_CODE", ("code",))]


async def test_terminate_dates(session: AsyncSession, tree: dict[str, Any]) -> None:
    agency = await agencies.create_agency(
        session, actor=SYSTEM, name="戊服务机构（演示）", credit_code=f.credit_code()
    )
    contract = await agencies.create_contract(
        session,
        actor=SYSTEM,
        agency_id=agency.id,
        code="T",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 2, 1),
        unit_ids=[tree["chem"].id],
        note="年度服务",
    )
    for day in (date(2025, 12, 31), date(2026, 2, 2)):
        with pytest.raises(DomainError) as exc:
            await agencies.terminate_contract(
                session, actor=SYSTEM, contract_id=contract.id, terminated_on=day
            )
        assert codes(exc) == [("INVALID_DATE_RANGE", ("terminatedOn",))]
    # Terminated on its first day: it never held.
    await agencies.terminate_contract(
        session, actor=SYSTEM, contract_id=contract.id, terminated_on=date(2026, 1, 1), note="企业停产"
    )
    assert contract.last_day < contract.start_date
    assert contract.revoked_at is not None
    assert (contract.note, contract.closing_note) == ("年度服务", "企业停产")


async def test_clients_validate_kind_district_and_agency(session: AsyncSession, tree: dict[str, Any]) -> None:
    district = await clients.create_client(
        session,
        actor=SYSTEM,
        name="区应急局平台（演示）",
        kind=ClientKind.DISTRICT_SYSTEM,
        unit_id=tree["district"].id,
    )
    assert take_authz_dirty(session) == {district.subject}
    links = await derive_links(session, person_ids=[], client_ids=[district.id])
    assert [(x.role, x.domain) for x in links] == [("district_reader", tree["district"].path + "*")]

    cases: list[tuple[dict[str, Any], list[tuple[str, tuple[str, ...]]]]] = [
        ({"kind": "NOPE"}, [("INVALID_VALUE", ("kind",))]),
        ({"kind": ClientKind.DISTRICT_SYSTEM}, [("REQUIRED", ("unitId",))]),
        ({"kind": ClientKind.DISTRICT_SYSTEM, "unit_id": tree["park"].id}, [("INVALID_VALUE", ("unitId",))]),
        ({"kind": ClientKind.DISTRICT_SYSTEM, "unit_id": 999_999}, [("NOT_FOUND", ("unitId",))]),
        ({"kind": ClientKind.AGENCY}, [("REQUIRED", ("agencyId",))]),
        ({"kind": ClientKind.AGENCY, "agency_id": 999_999}, [("NOT_FOUND", ("agencyId",))]),
        (
            {"kind": ClientKind.INTEGRATION, "unit_id": tree["district"].id, "agency_id": 1},
            [("INVALID_VALUE", ("unitId",)), ("INVALID_VALUE", ("agencyId",))],
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(DomainError) as exc:
            await clients.create_client(session, actor=SYSTEM, name="x", **kwargs)
        assert codes(exc) == expected, kwargs

    await clients.disable_client(session, actor=SYSTEM, client_id=district.id)
    assert await derive_links(session, person_ids=[], client_ids=[district.id]) == []
    with pytest.raises(DomainError) as exc:
        await clients.disable_client(session, actor=SYSTEM, client_id=district.id)
    assert codes(exc) == [("ALREADY_REVOKED", ("clientId",))]


async def test_api_keys_are_shown_once_and_stored_as_a_hash(session: AsyncSession) -> None:
    client = await clients.create_client(
        session, actor=SYSTEM, name="对接系统（演示）", kind=ClientKind.INTEGRATION
    )
    key, plain = await clients.create_api_key(session, actor=SYSTEM, client_id=client.id)
    assert plain.startswith(f"sdk_{key.prefix}_") and plain.split("_", 2)[2] not in key.secret_hash
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "client.create_api_key"))
    assert event is not None and event.after is not None and "secret_hash" not in event.after
    assert plain not in str(event.after)

    auth = Authenticator(AuthSettings(environment=Environment.TEST))
    caller = await auth.authenticate(session, plain)
    assert caller.subject == client.subject and caller.method == "api_key"
    assert await clients.api_key_by_prefix(session, plain) is key
    assert await clients.api_key_by_prefix(session, key.prefix) is key

    await clients.revoke_api_key(session, actor=SYSTEM, key_id=key.id)
    with pytest.raises(AuthenticationError):
        await auth.authenticate(session, plain)
    with pytest.raises(DomainError) as exc:
        await clients.revoke_api_key(session, actor=SYSTEM, key_id=key.id)
    assert codes(exc) == [("ALREADY_REVOKED", ("keyId",))]

    with pytest.raises(DomainError) as exc:
        await clients.create_api_key(
            session, actor=SYSTEM, client_id=client.id, expires_at=datetime.now(UTC) - timedelta(days=1)
        )
    assert codes(exc) == [("INVALID_VALUE", ("expiresAt",))]
    await clients.disable_client(session, actor=SYSTEM, client_id=client.id)
    with pytest.raises(DomainError) as exc:
        await clients.create_api_key(session, actor=SYSTEM, client_id=client.id)
    assert codes(exc) == [("ALREADY_REVOKED", ("clientId",))]


async def test_link_identity(session: AsyncSession) -> None:
    person = await f.person(session, "身份甲")
    client = await clients.create_client(
        session, actor=SYSTEM, name="对接系统乙（演示）", kind=ClientKind.INTEGRATION
    )
    one = await clients.link_identity(
        session, actor=SYSTEM, issuer="https://idp.example", subject="u-1", person_id=person.id
    )
    assert one.person_id == person.id and one.client_id is None
    await clients.link_identity(
        session, actor=SYSTEM, issuer="https://idp.example", subject="svc-1", client_id=client.id
    )
    with pytest.raises(DomainError) as exc:
        await clients.link_identity(
            session, actor=SYSTEM, issuer="https://idp.example", subject="u-1", person_id=person.id
        )
    assert codes(exc) == [("DUPLICATE", ("subject",))]
    with pytest.raises(DomainError) as exc:
        await clients.link_identity(session, actor=SYSTEM, issuer="", subject="u-2")
    assert codes(exc) == [("REQUIRED", ("issuer",)), ("INVALID_VALUE", ())]
    with pytest.raises(DomainError) as exc:
        await clients.link_identity(session, actor=SYSTEM, issuer="i", subject="u-3", person_id=999_999)
    assert codes(exc) == [("NOT_FOUND", ("personId",))]


def test_common_domain() -> None:
    assert agencies.common_domain(["/1/2/5/9/", "/1/2/6/"]) == "/1/2/"
    assert agencies.common_domain(["/1/2/5/"]) == "/1/2/5/"
    assert agencies.common_domain(["/1/", "/7/"]) == "/"
    assert agencies.common_domain([]) == "/"


async def test_a_person_token_needs_the_person_and_looks_them_up_once(session: AsyncSession) -> None:
    settings = AuthSettings(environment=Environment.TEST)
    auth = Authenticator(settings)
    person = await f.person(session, "令牌甲")
    missing = person.id + 1000
    with pytest.raises(AuthenticationError):
        await auth.authenticate(session, mint_token(settings, f"person:{missing}"))
    token = mint_token(settings, f"person:{person.id}")
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sync_engine = session.get_bind()
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        first = await auth.authenticate(session, token)
        again = await auth.authenticate(session, token)
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)
    assert first.person_id == again.person_id == person.id
    # Persons are never deleted: the second request does not look the person up again.
    assert len(statements) == 1
    # An unknown person is still refused (and not remembered).
    with pytest.raises(AuthenticationError):
        await auth.authenticate(session, mint_token(settings, f"person:{missing}"))
