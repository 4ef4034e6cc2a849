"""Who may see what, as SQL: one module per area, each a set of predicates over that area's
rows built from a caller's `Reach` (see authz.reach for the tree's own rows: units, posts,
persons, assignments, 分管 records).

Every predicate here is the list-side twin of an `enforce` check; `tests/authz` proves
them equal object by object. Lists, lookups by id, guards and the compiled read path all
filter through these, so each rule is written once.
"""
