"""A field that fails beside others sharing a loaded value does not crash the request."""

from __future__ import annotations

import asyncio

import strawberry

from api.dataloader import DataLoader


async def _load(keys: list[int]) -> list[int]:
    await asyncio.sleep(0.01)
    return [key * 10 for key in keys]


@strawberry.type
class Row:
    n: int

    @strawberry.field
    async def shared(self, info: strawberry.Info) -> int:
        loader: DataLoader[int, int] = info.context["loader"]
        return await loader.load(1)  # one future, shared by every row

    @strawberry.field
    async def checked(self) -> int:
        await asyncio.sleep(0)
        if self.n == 0:
            raise ValueError("row 0 fails")
        await asyncio.sleep(0.02)
        return self.n


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        return [Row(n=n) for n in range(3)]


async def test_rows_beside_a_failed_non_null_field_get_their_shared_value() -> None:
    # graphql-core cancels `shared` of row 0 when its non-null `checked` fails; rows 1 and 2
    # wait for the same loaded future and must still get it.
    schema = strawberry.Schema(query=Query)
    result = await schema.execute(
        "{ rows { shared checked } }", context_value={"loader": DataLoader(load_fn=_load)}
    )
    assert result.data == {"rows": [None, {"shared": 10, "checked": 1}, {"shared": 10, "checked": 2}]}
    assert [e.path for e in result.errors or []] == [["rows", 0, "checked"]]
