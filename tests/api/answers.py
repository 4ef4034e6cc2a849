"""Comparing two GraphQL answers exactly, for tests/api/test_compiled_equivalence.py.

Two answers are alike when their JSON is: the same keys (in any order), the same values of
the same JSON types (`true` is not `1`, `1` is not `1.0`), lists in the same order. Errors
are compared by what a client reads of them (message, path, locations, every extension)
as a set: the spec leaves their order open, and the resolvers' own order follows which
resolver failed first.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any


def _error_key(error: dict[str, Any]) -> str:
    return json.dumps(error, sort_keys=True, ensure_ascii=False)


def normalized(body: dict[str, Any]) -> dict[str, Any]:
    """The answer with its errors in a canonical order."""
    out = dict(body)
    if isinstance(out.get("errors"), list):
        out["errors"] = sorted(out["errors"], key=_error_key)
    return out


def first_difference(a: Any, b: Any, where: str = "$") -> str | None:
    """Where `a` and `b` first differ as JSON, or None when they do not."""
    if type(a) is not type(b):
        return f"{where}: {a!r} ({type(a).__name__}) ≠ {b!r} ({type(b).__name__})"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{where}: keys {sorted(a)} ≠ {sorted(b)}"
        for k in a:
            found = first_difference(a[k], b[k], f"{where}.{k}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items ≠ {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r} ≠ {b!r}"


def difference(compiled: dict[str, Any], resolved: dict[str, Any]) -> str | None:
    return first_difference(normalized(compiled), normalized(resolved))


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _places(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _places(v, (*at, i))


def _changed(value: Any) -> list[Any]:
    """Values a faulty path could give instead of `value`, each unlike it as JSON."""
    if isinstance(value, bool):
        return [not value, int(value)]
    if isinstance(value, int):
        return [value + 1, float(value), str(value)]
    if isinstance(value, float):
        return [value + 1]
    if isinstance(value, str):
        return [value + " ", value[:-1] if value else "x", None]
    if value is None:
        return [0, "", False]
    if isinstance(value, list):
        out: list[Any] = [[*value, None], value[:-1] if value else [0]]
        if len(value) > 1 and value[0] != value[-1]:
            out.append(value[::-1])
        return out
    assert isinstance(value, dict)
    out = [{**value, "extra": None}]
    if value:
        out.append({k: v for k, v in value.items() if k != next(iter(value))})
    return out


def altered(body: dict[str, Any], limit: int = 40) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Copies of `body`, each changed at one place (up to `limit` places): what a check that
    truly compares must tell from the answer."""
    for n, at in enumerate(_places(body)):
        if n >= limit:
            return
        target: Any = body
        for step in at:
            target = target[step]
        if at == ():
            continue
        for new in _changed(target):
            if at == ("errors",) and new == target[::-1]:
                continue  # the errors are a set: another order is the same answer
            changed = copy.deepcopy(body)
            holder: Any = changed
            for step in at[:-1]:
                holder = holder[step]
            holder[at[-1]] = new
            yield at, changed
