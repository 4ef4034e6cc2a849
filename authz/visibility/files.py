"""Who may read an evidence file (its metadata, its download and thumbnail links).

The contract: a file is readable by the caller who uploaded it, and by whoever may read a
subject it is attached to (a record, a hazard, a plan, an exemption, a tip-off), judged by
that subject's own visibility rules. Everyone else is told it is not found. Download links
are signed only for readable files, at the time of signing (`api.files`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from authz.reach import Reach
from domain.files.models import EvidenceFile


def readable_files(reach: Reach) -> ColumnElement[bool]:
    """Files the caller may read, as a filter on EvidenceFile."""
    conds: list[ColumnElement[bool]] = []
    if reach.subject is not None:
        conds.append(EvidenceFile.uploaded_by == reach.subject)
    # Files attached to subjects the caller may read: added with attachments.
    return or_(*conds) if conds else false()
