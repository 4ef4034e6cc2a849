"""Who may see delegations of duties: callers who may read the duties of the delegating post
(its unit in their duty-read scopes, or the post granted to them), the delegate, and the
one who recorded it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from authz.catalogue import Resource
from authz.reach import Reach
from domain.duties.delegations.models import DutyDelegation
from domain.posts.models import Post


def delegations_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.DUTY)
    if scopes.everything:
        return true()
    conds: list[ColumnElement[bool]] = []
    if reach.subject is not None:
        conds.append(DutyDelegation.created_by == reach.subject)
    if reach.person_id is not None:
        conds.append(DutyDelegation.delegate_person_id == reach.person_id)
    if not scopes.empty:
        conds.append(DutyDelegation.post_id.in_(select(Post.id).where(scopes.post_clause())))
    return or_(*conds) if conds else false()
