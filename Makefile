# Lotse: `make run` (set up, build the index if missing, start the chat) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
LOTSE := $(VENV)/bin/lotse
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
STRACE := /usr/bin/strace
POSTGRES := /usr/bin/pg_ctlcluster
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Nothing may be downloaded at run time and nothing reports home.
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup system-packages index run test eval bench bench-scale clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	# torch first: 2.13.0 is a local CPU build; otherwise sentence-transformers pulls CUDA wheels.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Browser tests drive Debian's chromium (never a browser downloaded by a test tool);
# the offline test watches `lotse serve` with strace; the feedback tests also run on
# Debian's PostgreSQL (each test session starts its own server on a loopback port).
$(CHROMIUM) $(STRACE) $(POSTGRES):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium strace postgresql

system-packages: $(CHROMIUM) $(STRACE) $(POSTGRES)

index: setup
	$(LOTSE) ingest --if-missing

# The web chat on http://127.0.0.1:7860 (lotse serve builds the index first if it is missing).
run: setup
	$(LOTSE) serve

# Lint and formatting, import layers, types, the whole test suite, then the NRW, newcomer, realistic and places evals as quality gates (floors in evals/thresholds.toml).
test: setup system-packages
	$(VENV)/bin/ruff check app ingest evals tests benchmarks
	$(VENV)/bin/ruff format --check app ingest evals tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) -m pytest
	$(LOTSE) ingest --quiet
	$(LOTSE) eval nrw --out reports/nrw
	$(LOTSE) eval newcomer --out reports/newcomer
	$(LOTSE) eval realistic --out reports/realistic
	$(LOTSE) eval places --out reports/places

eval: index
	$(LOTSE) eval all --out reports/all

bench: index
	$(PY) -m benchmarks.core
	$(PY) -m benchmarks.load
	$(PY) -m benchmarks.reload
	$(PY) -m benchmarks.feedback
	$(PY) -m evals.gap_groups

# Ingest and questions at 1x, 15x and 75x the corpus (sizes over 20 minutes are extrapolated) plus hash-vector runs.
bench-scale: setup
	$(PY) -m benchmarks.scale
	$(PY) -m benchmarks.lexical

clean:
	rm -rf var/ reports/ .pytest_cache
