# hlopt developer tasks. `make install` then `make test` is the whole set-up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: install test test-fast lint bench docs clean demo

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
	$(PY) bench/debloat_async_ruff.py
	$(PY) bench/debloat_projects.py
	$(PY) bench/debloat_stdlib_fix.py
	$(PY) bench/debloat_highload_peers.py
	$(PY) bench/compress_peers.py
	$(PY) bench/mcp_overhead.py
	$(PY) bench/profile_overhead.py
	$(PY) bench/profile_accuracy.py
	$(PY) bench/bench_stability.py
	$(PY) bench/mutate_peers.py
	$(PY) bench/nativize_kernels.py

DEMO := build/demo
HLOPT := $(abspath $(VENV))/bin/hlopt
DEMO_SETUP := from logstats.__main__ import synthetic_log; from logstats.parse import by_endpoint; data = by_endpoint(synthetic_log(20000))["/api/orders"]

demo: ## the main job on a copy of examples/demo: profile -> nativize --apply -> tests -> bench
	rm -rf $(DEMO) && mkdir -p build && cp -r examples/demo $(DEMO)
	cd $(DEMO) && git init -q && git add -A && git -c user.name=demo -c user.email=demo@localhost commit -qm "before nativize"
	@echo "== 1. profile: where does the aggregator spend its time?"
	cd $(DEMO) && $(HLOPT) profile -m logstats --top 3 -o prof.json
	@echo "== 2. nativize the hottest function: compile, verify, measure, install"
	cd $(DEMO) && $(HLOPT) nativize --from-profile prof.json --top 1 --apply
	@echo "== 3. the app's own tests, and what changed in the project"
	cd $(DEMO) && $(abspath $(PY)) -m pytest -q -p no:cacheprovider tests && git status --short
	@echo "== 4. bench: the committed Python (before) against the working tree (after)"
	cd $(DEMO) && $(HLOPT) bench logstats.metrics:count_spikes --ref HEAD --metric wall --setup '$(DEMO_SETUP)' --stmt 'target(data, 0.05, 3.0)'
	@echo "== 5. CI guard: is the extension up to date with its source?"
	cd $(DEMO) && $(HLOPT) nativize --check logstats

docs: ## regenerate docs/rules.md from the rule registry
	$(VENV)/bin/hlopt rules --format markdown > docs/rules.md
	$(PY) -m hlopt.sysctl.doctable docs/sysctl.md

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache bench/.cache
