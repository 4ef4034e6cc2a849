"""Reporting hazards, their 五落实 plans and their way through the state machine.

Each change writes its history entry in the same transaction; a refused change writes
nothing. Who may act (report at a unit, confirm or verify from above it) is the API's
door; the rules of the ledger itself are here: legal transitions only, a major hazard is
rectified only under a 五落实 plan, and the rectifier does not verify their own work.

The package: `history` (history entries and notices), `categories`, `lifecycle` (report,
plan, transitions) and `deadlines` (extensions and escalation).
"""

from domain.hazards.service.categories import create_category as create_category
from domain.hazards.service.deadlines import decide_extension as decide_extension
from domain.hazards.service.deadlines import escalate_overdue as escalate_overdue
from domain.hazards.service.deadlines import pending_extension as pending_extension
from domain.hazards.service.deadlines import request_extension as request_extension
from domain.hazards.service.history import DISTRICT_AFTER_DAYS as DISTRICT_AFTER_DAYS
from domain.hazards.service.history import DOUBLE_REPORT as DOUBLE_REPORT
from domain.hazards.service.history import ESCALATION as ESCALATION
from domain.hazards.service.history import Evidence as Evidence
from domain.hazards.service.lifecycle import PLAN_STATES as PLAN_STATES
from domain.hazards.service.lifecycle import latest_plan as latest_plan
from domain.hazards.service.lifecycle import load_for_change as load_for_change
from domain.hazards.service.lifecycle import report_hazard as report_hazard
from domain.hazards.service.lifecycle import set_plan as set_plan
from domain.hazards.service.lifecycle import transition as transition
