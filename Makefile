# hlopt developer tasks. `make install` then `make test` is the whole set-up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: install test test-fast lint bench docs clean

install: ## a virtualenv with hlopt (editable) and its dev tools, plus system tools it drives
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --config-settings editable_mode=compat -e '.[dev,mcp]'
	@./scripts/install-system-tools.sh || echo "note: optional system tools not installed (see above)"

test: ## the whole test suite, corpus and slow tests included
	$(PY) -m pytest -n auto -q

test-fast: ## everything but the corpus and slow tests
	$(PY) -m pytest -n auto -q -m "not corpus and not slow"

lint:
	$(VENV)/bin/ruff check hlopt tests bench
	$(VENV)/bin/hlopt debloat hlopt/

bench: ## benchmarks: ratios against the peer tools, printed (never asserted)
	$(PY) bench/startup.py
	$(PY) bench/debloat_peers.py
	$(PY) bench/debloat_projects.py
	$(PY) bench/debloat_stdlib_fix.py
	$(PY) bench/compress_peers.py
	$(PY) bench/mcp_overhead.py
	$(PY) bench/profile_overhead.py
	$(PY) bench/profile_accuracy.py
	$(PY) bench/bench_stability.py

docs: ## regenerate docs/rules.md from the rule registry
	$(VENV)/bin/hlopt rules --format markdown > docs/rules.md
	$(PY) -m hlopt.sysctl.doctable docs/sysctl.md

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache bench/.cache
