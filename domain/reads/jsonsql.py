"""JSON built in SQL, value for value as the API renders it in Python.

Every function returns SQL text for one dialect ("postgresql" or "sqlite"). The rules the
Python side follows, and so these do:
- a global ID is base64 (standard alphabet, padded) of "Type:key" (strawberry.relay);
- a cursor is base64url without padding of the compact JSON list `[tag, *key]`
  (api.connection.encode_cursor), dates as ISO strings;
- a timestamp is `datetime.isoformat()` of the UTC value: "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00",
  the fraction only when it is not zero;
- booleans are JSON booleans (SQLite stores 0/1).

SQLite has no base64: `register_sqlite_functions` adds it on each connection. A JSON value
that comes out of a subquery loses its JSON type on SQLite and would be embedded as a
string: `embed` re-reads it (a no-op on PostgreSQL, whose json type survives).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from domain.identifiers import mask_id_number, mask_phone

SQLITE_B64 = "safety_b64"
SQLITE_B64URL = "safety_b64url"
SQLITE_MASK_ID = "safety_mask_id_number"
SQLITE_MASK_PHONE = "safety_mask_phone"


def _b64(text: str | None) -> str | None:
    return None if text is None else base64.b64encode(str(text).encode()).decode()


def _b64url(text: str | None) -> str | None:
    if text is None:
        return None
    return base64.urlsafe_b64encode(str(text).encode()).decode().rstrip("=")


def _mask_id(number: str | None) -> str | None:
    return None if number is None else mask_id_number(number)


def _mask_phone(phone: str | None) -> str | None:
    return mask_phone(phone) if phone else None


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """The functions the compiled reads call, on one SQLite connection: base64, and the
    domain's own masking of ID and phone numbers."""
    dbapi_connection.create_function(SQLITE_B64, 1, _b64, deterministic=True)
    dbapi_connection.create_function(SQLITE_B64URL, 1, _b64url, deterministic=True)
    dbapi_connection.create_function(SQLITE_MASK_ID, 1, _mask_id, deterministic=True)
    dbapi_connection.create_function(SQLITE_MASK_PHONE, 1, _mask_phone, deterministic=True)


def quote(text: str) -> str:
    """A SQL string literal (standard SQL: quotes doubled; both databases take it as is)."""
    return "'" + text.replace("'", "''") + "'"


class JsonSql:
    """The JSON builders of one dialect."""

    def __init__(self, dialect: str) -> None:
        if dialect not in ("postgresql", "sqlite"):
            raise ValueError(f"no compiled reads on {dialect}")
        self.pg = dialect == "postgresql"

    # --- structure -------------------------------------------------------------------

    def obj(self, pairs: Sequence[tuple[str, str]]) -> str:
        """A JSON object of (key, SQL value) pairs, in order. PostgreSQL takes at most 100
        arguments a call: larger objects are concatenated as jsonb (keys stay distinct)."""
        if not pairs:
            return "json_build_object()" if self.pg else "json_object()"
        parts = ", ".join(f"{quote(k)}, {v}" for k, v in pairs)
        if not self.pg:
            return f"json_object({parts})"
        if len(pairs) <= 50:
            return f"json_build_object({parts})"
        chunks = [pairs[i : i + 50] for i in range(0, len(pairs), 50)]
        return "(" + " || ".join(f"({self.obj(c)})::jsonb" for c in chunks) + ")::json"

    def embed(self, sql: str) -> str:
        """A JSON value read from a subquery, to be nested in an object or array."""
        return sql if self.pg else f"json({sql})"

    def agg(self, value: str, order: str) -> str:
        """The JSON array of `value` (a JSON object built in this SELECT) over the rows of a
        FROM whose rows come in `order`; `[]` when there are none. On SQLite the FROM must
        already be ordered (json_group_array takes no ORDER BY before 3.44), and gives `[]`
        for no rows by itself: every parenthesis saved counts there, whose parser allows
        only so much nesting."""
        if self.pg:
            return f"coalesce(json_agg({value} ORDER BY {order}), '[]'::json)"
        return f"json_group_array({value})"

    def array(self, items: Sequence[str]) -> str:
        """A JSON array of these JSON values, in order."""
        return f"json_build_array({', '.join(items)})" if self.pg else f"json_array({', '.join(items)})"

    def null_json(self) -> str:
        return "NULL::json" if self.pg else "NULL"

    # --- scalars -----------------------------------------------------------------------

    def boolean(self, sql: str) -> str:
        if self.pg:
            return sql
        return f"(CASE WHEN {sql} IS NULL THEN NULL WHEN {sql} THEN json('true') ELSE json('false') END)"

    def truth(self, sql: str) -> str:
        """A boolean column read back in a condition (SQLite holds 0/1)."""
        return sql if self.pg else f"({sql} = 1)"

    def boolean_literal(self, value: bool) -> str:
        if self.pg:
            return "true" if value else "false"
        return "json('true')" if value else "json('false')"

    def text_literal(self, value: str | None) -> str:
        if value is None:
            return "NULL"
        return quote(value) + ("::text" if self.pg else "")

    def date(self, sql: str) -> str:
        # PostgreSQL renders dates as ISO in JSON; SQLite stores them as ISO text.
        return sql

    def timestamp(self, sql: str) -> str:
        if self.pg:
            utc = f"({sql} AT TIME ZONE 'UTC')"
            return (
                f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', {utc}) "
                f"= {utc} THEN '' ELSE to_char({utc}, '.US') END || '+00:00')"
            )
        # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC) in SQLite.
        return (
            f"(CASE WHEN {sql} IS NULL THEN NULL WHEN substr({sql}, 21, 6) = '000000' "
            f"THEN substr({sql}, 1, 10) || 'T' || substr({sql}, 12, 8) || '+00:00' "
            f"ELSE substr({sql}, 1, 10) || 'T' || substr({sql}, 12) || '+00:00' END)"
        )

    def json_of(self, sql: str) -> str:
        """A scalar as JSON text (strings quoted and escaped, numbers as they are)."""
        return f"to_json({sql})::text" if self.pg else f"json_quote({sql})"

    def global_id(self, type_name: str, *keys: str) -> str:
        """strawberry.relay's global ID of "Type:key" (key parts joined by ':')."""
        text = " || ':' || ".join([quote(type_name), *(self._text(k) for k in keys)])
        if self.pg:
            return f"replace(encode(convert_to({text}, 'UTF8'), 'base64'), E'\\n', '')"
        return f"{SQLITE_B64}({text})"

    def _text(self, sql: str) -> str:
        return f"({sql})::text" if self.pg else f"CAST({sql} AS TEXT)"

    def cursor(self, tag: str, keys: Sequence[str]) -> str:
        """api.connection.encode_cursor(tag, key) for the row whose key columns are `keys`."""
        parts = [quote(f'["{tag}"')] + [f"',' || {self.json_of(k)}" for k in keys] + ["']'"]
        text = " || ".join(parts)
        if self.pg:
            return f"rtrim(translate(encode(convert_to({text}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"
        return f"{SQLITE_B64URL}({text})"

    def mask_id_number(self, sql: str) -> str:
        """domain.identifiers.mask_id_number: the first 3 and last 4 characters."""
        if not self.pg:
            return f"{SQLITE_MASK_ID}({sql})"
        return f"(left({sql}, 3) || repeat('*', length({sql}) - 7) || right({sql}, 4))"

    def mask_phone(self, sql: str) -> str:
        """domain.identifiers.mask_phone, null for no phone: a mobile keeps its first 3 and
        last 4 digits; another number its first 4 (less a trailing '-') and last 4."""
        if not self.pg:
            return f"{SQLITE_MASK_PHONE}({sql})"
        head = f"(CASE WHEN length({sql}) > 4 THEN left({sql}, length({sql}) - 4) ELSE '' END)"
        return (
            f"(CASE WHEN {sql} IS NULL OR {sql} = '' THEN NULL "
            f"WHEN {sql} ~ '^1[3-9][0-9]{{9}}$' THEN left({sql}, 3) || '****' || right({sql}, 4) "
            f"ELSE left(rtrim({head}, '-'), 4) || '****' || right({sql}, 4) END)"
        )

    def least(self, a: str, b: str) -> str:
        return f"least({a}, {b})" if self.pg else f"min({a}, {b})"
