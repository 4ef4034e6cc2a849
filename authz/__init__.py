"""Authorization: the Casbin model (`model.conf`), role links derived from who holds what
(`links`), the per-process enforcer kept current across processes (`authority`, `watcher`),
the SQL filters every list and lookup goes through (`reach`), credentials (`credentials`),
agencies and contracts, clients and keys, and policy administration (`policy`, `export`).
"""
