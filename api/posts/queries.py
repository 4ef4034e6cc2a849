from __future__ import annotations

import strawberry
from strawberry import relay

from api.context import Info
from api.ids import try_decode_id
from api.posts.types import Assignment, Post


@strawberry.type
class PostsQuery:
    @strawberry.field(description="岗位 — One post by ID; null if there is none")
    async def post(self, info: Info, id: relay.GlobalID) -> Post | None:
        post_id = try_decode_id(id, "Post")
        row = await info.context.loaders.post_by_id.load(post_id) if post_id is not None else None
        return Post.from_row(row) if row else None

    @strawberry.field(description="任职 — One assignment record by ID; null if there is none")
    async def assignment(self, info: Info, id: relay.GlobalID) -> Assignment | None:
        assignment_id = try_decode_id(id, "Assignment")
        row = (
            await info.context.loaders.assignment_by_id.load(assignment_id)
            if assignment_id is not None
            else None
        )
        return Assignment.from_row(row) if row else None
