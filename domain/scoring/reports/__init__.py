"""Compliance reports handed out as files: the weekly report (园区周报, 每周四报送) and the
monthly park report (园区月报), as CSV or XLSX.

The contract:

- A report is built from the functions the API reads with (`unit_score` rows through
  `score_rows`, `explain` and `obligation_losses`, `obligations_of_posts` over
  `posts_of_unit`, the scoring's `hazard_standing`), so its numbers are the API's for the
  same period by construction, not by a second implementation.
- Monthly park report for a month that has begun: the park's score with its subtree and
  its own, the counts of the score (obligations on time / late / missed; hazards counted /
  overdue / open major / closed / closure rate), the scheme version, the day the data are
  current to; every department and enterprise of the park with its score (with subtree),
  counts and current class (A/B/C/D), lowest score first (units without a score last); the
  ten obligations and hazards that took most points off the park's score.
- Weekly report (source 002: 各企业每周四将重点工作完成情况……报送园区): the week ends on the
  Thursday given (no later than today) and runs Friday–Thursday. Obligations of the park's
  posts (with subtree) whose due date falls in the week, by status, judged on the score
  state's `as_of` (today when there are no scores); hazards found in the week (not
  rejected), closed in the week, and open / open and overdue / open major on the Thursday
  (judged as the scoring judges a day); the park's month-to-date score (the MONTH row of
  the month holding the Thursday); and the week's missed obligations.
- Names of holders and hazard titles are shown only where `Disclosure` allows (the API
  passes the requester's person-read and hazard-read rights); numbers are compliance data
  and always shown.
- Rendering is the web layer's (CSV or XLSX, deterministic: the same report gives the same
  bytes); `create_report` is handed the renderer and keeps the bytes it returns.
- `create_report` stores the file as handed out, with its SHA-256, in the append-only
  `compliance_report` table, and audits the hand-out (without the content).

The package, by area: `model` (the report's kinds, formats, tables and disclosure, the
checks of a request, the pieces both reports share), `names` (names a report mentions),
`monthly` and `weekly` (the two reports), `service` (file names, `build_report`,
`create_report`).
"""

from domain.scoring.reports.model import (
    CONTENT_TYPES,
    EXTENSIONS,
    MONTH_TO_DATE,
    OVERVIEW,
    TOP_LOSSES,
    UNIT_SCORES,
    WEEK_HAZARDS,
    WEEK_MISSED,
    WEEK_OBLIGATIONS,
    Disclosure,
    FileFormat,
    ReportKind,
)
from domain.scoring.reports.service import Renderer, build_report, create_report

__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "MONTH_TO_DATE",
    "OVERVIEW",
    "TOP_LOSSES",
    "UNIT_SCORES",
    "WEEK_HAZARDS",
    "WEEK_MISSED",
    "WEEK_OBLIGATIONS",
    "Disclosure",
    "FileFormat",
    "Renderer",
    "ReportKind",
    "build_report",
    "create_report",
]
