"""The pieces a report is made of: its kinds and file formats, the report, its tables and
columns, what it may disclose, the checks of a request, and what both reports share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.obligations import Status
from domain.errors import DomainError, ErrorCode
from domain.scoring.formula import HazardStanding, PeriodKind, period_end
from domain.scoring.models import ScoreSchemeVersion, UnitScore
from domain.scoring.queries import check_period, scheme_version
from domain.scoring.state import current_state
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit


class ReportKind(StrEnum):
    WEEKLY = "WEEKLY"  # 园区周报（每周四报送）
    MONTHLY = "MONTHLY"  # 园区月报


class FileFormat(StrEnum):
    XLSX = "XLSX"
    CSV = "CSV"


CONTENT_TYPES = {
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.CSV: "text/csv; charset=utf-8",
}
EXTENSIONS = {FileFormat.XLSX: "xlsx", FileFormat.CSV: "csv"}
KIND_LABELS = {ReportKind.WEEKLY: "园区周报", ReportKind.MONTHLY: "园区月报"}

STATUS_LABELS = {
    Status.DONE_ON_TIME: "按时完成",
    Status.DONE_LATE: "逾期完成",
    Status.MISSED: "未完成",
    Status.DUE: "进行中",
    Status.NOT_YET_DUE: "未开始",
    Status.NOT_APPLICABLE: "不适用",
}
STANDING_LABELS = {
    HazardStanding.CLOSED_ON_TIME: "按期销号",
    HazardStanding.CLOSED_LATE: "逾期销号",
    HazardStanding.OVERDUE: "逾期未销号",
    HazardStanding.OPEN_MAJOR: "重大隐患未销号",
    HazardStanding.OPEN: "整改中",
}

# Section names: the sheets of an XLSX, the headings of a CSV's sections.
OVERVIEW = "概况"
UNIT_SCORES = "单位得分"
TOP_LOSSES = "失分最多"
WEEK_OBLIGATIONS = "履职情况"
WEEK_HAZARDS = "隐患情况"
MONTH_TO_DATE = "月度得分"
WEEK_MISSED = "未完成履职"

TOP_N = 10
WITHHELD = "（无权查看）"
VACANT = "（空岗）"
PER_HOLDER = "（按责任人计）"
# A duty's text can run to several hundred characters; a report cell shows its start.
DUTY_TEXT_CHARS = 60

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 12
    number_format: str | None = None  # XLSX display format; the value is kept exact


@dataclass
class Table:
    name: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    # (label, value) rows: a value's display format follows its label, not its column.
    key_value: bool = False


@dataclass
class Report:
    """A report: a title, a title block of (label, value) lines, and tables."""

    kind: ReportKind
    unit_id: int
    unit_code: str
    title: str
    period_start: date
    period_end: date
    as_of: date
    fields: list[tuple[str, Cell]]
    tables: list[Table]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def value(self, label: str) -> Cell:
        return next(v for k, v in self.fields if k == label)


def _everything(_path: str) -> bool:
    return True


@dataclass(frozen=True)
class Disclosure:
    """What a report may show beyond numbers, asked per unit path: holders' names
    (`names`) and hazards' titles and responsible persons (`hazards`). The default shows
    everything (command line, demo); the API passes the requester's rights."""

    names: Callable[[str], bool] = _everything
    hazards: Callable[[str], bool] = _everything


ALL = Disclosure()

SCORE_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
DATE_FORMAT = "yyyy-mm-dd"


# --- checks ---------------------------------------------------------------------------


def _period_error(zh: str, en: str) -> DomainError:
    return DomainError.one(ErrorCode.INVALID_VALUE, "periodStart", zh, en)


def week_of(thursday: date) -> tuple[date, date]:
    """The reporting week ending on a Thursday: Friday to Thursday."""
    if thursday.isoweekday() != 4:
        raise _period_error(
            "周报须按周四报送：期间须为星期四（统计上周五至本周四）",
            "a weekly report is made on a Thursday: periodStart must be a Thursday (the week runs Friday to "
            "Thursday)",
        )
    return thursday - timedelta(days=6), thursday


async def check_request(
    session: AsyncSession, kind: ReportKind, period: date, today: date
) -> tuple[date, date]:
    """The period a request names, or the typed error: a month's first day or a Thursday, of
    a period that has begun (a Thursday that has come), within the days scores are kept."""
    if kind is ReportKind.WEEKLY:
        start, end = week_of(period)
        if end > today:
            raise _period_error("该周四尚未到来，周报于周四当日或以后生成", "that Thursday has not come yet")
    else:
        check_period(PeriodKind.MONTH, period)
        start, end = period, period_end(PeriodKind.MONTH, period)
        if start > today:
            raise _period_error("该月尚未开始", "that month has not begun")
    state = await current_state(session)
    if state is not None and end < state.since:
        raise _period_error(
            f"评分数据自{state.since.isoformat()}起保存，无法生成更早期间的报表",
            f"scores are kept from {state.since.isoformat()}: no report for an earlier period",
        )
    return start, end


# --- shared pieces --------------------------------------------------------------------


def _rate(closed: int, counted: int) -> float | None:
    """The closure rate as `HazardCounts.closureRate` has it."""
    return round(closed / counted, 4) if counted else None


async def _version_number(session: AsyncSession, row: UnitScore | None, district_id: int, start: date) -> int:
    """The number of the scheme version that scored the period: the row's, or (nothing
    counted) the one in force on the period's first day."""
    if row is not None and row.scheme_version_id is not None:
        found = await session.get(ScoreSchemeVersion, row.scheme_version_id)
        if found is not None:
            return found.number
    return (await scheme_version(session, district_id, start)).number


def _district_id(unit: OrgUnit) -> int:
    return int(unit.path.strip("/").split("/")[0])


def _score_fields(tree: UnitScore | None) -> list[tuple[str, Cell]]:
    """The counts of a score (with subtree), labelled as the title block shows them."""
    on = tree.on_time if tree else 0
    late = tree.late if tree else 0
    missed = tree.missed if tree else 0
    counted = tree.hz_counted if tree else 0
    closed = tree.hz_closed if tree else 0
    return [
        ("履职按时完成", on),
        ("履职逾期完成", late),
        ("履职未完成", missed),
        ("计分隐患", counted),
        ("逾期未销号隐患", tree.hz_overdue if tree else 0),
        ("重大隐患未销号", tree.hz_open_major if tree else 0),
        ("已销号隐患", closed),
        ("隐患销号率", _rate(closed, counted)),
    ]


def _park(unit: OrgUnit) -> None:
    if unit.kind != UnitKind.PARK.value:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE, "parkId", "周报、月报按园区生成", "reports are made for a park"
        )


def _month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"
