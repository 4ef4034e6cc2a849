"""The compiled read path: a validated operation's root fields over table-backed types become
one SQL statement each that returns the field's JSON, placed into the response as it is.

`SERVED` counts the root fields answered this way in this process ("Query.units" …), and
`TOO_DEEP` those SQLite could not take: the tests check with them that the compiled path
did run.
"""

from __future__ import annotations

from collections import Counter

SERVED: Counter[str] = Counter()
# Root fields whose statement SQLite refused for its nesting (they went to the resolvers).
TOO_DEEP: Counter[str] = Counter()
