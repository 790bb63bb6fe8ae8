# chiso — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHISO_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/chiso
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres test-sqlite-then-browser test-browser bench lint chromium postgres clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Reuses the demo database built before (what was entered stays); make demo FRESH=1 builds a new one.
demo: $(STAMP)
	$(BIN)/chiso demo --port $(PORT)$(if $(FRESH), --fresh)

# Two lines side by side, each keeping one core busy: the PostgreSQL run (the longest), and the SQLite run
# followed by the browser tests (both on SQLite), so the browser tests no longer wait for PostgreSQL to end.
test: $(STAMP) chromium postgres
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory --output-sync=target -j2 test-postgres test-sqlite-then-browser

test-sqlite-then-browser: $(STAMP)
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-browser

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	CHISO_DATA_DIR=$$(mktemp -d) CHISO_DATABASE_URL= $(BIN)/pytest -m "not browser" -q

test-postgres: $(STAMP)
	@echo "== test suite on PostgreSQL ($(CHISO_TEST_POSTGRES_URL)) =="
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(CHISO_TEST_POSTGRES_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  CHISO_DATA_DIR=$$(mktemp -d) CHISO_DATABASE_URL=$(CHISO_TEST_POSTGRES_URL) $(BIN)/pytest -m "not browser" -q; \
	elif [ "$$CI" = "true" ]; then \
	  echo "ERROR: PostgreSQL is not reachable at $(CHISO_TEST_POSTGRES_URL); CI must test on PostgreSQL."; exit 1; \
	else \
	  echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!! SKIPPED: PostgreSQL not reachable at $(CHISO_TEST_POSTGRES_URL)"; \
	  echo "!! The suite ran on SQLite only. Set CHISO_TEST_POSTGRES_URL or start PostgreSQL."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; \
	fi

# Every browser test walks the whole demo, so the run starts from it rather than from the small world.
test-browser: $(STAMP)
	@echo "== browser tests (Playwright + Debian Chromium) =="
	CHISO_TEST_WORLD=demo CHISO_DATA_DIR=$$(mktemp -d) CHISO_DATABASE_URL= $(BIN)/pytest -m browser -q tests/browser

# The analytics benchmark on its own database: make bench SIZE=M (S, M or L; see README.md).
bench: $(STAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/chiso bench --size $${SIZE:-S} --import-rows $${IMPORT_ROWS:-1000000}

# Debian's Chromium drives the browser tests; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Start the local PostgreSQL cluster when it is installed but not running.
postgres:
	@if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "Starting PostgreSQL…"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi

# ruff and mypy on the pure engine, the figure-writing code and the audited actions (pyproject.toml says which).
LINTED := chiso/engine chiso/values chiso/totals tests/totals chiso/accounts/actions.py chiso/plans/actions.py chiso/ranking \
          tests/test_architecture.py tests/ranking
lint: $(STAMP)
	@echo "== ruff and mypy =="
	$(BIN)/ruff check $(LINTED)
	CHISO_DATA_DIR=$$(mktemp -d) $(BIN)/mypy --strict chiso/engine
	CHISO_DATA_DIR=$$(mktemp -d) $(BIN)/mypy chiso/values chiso/totals chiso/accounts/actions.py chiso/plans/actions.py chiso/ranking

clean:
	rm -rf $(VENV) test-artifacts
