"""Work lists, tasks, their units and leader posts, and the append-only events of a task.

A list and its tasks are written once (when a park takes a list); a task's progress is only
ever a new event row (database triggers refuse UPDATE and DELETE on `work_task_event`), and
its state is the latest event's (see `domain.tasks.states`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow


class WorkList(Base):
    """A work list (重点工作清单) of a park for a year, set by an issuing unit (the office that
    set it and signs its tasks off, e.g. the park's 党政办)."""

    __tablename__ = "work_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    park_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    issuing_unit_id: Mapped[int] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_source.id", ondelete="RESTRICT"), nullable=True
    )
    source_clause: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("uq_work_list_code", "code", unique=True),
        Index("ix_work_list_park_id", "park_id"),
    )


class WorkTask(Base):
    """A task (重点任务) of a list: its row number in the source (kept as printed), title,
    requirement text (工作要求) and one-off deadline."""

    __tablename__ = "work_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("work_list.id", ondelete="RESTRICT"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    requirement: Mapped[str] = mapped_column(Text, nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    section: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_clause: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (Index("uq_work_task_number", "list_id", "number", unique=True),)


class WorkTaskUnit(Base):
    """A unit a task names: LEAD (责任部室) or SUPPORT (配合部室)."""

    __tablename__ = "work_task_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("work_task.id", ondelete="RESTRICT"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (
        Index("uq_work_task_unit", "task_id", "unit_id", unique=True),
        Index("ix_work_task_unit_unit_id", "unit_id", "role"),
    )


class WorkTaskLeader(Base):
    """A leader post in charge of a task (责任领导): a post of the park, never a name."""

    __tablename__ = "work_task_leader"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("work_task.id", ondelete="RESTRICT"), nullable=False)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=False)

    __table_args__ = (
        Index("uq_work_task_leader", "task_id", "post_id", unique=True),
        Index("ix_work_task_leader_post_id", "post_id"),
    )


class WorkTaskEvent(Base):
    """One step of a task (append-only): PROGRESS (进展报告), SUBMIT (申请销号), SIGN_OFF (销号)
    or RETURN (退回, with its reason), on a day, by a person through a post they held."""

    __tablename__ = "work_task_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("work_task.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (Index("ix_work_task_event_task_id", "task_id", "id"),)
