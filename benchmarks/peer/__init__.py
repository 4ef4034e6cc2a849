"""This project against a peer, PostGraphile v5, on the same PostgreSQL tables.

    python -m benchmarks.peer [--database-url postgresql://postgres@127.0.0.1:5432/test]
        [--duration 5] [--rounds 2] [--keep]

Prerequisites: PostgreSQL (the server of --database-url), npm (the npm registry reachable)
and wrk (Debian: `apt-get install wrk`).

Prints the machine calibration, then builds a fresh temporary database (dropped afterwards
unless --keep): 1 park, 1,000 enterprises, 3 posts each with one current holder, every
tenth enterprise placarded with the three responsible persons' posts. Installs PostGraphile
v5 and Node 22 from the npm registry into a scratch folder (~/.cache/safety-bench-peer,
or $BENCH_PEER_DIR), serves PostGraphile (amber preset) and this app (one uvicorn worker,
production settings, background jobs off, a platform admin's token) on the same database,
checks that both answer the same data, then drives both with wrk, interleaved (ours, peer,
ours, peer … rounds of --duration seconds), at 1 and 8 connections:

  heavy     100 enterprises → posts → current holder's name
  walk      all 1,000 enterprises, 10 pages of 100 by cursor, timed as a sequence (Python)
  placard   the placard board of the park (100 placarded enterprises, three persons each)
  typename  `{ __typename }` (ours with the token, the peer without auth)

and prints req/s, p50, p99 of each side and the ratio ours/peer of throughput. Then the
floors of the heavy request: graphql-core's executor over plain dicts, one hand-written
json_agg statement through asyncpg, json.dumps of the answer.
"""
