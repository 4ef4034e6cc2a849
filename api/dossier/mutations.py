"""`requestAccountabilityDossier`: build a unit's dossier for a period (or one date), keep
it, and answer with a signed download link valid for FILE_LINK_SECONDS.

Who may ask: those who may read the unit's duties (the duty-read right at the unit); anyone
else, an agency or a district reader without that right included, is told the unit is not
found. What the dossier holds is further limited by the caller's reach, section by
section, exactly as the API's lists are (`dossier_visibility`)."""

from __future__ import annotations

import importlib.metadata
from datetime import UTC, date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.context import Context, Info
from api.dossier.links import RIGHT, download_path, sign, signing_key
from api.dossier.types import AccountabilityDossier
from api.errors import UserError, run_mutation
from api.ids import decode_id
from api.signed_links import unix_now
from api.unit_of_work import end_read
from authz.catalogue import Resource
from authz.reach import Reach
from authz.visibility.admin import audit_visible
from authz.visibility.duties import lists_visible, records_visible
from authz.visibility.hazards import hazards_visible
from domain.db import utcnow
from domain.dossier import service
from domain.dossier.chain import chain_state
from domain.dossier.models import AccountabilityDossier as DossierRow
from domain.dossier.sections import Scope
from domain.dossier.visibility import Visibility
from domain.errors import DomainError, ErrorCode, not_found
from domain.tree.models import OrgUnit

PLATFORM_VERSION = importlib.metadata.version("safety-duty")


def dossier_visibility(reach: Reach) -> Visibility:
    """The caller's reach as the predicates the API's own lists use."""
    return Visibility(
        units=reach.units(),
        posts=reach.posts(),
        assignments=reach.assignments(),
        persons=reach.persons(),
        duty_posts=reach.scopes(Resource.DUTY).post_clause(),
        lists=lists_visible(reach),
        records=records_visible(reach),
        hazards=hazards_visible(reach),
        audit=audit_visible(reach),
    )


@strawberry.input(
    description="申请追责材料包 — Which unit (with its subtree), for a period [from, to] or one date (asOf)"
)
class RequestAccountabilityDossierInput:
    unit_id: relay.GlobalID = strawberry.field(description="单位 — The unit; its subtree is included")
    start: date | None = strawberry.field(
        default=None, name="from", description="开始日期 — First day of the period (with to)"
    )
    end: date | None = strawberry.field(
        default=None, name="to", description="结束日期 — Last day of the period (with from); at most 3 years"
    )
    as_of: date | None = strawberry.field(
        default=None, description="日期 — One date instead of a period (from = to = asOf)"
    )


@strawberry.type(description="追责材料包结果 — The dossier made, or what was wrong")
class RequestAccountabilityDossierPayload:
    dossier: AccountabilityDossier | None = strawberry.field(
        description="材料包 — The dossier; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")


def _period(input: RequestAccountabilityDossierInput) -> tuple[date, date]:
    if input.as_of is not None:
        if input.start is not None or input.end is not None:
            raise DomainError.one(
                ErrorCode.INVALID_VALUE,
                "asOf",
                "给出日期或期间之一，不能同时给出",
                "Give asOf or from/to, not both",
            )
        return input.as_of, input.as_of
    if input.start is None or input.end is None:
        field = "from" if input.start is None else "to"
        raise DomainError.one(
            ErrorCode.REQUIRED, field, "须给出开始和结束日期，或一个日期", "Give from and to, or asOf"
        )
    return input.start, input.end


def dossier_of(ctx: Context, row: DossierRow) -> AccountabilityDossier:
    """The dossier with a fresh link for the caller."""
    state = ctx.request.app.state if ctx.request is not None else None
    expires = unix_now(state) + ctx.settings.file_link_seconds
    link = download_path(row, expires, sign(ctx.settings.secret_key, row.id, expires, actor(ctx).subject))
    return AccountabilityDossier.of(row, download_url=link, expires_at=datetime.fromtimestamp(expires, UTC))


async def _build(
    ctx: Context, session: AsyncSession, input: RequestAccountabilityDossierInput
) -> service.Built:
    """Authorize, check the period and build, reading only."""
    unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not ctx.can(RIGHT[0], RIGHT[1], unit.path):
        raise not_found("unitId", "组织单元", "Unit")
    start, end = _period(input)
    service.check_period(start, end)
    return await service.build(
        session,
        ctx.file_store,
        scope=Scope(unit, start, end, ctx.today),
        visibility=dossier_visibility(ctx.reach),
        generated_by=actor(ctx),
        generated_at=utcnow(),
        platform_version=PLATFORM_VERSION,
        key=signing_key(ctx.settings),
        chain=chain_state,
        max_evidence_bytes=ctx.settings.dossier_max_evidence_bytes,
    )


@strawberry.type
class DossierMutation:
    @strawberry.mutation(
        description="申请追责材料包 — Build a unit's accountability dossier (追责材料包) for a period or a "
        "date: a ZIP of holders, duty lists, obligations with records and files, hazards with history and "
        "photos, exemptions, audit entries and the chain's verification, with a manifest of SHA-256s "
        "signed by the platform (Ed25519; see platformSigningKey); what you may see only. Answers with a "
        "signed download link valid for a few minutes (readers of the unit's duties)"
    )
    async def request_accountability_dossier(
        self, info: Info, input: RequestAccountabilityDossierInput
    ) -> RequestAccountabilityDossierPayload:
        """Built while reading, kept in a short write: a year of a park is read for seconds,
        and on SQLite a write transaction holds the process's write gate (every other
        writer waits) for as long as it lasts."""
        ctx = info.context
        try:
            async with ctx.db() as session:
                built = await _build(ctx, session, input)
                if not ctx.wrote and ctx.request is not None:
                    # End the read so that keeping begins a write transaction (SQLite); a
                    # request that wrote already goes on in its write transaction.
                    await end_read(ctx.request)
        except DomainError as exc:
            return RequestAccountabilityDossierPayload(
                dossier=None, user_errors=[UserError.from_domain(e) for e in exc.errors]
            )

        async def work(session: AsyncSession) -> DossierRow:
            return await service.keep(session, ctx.file_store, built)

        row, errors = await run_mutation(info, work)
        if row is None:
            return RequestAccountabilityDossierPayload(dossier=None, user_errors=errors)
        return RequestAccountabilityDossierPayload(dossier=dossier_of(ctx, row), user_errors=[])
