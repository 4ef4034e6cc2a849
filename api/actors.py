"""Who acts in a request: the one `domain.actors.Actor` the API passes to the services of
every area that write and audit (an area that qualifies it, e.g. by the agency the caller
acts for, starts from this one)."""

from __future__ import annotations

from api.context import Context
from domain.actors import Actor


def actor(ctx: Context) -> Actor:
    """The request's caller as the actor of a change, with the request's id for the audit
    log; `anonymous` when no one signed in."""
    caller = ctx.caller
    if caller is None:
        return Actor("anonymous", request_id=ctx.request_id)
    return Actor(caller.subject, person_id=caller.person_id, request_id=ctx.request_id)
