# The study's entry point. `make help` lists the targets.
# Everything runs in a local virtual environment (.venv) built from requirements.txt.
# `make report` is incremental: a notebook re-runs only when the notebook, a helper module
# it imports (build/deps.mk), the derived data, the raw data or the runner changed.
# It is safe with -j2 (each run stages its outputs in its own temporary folder).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SETUP_STAMP := $(VENV)/.setup-complete
STAMPS := build/stamps
REPORT := build/report

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NOTEBOOK_STAMPS := $(patsubst notebooks/%.ipynb,$(STAMPS)/%.done,$(NOTEBOOKS))
HELPERS := $(sort $(wildcard src/helpers/*.py))
RAW := $(sort $(shell find data/raw -type f))
PROCESSED := $(sort $(wildcard data/processed/*.csv))
RUNNER := src/helpers/pipeline.py src/helpers/report.py

.PHONY: help setup data report profiles test unit nbval bench lab clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(SETUP_STAMP) ## build .venv from the pinned requirements (once; later calls do nothing)

$(SETUP_STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or pass PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "error: Python 3.11 is required, found " + sys.version.split()[0])'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Which helper modules each notebook (and the data build) imports.
build/deps.mk: src/helpers/deps.py $(NOTEBOOKS) $(HELPERS)
	@mkdir -p build
	@$(PYTHON) src/helpers/deps.py $(NOTEBOOKS) > $@
-include build/deps.mk

data: $(STAMPS)/data.done ## rebuild the derived tables in data/processed/ (unchanged files keep their dates)

$(STAMPS)/data.done: $(RAW) $(SETUP_STAMP)
	@mkdir -p $(STAMPS)
	$(BIN)/python -m helpers.build
	@touch $@

# The derived tables are products of the data build; their dates change only when their bytes do.
$(PROCESSED): $(STAMPS)/data.done ;

report: $(REPORT)/index.html ## run the notebooks whose inputs changed, regenerate figures/ and the HTML report
	@echo "report: open $(REPORT)/index.html in a browser"

$(STAMPS)/%.done: notebooks/%.ipynb $(PROCESSED) $(RAW) $(RUNNER) | $(STAMPS)/data.done
	@mkdir -p $(STAMPS)
	@$(BIN)/python -m helpers.pipeline run $< --html-dir $(REPORT)/notebooks
	@touch $@

$(REPORT)/index.html: $(NOTEBOOK_STAMPS) src/helpers/report.py
	@$(BIN)/python -m helpers.report index $(NOTEBOOKS) >/dev/null

test: unit nbval ## run the unit tests, then re-run every notebook against its stored outputs (nbval)

unit: $(SETUP_STAMP) ## unit tests only
	$(BIN)/python -m pytest tests

nbval: $(STAMPS)/data.done ## notebooks only: fresh run compared with the committed outputs and figures
	@rm -rf build/nbval-figures && mkdir -p build/nbval-figures
	HELPERS_FIGURE_DIR=build/nbval-figures $(BIN)/python -m pytest --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider notebooks/
	$(BIN)/python scripts/checksums.py same-figures figures build/nbval-figures

profiles: $(STAMPS)/data.done ## a page per province (63 runs of notebooks/profile.ipynb on 2 warm kernels) in build/profiles/
	@$(BIN)/python -m helpers.profiles

bench: $(SETUP_STAMP) ## measure cold and no-op report, its floor, make test and make profiles (build/bench.md)
	$(BIN)/python scripts/bench.py

lab: $(SETUP_STAMP) ## open JupyterLab on the project environment
	$(BIN)/jupyter lab --notebook-dir=.

clean: ## remove generated outputs (build/, figures/); never data/raw/
	rm -rf build figures/*.png figures/*.svg figures/*.json
