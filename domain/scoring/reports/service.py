"""Building a report, its file name, and keeping the file as handed out (`create_report`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import record, snapshot
from domain.scoring.maintain import prepare
from domain.scoring.models import ComplianceReport
from domain.scoring.reports.model import (
    ALL,
    EXTENSIONS,
    KIND_LABELS,
    Disclosure,
    FileFormat,
    Report,
    ReportKind,
    _park,
    check_request,
)
from domain.scoring.reports.monthly import monthly_report
from domain.scoring.reports.weekly import weekly_report
from domain.tree.models import OrgUnit

# Renders a report in a file format (CSV, XLSX): presentation, which the web layer does and
# passes in (`api.scoring.report_files.render`); the bytes it returns are what is kept.
Renderer = Callable[[Report, FileFormat], bytes]

_UNSAFE = re.compile(r"[^\w.-]+")


def file_name(report: Report, file_format: FileFormat) -> str:
    """e.g. 园区月报_ZY_2026-10.xlsx, 园区周报_ZY_2026-11-19.csv (the Thursday)."""
    code = _UNSAFE.sub("_", report.unit_code).strip("._") or str(report.unit_id)
    when = (
        report.period_start.strftime("%Y-%m")
        if report.kind is ReportKind.MONTHLY
        else report.period_end.isoformat()
    )
    return f"{KIND_LABELS[report.kind]}_{code}_{when}.{EXTENSIONS[file_format]}"


async def build_report(
    session: AsyncSession,
    park: OrgUnit,
    kind: ReportKind,
    period: date,
    *,
    today: date,
    disclosure: Disclosure = ALL,
) -> Report:
    if kind is ReportKind.MONTHLY:
        return await monthly_report(session, park, period, today=today, disclosure=disclosure)
    return await weekly_report(session, park, period, today=today, disclosure=disclosure)


async def create_report(
    session: AsyncSession,
    *,
    unit: OrgUnit,
    kind: ReportKind,
    period_start: date,
    file_format: FileFormat,
    actor: Actor,
    today: date,
    render: Renderer,
    disclosure: Disclosure = ALL,
) -> ComplianceReport:
    """Build a report of a park, render it with `render` and keep the file. `period_start`
    is the month's first day (MONTHLY) or the Thursday the week ends on (WEEKLY). The
    request is checked before anything is written; the scores are then brought to `today`
    (as every change does), so the file says what the API says today. Returns the stored
    row (append-only)."""
    _park(unit)
    await check_request(session, kind, period_start, today)
    await prepare(session, today)
    report = await build_report(session, unit, kind, period_start, today=today, disclosure=disclosure)
    content = render(report, file_format)
    row = ComplianceReport(
        unit_id=unit.id,
        kind=kind.value,
        file_format=file_format.value,
        period_start=report.period_start,
        period_end=report.period_end,
        file_name=file_name(report, file_format),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor.subject,
    )
    session.add(row)
    await session.flush()
    # Handing out a file of names and scores is audited; the audit keeps its digest, not it.
    fields = ("id", "unit_id", "kind", "file_format", "period_start", "period_end", "file_name", "sha256",
              "created_by")  # fmt: skip
    await record(
        session,
        action="scoring.report",
        target_type="ComplianceReport",
        target_id=row.id,
        domain=unit.path,
        after={**snapshot(row, fields), "byte_size": len(content)},
        actor=actor,
    )
    return row
