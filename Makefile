# Two commands on a fresh machine (Python 3.11+ and make):
#   make run    create .venv, install, migrate, load demo data on first start, serve
#   make test   run the test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL)
# Both install the pinned dependencies of requirements.lock; after changing those of
# pyproject.toml, `make lock` regenerates it.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lock lint typecheck schema check-schema check-clients migrate load-demo token demo-logins export-policy bench bench-authz bench-duties bench-obligation-pages bench-scores bench-peer bench-fixed-cost bench-files bench-dossier clean

# Dependencies come from requirements.lock: every package pinned, with its hashes (plain pip,
# no other tool needed). `pip check` fails when pyproject.toml names a package the lock lacks:
# then run `make lock`.
$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	@touch $@

# Regenerate requirements.lock from pyproject.toml (the dependencies and the dev extra, for
# Python 3.11+ on any platform), keeping the pins that still fit; to move every pin to its
# newest allowed release: make lock ARGS=--upgrade
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' --quiet -o requirements.lock $(ARGS)

run: $(VENV)/.installed
	$(PY) -m api serve --host $(HOST) --port $(PORT)

# The suite on every core (pytest-xdist; each worker has its own database): JOBS=0 runs it in
# one process, ARGS passes more options: make test JOBS=0 ARGS="-x tests/api"
JOBS ?= auto
test: $(VENV)/.installed
	$(PY) -m pytest -n $(JOBS) $(ARGS)

# Style, and the architecture: import-linter's contracts (pyproject.toml) and no import
# cycle between modules (tests/test_architecture.py, also part of `make test`).
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -n 0 -p no:cacheprovider tests/test_architecture.py

typecheck: $(VENV)/.installed
	$(PY) -m mypy

schema: $(VENV)/.installed
	$(PY) -m api export-schema

check-schema: $(VENV)/.installed
	$(PY) -m api export-schema --check

# The frontend operations in clients/typescript against schema.graphql (needs Node and npm).
check-clients:
	clients/typescript/check.sh

migrate: $(VENV)/.installed
	$(PY) -m api migrate

load-demo: $(VENV)/.installed
	$(PY) -m api load-demo

# A bearer token for an existing person or client: make token ARGS="--person 3"
token: $(VENV)/.installed
	@$(PY) -m api token $(ARGS)

# A ready-made token for each demo role (demo database)
demo-logins: $(VENV)/.installed
	@$(PY) -m api demo-logins

# The policy in force today (or ON=YYYY-MM-DD) as model.conf + policy.csv for stock Casbin:
# make export-policy OUT=policy-export
OUT ?= policy-export
export-policy: $(VENV)/.installed
	$(PY) -m api export-policy --out $(OUT) $(if $(ON),--on $(ON),)

bench: $(VENV)/.installed
	$(PY) -m benchmarks.list_enterprises

# Authorization at 20,000 units and 100,000 role links; on PostgreSQL (which adds the
# cross-process figure): make bench-authz ARGS="--database-url postgresql://postgres@127.0.0.1:5432/test"
bench-authz: $(VENV)/.installed
	$(PY) -m benchmarks.authz $(ARGS)

# Statuses of every obligation of a park for a year: 2,000 enterprises, 200,000 records; on
# PostgreSQL: make bench-duties ARGS="--database-url postgresql://postgres@127.0.0.1:5432/test"
bench-duties: $(VENV)/.installed
	$(PY) -m benchmarks.obligations $(ARGS)

# The first page of a park's obligations for the year and of its overdue ones, on the demo
# data through the app: make bench-obligation-pages ARGS="--database-url postgresql://…"
bench-obligation-pages: $(VENV)/.installed
	$(PY) -m benchmarks.obligation_pages $(ARGS)

# Compliance scoring at province scale on PostgreSQL: the full rebuild, the district dashboard
# over HTTP against its one-statement floor, and recording an inspection with the score
# update. Keeps its database (bench_province on the local server); the first time:
# make bench-scores ARGS="--generate"   (creates and fills it, about 4 minutes on 2 cores)
bench-scores: $(VENV)/.installed
	$(PY) -m benchmarks.scores $(ARGS)

# This app against PostGraphile v5 on the same PostgreSQL tables (1,000 enterprises), with
# wrk at 1 and 8 connections, plus the floors. Needs npm (installs PostGraphile and Node 22
# into ~/.cache/safety-bench-peer) and wrk (apt-get install wrk); about 3 minutes:
# make bench-peer ARGS="--database-url postgresql://postgres@127.0.0.1:5432/test --duration 5"
bench-peer: $(VENV)/.installed
	$(PY) -m benchmarks.peer $(ARGS)

# The fixed cost of a request: `{ __typename }` with a bearer token (and a heavy read), one
# server with the demo data, wrk at 1 and 8 connections; SQLite unless
# ARGS="--database-url postgresql://postgres@127.0.0.1:5432/test". Needs wrk; about a minute.
bench-fixed-cost: $(VENV)/.installed
	$(PY) -m benchmarks.fixed_cost $(ARGS)

# Evidence file uploads and downloads (1 MB and 10 MB) through the API against the stores'
# own put and get, on the disk store and on the S3 store (moto's S3 server, started by the
# script); SQLite unless ARGS="--database-url postgresql://…". About a minute:
# make bench-files ARGS="--sizes-mb 1,10 --count 12"
bench-files: $(VENV)/.installed
	$(PY) -m benchmarks.files $(ARGS)

# The accountability dossier of the demo park for a year, through the app (build, keep,
# download), with its size and counts; SQLite unless
# ARGS="--database-url postgresql://postgres@127.0.0.1:5432/test". About half a minute.
bench-dossier: $(VENV)/.installed
	$(PY) -m benchmarks.dossier $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
