# propmgmt: `make run` serves the demo, `make test` runs the suite. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app propmgmt
STAMP := $(VENV)/.installed-stamp
MO := propmgmt/translations/zh/LC_MESSAGES/messages.mo propmgmt/translations/en/LC_MESSAGES/messages.mo

.PHONY: run run-stripe test setup browser db demo bench lint check catalogs babel-compile screenshots clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

propmgmt/translations/%/LC_MESSAGES/messages.mo: propmgmt/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d propmgmt/translations -l $* >/dev/null

setup: $(STAMP) $(MO)

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: demo
	@$(FLASK) demo logins
	$(FLASK) run --host 127.0.0.1 --port 5000

run-stripe: demo
	@$(FLASK) demo logins
	tools/run_with_localstripe.sh

browser:
	tools/ensure_browser.sh

# Two worker processes (pytest-xdist), a test file per worker at a time: the machine has 2 cores.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile

test: setup browser
	$(BIN)/pytest $(PYTEST_PARALLEL)

# Issue 8's bench: SQLite (a temporary file), then PostgreSQL (database `bench`, created when
# missing; never `test`). BENCH_ARGS passes sizes, e.g. BENCH_ARGS='--communities 5
# --dwellings 2000 --tickets 20000'. Needs wrk (apt-get install -y wrk).
BENCH_DB ?= postgresql://postgres@127.0.0.1:5432/bench
BENCH_ARGS ?=
bench: setup
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	psql '$(dir $(BENCH_DB))postgres' -tAc "SELECT 1 FROM pg_database WHERE datname = 'bench'" \
	  | grep -q 1 || psql '$(dir $(BENCH_DB))postgres' -c 'CREATE DATABASE bench'
	DATABASE_URL=$(BENCH_DB) $(BIN)/python bench/run.py $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check propmgmt tests tools

check: setup browser
	$(BIN)/ruff check propmgmt tests tools bench
	$(BIN)/pytest $(PYTEST_PARALLEL)

catalogs: setup
	$(BIN)/python tools/catalogs.py update

babel-compile: setup
	$(BIN)/pybabel compile -d propmgmt/translations

# The README's pictures: copied from the last run of the browser journeys (make test).
screenshots:
	test -d artifacts/screenshots/en || $(BIN)/pytest -q tests/browser
	mkdir -p docs/screenshots
	for f in 01-resident-home 03-resident-ticket-filed 07-resident-paid 08-resident-voted; do \
	  cp artifacts/screenshots/zh/$$f.png docs/screenshots/zh-$$f.png; done
	for f in 10-staff-ticket-queue 20-secretary-dashboard 21-secretary-community; do \
	  cp artifacts/screenshots/en/$$f.png docs/screenshots/en-$$f.png; done

clean:
	rm -rf $(VENV) instance/propmgmt.sqlite3
