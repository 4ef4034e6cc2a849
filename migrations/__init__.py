"""Alembic migrations. `migrations.runner` applies them from code (CLI, app start, tests)."""
