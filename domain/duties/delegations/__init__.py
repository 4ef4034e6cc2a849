"""Delegations of duties (主持或者委托分管负责人召开): a post's holder entrusts a delegable duty
to another person for some days, and the delegate's records of it count for the post.

The package: `models` (the append-only table), `reading` (delegations as the engine's
facts, tenures, the park of a unit) and `writing` (delegate, withdraw). Nothing is
re-exported here: `domain.models` imports the table alone, before the services exist."""
