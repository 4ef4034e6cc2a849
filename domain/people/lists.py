"""The list of persons as the API offers it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select

from domain.people.models import Person


def persons(visible: ColumnElement[bool], search: str | None = None) -> Select[Person]:
    """Persons `visible` admits whose name contains `search` (blank: all)."""
    stmt = select(Person).where(visible)
    if search and search.strip():
        stmt = stmt.where(Person.name.contains(search.strip(), autoescape=True))
    return stmt
