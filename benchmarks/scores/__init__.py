"""Compliance scoring at province scale on PostgreSQL: the full rebuild, the district
dashboard over HTTP and its floor, and recording an inspection with the score update.

    python -m benchmarks.scores [--database-url URL] [--generate] [--today 2025-12-31]
        [--period 2025 | 2025-Q4 | 2025-12] [--runs 50] [--warmups 3] [--skip-rebuild]

The database is kept between runs (default `bench_province` on the local server; the
server's own `postgres` database is refused): `--generate` creates it if it is missing and
fills it, if empty, with `benchmarks.generate_province` at its default size (1 district,
20 parks, 10,000 enterprises, 1,000,000 records, 100,000 hazards of 2025; about 4 minutes on 2 cores).
It prints two figures of the machine first (a plain Python loop and a `SELECT 1` round trip),
to compare runs across machines. Then, printing median and p95 of every timing:

1. rebuild: `rebuild(session, today)` and its commit, with the breakdown it returns; then
   VACUUM ANALYZE of the two tables it rewrote, so that the reads below see them as
   autovacuum leaves them after two million deleted and inserted rows, and a CHECKPOINT, so
   that writing out what the rebuild changed does not fall into the timings below. With
   --skip-rebuild, the same VACUUM ANALYZE and CHECKPOINT: the recordings of earlier runs
   left dead row versions that autovacuum would have cleared, had the server it on.
2. dashboard: the `districtDashboard` query, --runs times after --warmups, against the real
   app (`create_app`, served by uvicorn in a process of its own on a free port) over HTTP,
   as a district admin (a person of the benchmark's own holding an `admin` grant on the
   district, made through `authz.policy` as the demo loader does). The server measures
   each request (`Measured`): its time in the app, and within it the SQL statements and
   their time and the garbage collector's pauses.
3. floor: the same numbers (each park's score, on-time/late/missed, overdue and open major
   hazards, its lowest-scoring enterprises with their scores) from ONE SQL statement over
   `unit_score` and `org_unit`, timed the same way; it must equal the API's answer.
4. recording: the `recordPerformance` mutation by --runs front-line holders (after
   --warmups others), each on a day they have no record of yet (so that their daily check
   turns from missed to done and score rows change); every one is committed and stays in
   the database (the next rebuild counts them). The time spent in the score update (`track`,
   around the write) is measured inside the same requests. Then, through the domain,
   `create_record` for the same holders on days still without a record, in rolled-back
   transactions, with the scores built and with the `score_state` row removed (no score
   update at all).

The app's clock is pinned to --today, as the rebuild's: records are accepted and scores
kept as on that day. Its background loops (score refresh, hazard escalation) are off so
that they run inside no timing.
"""
