"""Evidence files and their attachments. Both tables are append-only (triggers on SQLite and
PostgreSQL): a file is never overwritten or deleted through the API, and an attachment is
never taken back, only followed by others.

The content lives in the blob store (`domain.files.stores`) under its SHA-256, once however
many uploads carry it; a row of `evidence_file` is one upload of that content: who uploaded
it, when, under which name. The same uploader sending the same content again is refused
(DUPLICATE_FILE) and pointed at the first upload; anonymous uploads (tip-offs, uploader
"public") are not compared with each other."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow

# The uploader of files sent with a public tip-off (no account).
PUBLIC_UPLOADER = "public"


class AttachmentSubject(StrEnum):
    """What a file is attached to."""

    RECORD = "RECORD"  # a record of performance (duty_record, kind other than EXEMPTION)
    HAZARD = "HAZARD"  # a hazard, at one of its stages (EvidenceStage)
    HAZARD_PLAN = "HAZARD_PLAN"  # a 五落实 plan (hazard_plan)
    EXEMPTION = "EXEMPTION"  # an exemption request (duty_record of kind EXEMPTION)
    TIP_OFF = "TIP_OFF"  # a public tip-off (tip_off)


class EvidenceStage(StrEnum):
    """When, in a hazard's life, a file was attached."""

    FOUND = "FOUND"  # as found (排查发现)
    RECTIFIED = "RECTIFIED"  # as rectified (整改完成)
    VERIFIED = "VERIFIED"  # at verification (验收)


class EvidenceFile(Base):
    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Lowercase hex SHA-256 of the content: its key in the blob store.
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # Sniffed from the content, never taken from the client.
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    # The file name the client gave (cleaned: no path, no control characters).
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    # Images: a small JPEG for lists, itself a blob under its own SHA-256.
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    thumbnail_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Pixel size of images.
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The caller's subject ("person:12", "client:3") or PUBLIC_UPLOADER.
    uploaded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_evidence_file_sha256", "sha256"),
        # One upload of a content per uploader (anonymous uploads aside).
        Index(
            "uq_evidence_file_uploader_sha256",
            "uploaded_by",
            "sha256",
            unique=True,
            sqlite_where=text("anonymous = 0"),
            postgresql_where=text("NOT anonymous"),
        ),
        CheckConstraint("size > 0", name="size"),
        CheckConstraint("length(sha256) = 64", name="sha256"),
    )


class EvidenceAttachment(Base):
    """A file attached to a subject (AttachmentSubject) by someone, at a stage for hazards."""

    __tablename__ = "evidence_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("evidence_file.id", ondelete="RESTRICT"), nullable=False)
    subject: Mapped[str] = mapped_column(String(16), nullable=False)
    subject_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # HAZARD only: FOUND, RECTIFIED or VERIFIED; NULL for the other subjects.
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    attached_by: Mapped[str] = mapped_column(String(64), nullable=False)
    attached_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_evidence_attachment_subject", "subject", "subject_id", "id"),
        Index("ix_evidence_attachment_file_id", "file_id"),
        # A file is attached to a subject (at a stage) once.
        Index(
            "uq_evidence_attachment",
            "subject",
            "subject_id",
            text("coalesce(stage, '')"),
            "file_id",
            unique=True,
        ),
        CheckConstraint(
            "subject IN ('RECORD', 'HAZARD', 'HAZARD_PLAN', 'EXEMPTION', 'TIP_OFF')", name="subject"
        ),
        CheckConstraint(
            "(subject = 'HAZARD') = (stage IS NOT NULL) AND "
            "(stage IS NULL OR stage IN ('FOUND', 'RECTIFIED', 'VERIFIED'))",
            name="stage",
        ),
    )
