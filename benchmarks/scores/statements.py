"""The benchmark's fixed inputs: the default database, the GraphQL documents, the district
admin it acts as, and the floor's SQL statements.
"""

from __future__ import annotations

from benchmarks.synthetic import id_number

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_province"
REFUSED_DATABASES = ("postgres", "template0", "template1")
LOWEST = 10

QUERY = """
query Dashboard($district: ID!, $kind: PeriodKind!, $start: Date!, $lowest: Int!) {
  districtDashboard(districtId: $district, periodKind: $kind, periodStart: $start, lowest: $lowest) {
    asOf
    parks {
      park { id name }
      score { score obligations { onTime late missed } hazards { overdue openMajor } }
      lowestEnterprises { unit { id name } score }
    }
  }
}
"""

RECORD = """
mutation Record($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { record { id } userErrors { code field message } }
}
"""
RECORD_TITLE = "基准测试巡查（演示）"

# The benchmark's district admin: a person of its own (a fictional ID number far past the
# generator's persons), with an `admin` grant on the district's subtree.
ADMIN_NAME = "基准测试区管理员（演示）"
ADMIN_ID_NUMBER = id_number(999_999)
ADMIN_NOTE = "benchmarks.scores: district admin for the dashboard benchmark"

# Both statements return one row per (park, listed enterprise), parks by id and each park's
# enterprises lowest score first (then by id), with NULL enterprise columns for a park with
# none; parks are those with a TREE score row for the period, as on the dashboard.
# PostgreSQL: each park's lowest enterprises by a LIMITed scan of ix_unit_score_park_period.
FLOOR_LATERAL = """
SELECT p.unit_id, po.name, p.score, p.on_time, p.late, p.missed, p.hz_overdue, p.hz_open_major,
       e.unit_id, eo.name, e.score
FROM unit_score p
JOIN org_unit po ON po.id = p.unit_id
LEFT JOIN LATERAL (
    SELECT u.unit_id, u.score FROM unit_score u
    WHERE u.park_id = p.unit_id AND u.period_kind = p.period_kind AND u.period_start = p.period_start
      AND u.scope = 'TREE' AND u.unit_kind = 'ENTERPRISE' AND u.score IS NOT NULL
    ORDER BY u.score, u.unit_id
    LIMIT :lowest
) e ON true
LEFT JOIN org_unit eo ON eo.id = e.unit_id
WHERE p.district_id = :district AND p.period_kind = :kind AND p.period_start = :start
  AND p.scope = 'TREE' AND p.unit_kind = 'PARK'
ORDER BY p.unit_id, e.score, e.unit_id
"""
# Any dialect (SQLite has no LATERAL): every enterprise of the district ranked by a window,
# as the API's own statement does.
FLOOR_WINDOW = """
WITH s AS (
    SELECT unit_id, park_id, unit_kind, score, on_time, late, missed, hz_overdue, hz_open_major,
           row_number() OVER (PARTITION BY park_id, unit_kind ORDER BY score, unit_id) AS n
    FROM unit_score
    WHERE district_id = :district AND period_kind = :kind AND period_start = :start AND scope = 'TREE'
      AND (unit_kind = 'PARK' OR (unit_kind = 'ENTERPRISE' AND score IS NOT NULL))
)
SELECT p.unit_id, po.name, p.score, p.on_time, p.late, p.missed, p.hz_overdue, p.hz_open_major,
       e.unit_id, eo.name, e.score
FROM s p
JOIN org_unit po ON po.id = p.unit_id
LEFT JOIN s e ON e.park_id = p.unit_id AND e.unit_kind = 'ENTERPRISE' AND e.n <= :lowest
LEFT JOIN org_unit eo ON eo.id = e.unit_id
WHERE p.unit_kind = 'PARK'
ORDER BY p.unit_id, e.n
"""
