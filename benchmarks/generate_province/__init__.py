"""A province-sized synthetic dataset, for the compliance-scoring benchmark.

    python -m benchmarks.generate_province --database-url URL [--districts 1] [--parks 20]
        [--enterprises 10000] [--posts 50000] [--records 1000000] [--hazards 100000]
        [--year 2025] [--seed 1]

Fills an empty database (migrated first if it is not: `migrations.runner.upgrade`; refused
if `org_unit` has rows) with plainly fictional data, deterministic for a seed, bulk-loaded
with SQLAlchemy Core in chunks (explicit ids):

- districts → parks (spread evenly) → 8 departments per park → the enterprises, spread
  evenly over the parks and their departments, with mixed trades, sizes, risk classes
  A–D, about 30% placarded (挂牌), each with its `enterprise_profile` row effective from
  1 January of the year before;
- per park its principal, party secretary, committee director and three deputies in
  charge (分管) of the departments, a head per department; per enterprise a principal, a
  safety manager, front-line posts (as many as make up --posts) and, when placarded, the
  三个责任人 (held by the deputy in charge, the department head and the principal); one
  holder per post since 2020-01-01 (演示人员NNNNNN, ID numbers of the fictional region
  999999);
- the national holidays of the year as critical periods of every park;
- the catalogue duty lists, adopted by every park through the services;
- --records records of performance over the year, by the holders of the posts, each
  covering one enterprise (about 1% are corrections of an earlier row);
- the hazard category library (through the services) and --hazards hazards over the year
  in every state, about 10% major, with their history (REPORTED, CONFIRMED or REJECTED,
  PLAN_SET, RECTIFICATION_STARTED, RECTIFICATION_SUBMITTED, CLOSED), deadlines (some
  overdue) and the 五落实 plans of the major ones past REPORTED.

On PostgreSQL the id sequences are moved past the explicit ids; ANALYZE runs at the end.
"""

from benchmarks.generate_province.build import build, report, run
from benchmarks.generate_province.shape import NotEmpty, Options, Summary

__all__ = ["NotEmpty", "Options", "Summary", "build", "report", "run"]
