# seinet: the two commands for a fresh machine are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo demo-data test bench validate-deps clean

# Idempotent: rebuilds the environment only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's chromium opens report.html headless in tests/test_report.py; installed only when missing.
CHROMIUM := $(VENV)/.chromium

$(CHROMIUM): $(STAMP)
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update && apt-get install -y --no-install-recommends chromium; \
	fi
	touch $(CHROMIUM)

# NEP89 (DESIGN.md): fetched once from the neptrainkit sdist on PyPI into ~/.cache/seinet/models,
# sha256-checked; the simulation and surface-energy tests run MD with it.
NEP89 := $(VENV)/.nep89

$(NEP89): $(STAMP)
	$(BIN)/python -c "from seinet.models import nep89_path; print(nep89_path())"
	touch $(NEP89)

# Debian's CP2K (real PBE on the CPU) for the labelling tests; installed only when missing.
CP2K := $(VENV)/.cp2k

$(CP2K): $(STAMP)
	@if ! command -v cp2k_shell >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cp2k; \
	fi
	touch $(CP2K)

install: $(STAMP) $(CHROMIUM) $(NEP89) $(CP2K)

# the demo needs the Python environment only (chromium is for the report's browser test)
demo: $(STAMP)
	$(BIN)/seinet demo --out demo_runs --overwrite

# data/demo made by seinet simulate: the na-ec and na-dme presets, NEP89 on the CPU, 500 K (Bussi, 25 fs), 3 ps,
# seed 1; both runs at once, one core each (about 12 min on 2 cores). data/README.md says what they show.
DEMO_MD := --temperature 500 --thermostat bussi --tau-fs 25 --steps 6000 --dump-every 30 --thermo-every 10 \
	--minimize-steps 40 --seed 1 --gzip --quiet

demo-data: $(STAMP) $(NEP89)
	rm -rf .demo-md && mkdir .demo-md
	$(BIN)/seinet simulate na-ec $(DEMO_MD) --out .demo-md/na_ec & ec=$$!; \
	$(BIN)/seinet simulate na-dme $(DEMO_MD) --out .demo-md/na_dme & dme=$$!; \
	wait $$ec && wait $$dme
	for run in na_ec na_dme; do \
		cp .demo-md/$$run/dump.xyz.gz data/demo/$$run.extxyz.gz && \
		cp .demo-md/$$run/thermo.out data/demo/$$run.thermo.out && \
		cp .demo-md/$$run/manifest.json data/demo/$$run.manifest.json || exit 1; \
	done
	rm -rf .demo-md

# pytest exits 5 when it collects no test; that is not a pass here, so no special case.
test: install
	$(BIN)/python -m pytest -q

# The benchmark suite (benchmarks/suite.py; about 30 min on 2 cores): scaling with atoms and frames, parse
# fraction, peak memory, ReacNetGenerator on the same inputs, nucleation. Writes benchmarks/results/suite.json
# and the suite section of docs/performance.md; `make bench BENCH_ARGS=--quick` (minutes) leaves docs/ alone.
bench: install
	$(BIN)/python benchmarks/suite.py --doc $(BENCH_ARGS)

# Reference tools for validation (LAMMPS ReaxFF, ReacNetGenerator); not needed by the tests.
validate-deps:
	bash validation/install.sh

clean:
	rm -rf $(VENV) demo_runs .pytest_cache
