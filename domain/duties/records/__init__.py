"""Records of performance, exemptions and critical periods: written once, corrected or
withdrawn by new rows that point at what they replace.

Who may write what is the API's business (it checks the caller's rights on every unit);
these services check the input and the rules of the evidence itself: one correction per
row, only the recorder corrects their record, a record names only duties its kind can
fulfil, nothing is dated in the future.

The package: `inputs` (what a record is written from), `checking` (the rules of the
evidence), `writing` (write, correct, withdraw), `choosing` (the duty a record naming none
fulfils), `counting` (what records counted for, how late they were entered),
`exemption_requests` and `critical_periods`.
"""

from domain.duties.records.checking import Units as Units
from domain.duties.records.critical_periods import declare_critical_period as declare_critical_period
from domain.duties.records.critical_periods import withdraw_critical_period as withdraw_critical_period
from domain.duties.records.exemption_requests import decide_exemption as decide_exemption
from domain.duties.records.exemption_requests import list_item_keys as list_item_keys
from domain.duties.records.exemption_requests import request_exemption as request_exemption
from domain.duties.records.inputs import MAX_ATTACHMENTS as MAX_ATTACHMENTS
from domain.duties.records.inputs import MAX_ITEMS as MAX_ITEMS
from domain.duties.records.inputs import MAX_PARTICIPANTS as MAX_PARTICIPANTS
from domain.duties.records.inputs import MAX_UNITS as MAX_UNITS
from domain.duties.records.inputs import Attachment as Attachment
from domain.duties.records.inputs import Participant as Participant
from domain.duties.records.inputs import RecordInput as RecordInput
from domain.duties.records.inputs import attachment_row as attachment_row
from domain.duties.records.inputs import check_attachments as check_attachments
from domain.duties.records.inputs import participants_of as participants_of
from domain.duties.records.writing import correct_record as correct_record
from domain.duties.records.writing import create_record as create_record
from domain.duties.records.writing import current_row as current_row
from domain.duties.records.writing import record_units as record_units
from domain.duties.records.writing import withdraw_record as withdraw_record
