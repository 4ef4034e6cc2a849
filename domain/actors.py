"""Who acts: one value, built once per request by the API (or by a command, a seed, a
job), passed explicitly to the services that record who did something, and by them to the audit
log (`domain.audit.service`, `actor=`). Nothing reads it from the session."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The authenticated caller, or the program acting on its own.

    `subject` is the label the audit log and the `created_by` / `recorder` columns keep:
    `person:<id>`, `client:<id>`, `cli`, `system` or `anonymous`. `person_id` is the person
    behind it, if any (records count for that person's duties); `agency_id` the agency the
    caller acts for at the units concerned, if any; `request_id` the request that carried
    the change, for the audit log."""

    subject: str
    person_id: int | None = None
    agency_id: int | None = None
    request_id: str | None = None


SYSTEM = Actor("system")
CLI = Actor("cli")
"""A command run by an operator (`python -m api ...`)."""
