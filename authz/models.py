"""Policy storage, agencies and their contracts, service clients and their keys, external
identities.

History is evidence: rows are written once. A grant, permission, declaration, contract,
client or key is ended by filling its `revoked_*` / `terminated_*` / `disabled_*` columns
once; it is never edited otherwise or deleted, and every change is also in the audit log.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow


class _Revocable:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Given when the row was revoked or ended; the note it was made with stays as it was.
    closing_note: Mapped[str | None] = mapped_column(String(500), nullable=True)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Permission(_Revocable, Base):
    """A `p` line: a role may do an action on a resource wherever it is held."""

    __tablename__ = "authz_permission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    resource: Mapped[str] = mapped_column(String(32), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (Index("ix_authz_permission_role", "role"),)


class RoleGrant(_Revocable, Base):
    """A `g` line an admin made: a subject holds a role at a unit (its subtree, or the node
    alone), or everywhere when `unit_id` is NULL, from `start_date` to `end_date` (inclusive)."""

    __tablename__ = "authz_role_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True)
    subtree: Mapped[bool] = mapped_column(nullable=False, default=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        Index("ix_authz_role_grant_subject", "subject"),
        Index("ix_authz_role_grant_unit_id", "unit_id"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )


class JointResponsibility(_Revocable, Base):
    """党政同责 declared for two posts of one unit: both holders get the principal role over
    the unit's subtree from `start_date`."""

    __tablename__ = "joint_responsibility"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    post_a_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=False)
    post_b_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (
        Index("ix_joint_responsibility_post_a_id", "post_a_id"),
        Index("ix_joint_responsibility_post_b_id", "post_b_id"),
        CheckConstraint("post_a_id <> post_b_id", name="two_posts"),
    )


class Agency(Base):
    """A third-party safety service agency (第三方安全服务机构)."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    credit_code: Mapped[str] = mapped_column(String(18), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (Index("uq_agency_credit_code", "credit_code", unique=True),)


class AgencyMember(_Revocable, Base):
    """A person works for an agency from `start_date` to `end_date` (inclusive)."""

    __tablename__ = "agency_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        Index("ix_agency_member_agency_id", "agency_id"),
        Index("ix_agency_member_person_id", "person_id"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )


class AgencyContract(_Revocable, Base):
    """An agency serves the listed enterprises from `start_date` to `end_date` (inclusive).
    Revoking a contract ends it early, from the day it is revoked (`terminated_on`)."""

    __tablename__ = "agency_contract"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    terminated_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        Index("ix_agency_contract_agency_id", "agency_id"),
        CheckConstraint("end_date >= start_date", name="dates"),
    )

    @property
    def last_day(self) -> date:
        """The last day the contract is in force; before `start_date` if it never was.
        `terminated_on` is the first day it no longer holds."""
        if self.terminated_on is not None:
            return min(self.end_date, self.terminated_on - timedelta(days=1))
        return self.end_date


class AgencyContractUnit(Base):
    __tablename__ = "agency_contract_unit"

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("agency_contract.id", ondelete="RESTRICT"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), primary_key=True)

    __table_args__ = (Index("ix_agency_contract_unit_unit_id", "unit_id"),)


class ClientKind:
    DISTRICT_SYSTEM = "DISTRICT_SYSTEM"  # 区级系统：只读本区
    AGENCY = "AGENCY"  # 第三方机构的系统：随合同
    INTEGRATION = "INTEGRATION"  # 其他系统：权限由授权决定


class ServiceClient(Base):
    """A machine client. A district system reads its district (`unit_id`); an agency's client
    acts for the agency (`agency_id`); an integration has only what is granted to it."""

    __tablename__ = "service_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    disabled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        CheckConstraint("kind IN ('DISTRICT_SYSTEM', 'AGENCY', 'INTEGRATION')", name="kind"),
        CheckConstraint("kind <> 'DISTRICT_SYSTEM' OR unit_id IS NOT NULL", name="district_unit"),
        CheckConstraint("kind <> 'AGENCY' OR agency_id IS NOT NULL", name="agency"),
    )

    @property
    def subject(self) -> str:
        return f"client:{self.id}"


class ApiKey(_Revocable, Base):
    """An API key of a client. The secret is shown once; only its SHA-256 is kept (keys are
    256-bit random, so a fast hash is enough). `prefix` finds the row."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("service_client.id", ondelete="RESTRICT"), nullable=False
    )
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("uq_api_key_prefix", "prefix", unique=True),
        Index("ix_api_key_client_id", "client_id"),
    )


class ExternalIdentity(Base):
    """An identity provider's subject (`iss`, `sub`) mapped to a person or a client."""

    __tablename__ = "external_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), nullable=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_client.id", ondelete="RESTRICT"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("uq_external_identity_issuer_subject", "issuer", "subject", unique=True),
        CheckConstraint("(person_id IS NULL) <> (client_id IS NULL)", name="one_principal"),
    )
