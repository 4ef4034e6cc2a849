"""Safe retries of writes: the `Idempotency-Key` request header (IETF httpapi draft
"The Idempotency-Key HTTP Header Field")."""
