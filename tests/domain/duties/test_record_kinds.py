from domain.duties.models import EXEMPTION, DutyRecordKind
from domain.duties.rules import RecordKind


def test_a_record_row_kind_is_a_record_kind_or_an_exemption() -> None:
    assert {k.value for k in DutyRecordKind} == {k.value for k in RecordKind} | {EXEMPTION}
