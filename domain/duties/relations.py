"""Statements of duty lists' and records' related rows, as (parent key, row) relations for
loaders that read many parents at once (see domain.rows)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from domain.duties.models import (
    DutyItem,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    ExemptionDecision,
)
from domain.rows import Relation, children
from domain.tree.models import OrgUnit


def items_by_version() -> Relation:
    return children(DutyItem.version_id, DutyItem, DutyItem.position)


def versions_by_list() -> Relation:
    return children(DutyListVersion.list_id, DutyListVersion, DutyListVersion.number)


def units_by_record(units: ColumnElement[bool]) -> Relation:
    """The units a record covers among `units` (OrgUnit rows), by path."""
    stmt = (
        select(DutyRecordUnit.record_id, OrgUnit)
        .join(OrgUnit, OrgUnit.id == DutyRecordUnit.unit_id)
        .where(units)
        .order_by(OrgUnit.path)
    )
    return stmt, DutyRecordUnit.record_id


def items_by_record() -> Relation:
    stmt = (
        select(DutyRecordItem.record_id, DutyItem)
        .join(DutyItem, DutyItem.id == DutyRecordItem.item_id)
        .order_by(DutyItem.id)
    )
    return stmt, DutyRecordItem.record_id


def corrections_by_record(records: ColumnElement[bool]) -> Relation:
    """The rows (among `records`) that correct or withdraw a record."""
    return children(DutyRecord.corrects_id, DutyRecord, where=records)


def decision_by_record() -> Relation:
    return children(ExemptionDecision.record_id, ExemptionDecision)
