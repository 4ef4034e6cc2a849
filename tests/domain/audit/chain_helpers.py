"""What the chain tests share: a world with rows in several chains, and the attacker's way
around the append-only triggers (a person with database access, not the application)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from tests import factories as f


async def world(session: AsyncSession) -> dict[str, Any]:
    """Units, a post held, a duty list and a record with its units and duties (Core
    inserts), and their audit entries (ORM and Core), committed."""
    t = await f.small_tree(session)
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    listed = await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"check": None})
    who = await f.person(session, name="甲一")
    await f.assign(session, principal, who, start=date(2025, 1, 1))
    item_ids = tuple(i.id for i in listed.items) if hasattr(listed, "items") else ()
    record = await f.record(
        session, who, "INSPECTION", date(2025, 2, 5), [t["chem"], t["food"]], item_ids=item_ids
    )
    await session.commit()
    return {"tree": t, "record": record, "person": who}


async def tamper(session: AsyncSession, table: str, sql: str, **params: Any) -> None:
    """Run `sql` on `table` past its append-only triggers, as an attacker would: SQLite
    drops them, PostgreSQL disables them (both undone when the test's transaction is rolled
    back)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        names = (
            await session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": table}
            )
        ).scalars()
        for name in list(names):
            await session.execute(text(f"DROP TRIGGER {name}"))
    await session.execute(text(sql), params)
