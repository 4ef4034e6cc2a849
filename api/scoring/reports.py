"""Compliance reports through the API: `requestComplianceReport` builds and keeps a park's
weekly report (每周四报送) or monthly report as .xlsx or .csv and answers with a signed,
expiring download link; `GET /reports/{id}/{fileName}?expires=…&signature=…` serves it.

The link's contract:

- The signature is HMAC-SHA256, keyed with SECRET_KEY, over the report's id, the expiry
  (Unix seconds) and the subject that asked (who is also the report's `created_by`). It is
  the credential: a browser follows the link without a bearer token.
- It is valid for `REPORT_LINK_SECONDS` (default 900) from the request, and only while the
  subject that asked may still read the park's compliance (a right withdrawn since stops
  it). A bad signature, an expired link or a withdrawn right: 403 with a JSON error (code,
  Chinese and English message). An unknown report (or a file name not its own): 404.
- The file is served as stored, with its content type and a Content-Disposition carrying the
  Chinese file name (RFC 5987 `filename*=UTF-8''…`) and an ASCII fallback; never cached.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry import relay

from api import signed_links as links
from api.actors import actor
from api.context import Context, Info
from api.errors import UserError, run_mutation
from api.ids import decode_id
from api.keys import ID_DESCRIPTION, key_id
from api.scoring.loaders import may_read
from api.scoring.report_files import render
from authz.catalogue import Action, Resource
from domain.errors import not_found
from domain.scoring import reports as rp
from domain.scoring.models import ComplianceReport as ReportRow
from domain.tree.models import OrgUnit

ReportKind = strawberry.enum(
    rp.ReportKind,
    name="ComplianceReportKind",
    description="报表类型 — WEEKLY 园区周报（每周四报送，统计上周五至本周四）, MONTHLY 园区月报",
)
ReportFormat = strawberry.enum(
    rp.FileFormat,
    name="ComplianceReportFormat",
    description="文件格式 — XLSX Excel工作簿（每部分一个工作表）, "
    "CSV 逗号分隔文本（UTF-8，带BOM，各部分以空行分隔）",
)

SIGNATURE_CONTEXT = b"compliance-report/v1"


def sign(secret: str, report_id: int, expires: int, subject: str) -> str:
    """The link's signature: keyed with the secret, over what the link grants."""
    return links.sign(secret, SIGNATURE_CONTEXT, [report_id, expires, subject])


def download_path(row: ReportRow, expires: int, signature: str) -> str:
    return f"/reports/{row.id}/{quote(row.file_name, safe='')}?expires={expires}&signature={signature}"


@strawberry.type(
    name="ComplianceReport",
    description="履职报表 — A report file as handed out (kept unchanged), with a signed download link",
)
class ComplianceReportFile:
    file_name: str = strawberry.field(description="文件名 — File name, e.g. 园区月报_ZY_2026-10.xlsx")
    format: rp.FileFormat = strawberry.field(description="文件格式 — XLSX or CSV")
    kind: rp.ReportKind = strawberry.field(description="报表类型 — Weekly or monthly")
    period_start: date = strawberry.field(
        description="期间开始 — First day covered (the month's first day, or the week's Friday)"
    )
    period_end: date = strawberry.field(
        description="期间结束 — Last day covered (the month's last day, or the Thursday)"
    )
    sha256: str = strawberry.field(description="SHA-256 — Digest of the file, hex")
    created_at: datetime = strawberry.field(description="生成时间 — When it was made")
    byte_size: int = strawberry.field(description="文件大小 — Size in bytes")
    download_url: str = strawberry.field(
        description="下载链接 — Signed link (path on this server) that serves the file without a token "
        "until expiresAt, for the caller who asked"
    )
    expires_at: datetime = strawberry.field(description="链接失效时间 — When the link stops working")
    report_id: strawberry.Private[int]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("ComplianceReport", self.report_id)

    @classmethod
    def of(cls, row: ReportRow, *, subject: str, secret: str, now: int, ttl: int) -> ComplianceReportFile:
        expires = now + ttl
        return cls(
            file_name=row.file_name,
            format=rp.FileFormat(row.file_format),
            kind=rp.ReportKind(row.kind),
            period_start=row.period_start,
            period_end=row.period_end,
            sha256=row.sha256,
            created_at=row.created_at,
            byte_size=len(row.content),
            download_url=download_path(row, expires, sign(secret, row.id, expires, subject)),
            expires_at=datetime.fromtimestamp(expires, UTC),
            report_id=row.id,
        )


@strawberry.input(description="申请履职报表 — Which park's report, for which period, in which format")
class RequestComplianceReportInput:
    park_id: relay.GlobalID = strawberry.field(description="园区 — The park")
    kind: rp.ReportKind = strawberry.field(description="报表类型 — WEEKLY or MONTHLY")
    period_start: date = strawberry.field(
        description="期间 — MONTHLY: the month's first day; WEEKLY: the Thursday the week ends on (the "
        "report covers the Friday before to that Thursday); not in the future"
    )
    format: rp.FileFormat = strawberry.field(description="文件格式 — XLSX or CSV")


@strawberry.type(description="履职报表结果 — The report made, or what was wrong")
class ComplianceReportPayload:
    report: ComplianceReportFile | None = strawberry.field(description="报表 — The report; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")


def _disclosure(ctx: Context) -> rp.Disclosure:
    """Holders' names and hazards' titles only where the caller may read them."""
    return rp.Disclosure(
        names=lambda path: ctx.can(Resource.PERSON, Action.READ, path),
        hazards=lambda path: ctx.can(Resource.HAZARD, Action.READ, path),
    )


@strawberry.type
class ReportsMutation:
    @strawberry.mutation(
        description="申请履职报表 — Make a park's weekly report (每周四报送: obligations due Friday–Thursday "
        "by status, the week's hazards, the month-to-date score, the missed obligations) or monthly report "
        "(the park's score and counts, every department and enterprise lowest first, the ten items that "
        "cost most) as .xlsx or .csv, with the numbers the API gives for the same period; answers with a "
        "signed download link valid for a few minutes (compliance readers of the park)"
    )
    async def request_compliance_report(
        self, info: Info, input: RequestComplianceReportInput
    ) -> ComplianceReportPayload:
        ctx = info.context

        async def work(session: AsyncSession) -> ReportRow:
            park_id = decode_id(input.park_id, "OrgUnit", "parkId")
            unit = await session.get(OrgUnit, park_id)
            if unit is None or not may_read(ctx, unit):
                raise not_found("parkId", "组织单元", "Unit")
            return await rp.create_report(
                session,
                unit=unit,
                kind=input.kind,
                period_start=input.period_start,
                file_format=input.format,
                actor=actor(ctx),
                today=ctx.today,
                render=render,
                disclosure=_disclosure(ctx),
            )

        row, errors = await run_mutation(info, work)
        if row is None:
            return ComplianceReportPayload(report=None, user_errors=errors)
        state = ctx.request.app.state if ctx.request is not None else None
        report = ComplianceReportFile.of(
            row,
            subject=actor(ctx).subject,
            secret=ctx.settings.secret_key,
            now=links.unix_now(state),
            ttl=ctx.settings.report_link_seconds,
        )
        return ComplianceReportPayload(report=report, user_errors=[])


# --- the download -----------------------------------------------------------------------------


def content_disposition(row: ReportRow) -> str:
    """`attachment` with an ASCII fallback name and the real (Chinese) one per RFC 5987."""
    return links.content_disposition(row.file_name, fallback_prefix=f"{row.kind.lower()}-report_")


async def download(request: Request) -> Response:
    """GET /reports/{report_id}/{file_name}?expires=<unix>&signature=<hex>."""
    row = await links.signed_unit_row(
        request,
        ReportRow,
        "report_id",
        SIGNATURE_CONTEXT,
        (Resource.COMPLIANCE, Action.READ),
        ("报表不存在", "No such report"),
        (
            "申请人已无权查看该园区的履职评分",
            "Whoever asked for the report may no longer read the park's compliance",
        ),
    )
    if isinstance(row, JSONResponse):
        return row
    content, file_format = row.content, rp.FileFormat(row.file_format)
    disposition = content_disposition(row)
    return Response(
        content,
        media_type=rp.CONTENT_TYPES[file_format],
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
