# Lindung: `make run` serves the app with demo data on SQLite; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1
DEMO_WORKERS ?= 20000

.PHONY: run test lint format bench setup demo clean chromium java

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,national]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/lindung setup

run: setup
	$(BIN)/lindung demo --if-empty --workers $(DEMO_WORKERS) --seed 1
	$(BIN)/lindung runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium; install it when missing (CI and fresh machines run as root).
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "Pasang chromium: sudo apt-get install chromium"; exit 1; fi; }

# Spark (lindung.national.dedup tests, local mode) needs a Java runtime.
java:
	@test -x /usr/bin/java || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "Pasang Java: sudo apt-get install default-jre-headless"; exit 1; fi; }

# Two phases: everything that runs inside a rolled-back transaction, then the tests that commit
# for real (browser, backup, concurrency), which need the reference data restored. Each phase is
# spread over TEST_WORKERS pytest-xdist processes (auto = one per core), each with its own test
# database, cache, media folder and live-server port; TEST_WORKERS=0 runs in this process.
# Not --dist loadscope/loadgroup: schemathesis's API tests share one node id, and those modes
# would run only one of them.
TEST_WORKERS ?= auto
test: $(STAMP) chromium java
	LINDUNG_TESTS=other $(BIN)/pytest -n $(TEST_WORKERS)
	LINDUNG_TESTS=transactional $(BIN)/pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Scaling suite (bench/suite.py): coverage, import, funding optimiser and load at 100k, 1M, 10M
# workers on SQLite and PostgreSQL (the optimiser once per size, up to 1M candidates); to run
# small: make bench BENCHES=load BENCH_ARGS="--sizes 100k --databases sqlite". `python -m bench`
# runs each module alone.
BENCHES ?= coverage,import,optimiser,load
bench: $(STAMP)
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench.suite --benches $(BENCHES) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
