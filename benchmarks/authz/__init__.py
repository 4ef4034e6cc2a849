"""Authorization at scale: 20,000 units and 100,000 role links.

    python -m benchmarks.authz [--database-url URL] [--units 20000] [--links 100000]

Builds a fresh database (a temporary SQLite file, or a temporary database on the PostgreSQL
server named by --database-url, dropped afterwards), migrates it and bulk-loads a tree
(districts → parks → departments → enterprises, consistent materialized paths), a post
with its holder at every park, department and enterprise (two links per assignment), an
agency whose contract covers 50 enterprises (a member and the agency's client), a
district system client, and RoleGrant rows up to the number of links asked for. Then it
prints, each with its target on this 2-core machine where there is one:

- the time to load the Authority (every template and link);
- `enforce`, median and p95 over random allowed and denied checks (each checked against a
  reference evaluation of the links);
- the first check in a domain never checked before;
- building a caller's list filter (Authority.reach + compiling the SQL predicate) for a
  park principal, an agency member and a district reader;
- the filtered enterprise list through the real app (in process, httpx ASGITransport);
- on PostgreSQL: how long a grant made through one server process takes to be enforced
  by another (two uvicorn processes, NOTIFY → AuthzListener).
"""
