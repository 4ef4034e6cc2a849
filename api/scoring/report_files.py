"""Compliance reports as files: a report (`domain.scoring.reports`, what it says) rendered
as CSV or XLSX (how it looks), deterministically: the same report gives the same bytes.
CSV: UTF-8 with a BOM so that Excel reads Chinese, sections separated by a blank line;
XLSX: one sheet per section, its timestamps and the archive's entry times fixed to the
report's data day. `render` is what the API hands `create_report`."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from domain.scoring.reports.model import (
    DATE_FORMAT,
    OVERVIEW,
    RATE_FORMAT,
    SCORE_FORMAT,
    Cell,
    FileFormat,
    Report,
)

# A text cell that starts like a formula is shown as text by spreadsheets only when it says
# so: CSV gets a leading apostrophe (OWASP's advice against CSV injection), XLSX a string cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)


def render_csv(report: Report) -> bytes:
    """The title and title block, then each table under its name, sections separated by a
    blank line; UTF-8 with a BOM, CRLF line ends (what Excel expects)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([_csv_cell(report.title)])
    for label, value in report.fields:
        w.writerow([label, _csv_cell(value)])
    for table in report.tables:
        w.writerow([])
        w.writerow([table.name])
        w.writerow([c.title for c in table.columns])
        for row in table.rows:
            w.writerow([_csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


class _StampedZip(ZipFile):
    """A zip whose entries all carry one time: openpyxl stamps the parts it writes from
    memory with the clock, and the worksheets (written through a temporary file) with that
    file's modification time."""

    stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as f:
            data = f.read()
        self.writestr(str(arcname if arcname is not None else filename), data)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


def _put(ws: Any, row: int, col: int, value: Cell, number_format: str | None = None) -> Any:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif number_format is not None and isinstance(value, int | float):
        cell.number_format = number_format
    return cell


def _label_format(label: Cell) -> str | None:
    """The display format of a title-block value: rates as percentages, scores with two
    decimals (the stored value is kept exact), counts as they are."""
    if not isinstance(label, str):
        return None
    if label.endswith("率"):
        return RATE_FORMAT
    return SCORE_FORMAT if label.startswith("得分") else None


def render_xlsx(report: Report) -> bytes:
    """One sheet per section: 概况 (the title and title block), then one per table with its
    header row bold and frozen. Dates are date cells, scores and rates numbers with a display
    format. The workbook's created/modified times and the archive's entry times are the
    report's data day, so the same data give the same bytes."""
    bold = Font(bold=True)
    wb = Workbook()
    ws: Any = wb.active
    ws.title = OVERVIEW
    _put(ws, 1, 1, report.title).font = Font(bold=True, size=14)
    for i, (label, value) in enumerate(report.fields, start=2):
        _put(ws, i, 1, label).font = bold
        _put(ws, i, 2, value, _label_format(label)).alignment = Alignment(horizontal="left")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 48
    for table in report.tables:
        sheet: Any = wb.create_sheet(table.name)
        for c, column in enumerate(table.columns, start=1):
            _put(sheet, 1, c, column.title).font = bold
            sheet.column_dimensions[get_column_letter(c)].width = column.width
        for r, row in enumerate(table.rows, start=2):
            for c, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
                fmt = _label_format(row[0]) if table.key_value and c > 1 else column.number_format
                _put(sheet, r, c, value, fmt)
        sheet.freeze_panes = "A2"
    stamp = datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "safety-duty"
    wb.properties.title = report.title
    buf = io.BytesIO()
    archive = _StampedZip(buf, "w", ZIP_DEFLATED, allowZip64=True)
    archive.stamp = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    ExcelWriter(wb, archive).save()  # closes the archive
    return buf.getvalue()


def render(report: Report, file_format: FileFormat) -> bytes:
    return render_xlsx(report) if file_format is FileFormat.XLSX else render_csv(report)
