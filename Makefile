# The study's entry point. `make help` lists the targets.
# Everything runs in a local virtual environment (.venv) built from requirements.txt.
#
# Dependencies are recorded, not guessed:
#   data/processed/*  <- every raw file listed in data/raw/MANIFEST.csv, data/codebook/*, the helpers
#   a notebook        <- the data files its last run opened, as the runner recorded them in its metadata
#                        `study.reads` (build/deps.mk), the notebook,
#                        the helpers (coarsely: any module) and the runner (src/helpers/run/, but
#                        the site driver and the HTML renderer)
#   the profiles      <- notebooks/profile.ipynb, the helpers, the derived tables, their runner
#   the site          <- the notebooks (after their runs), the profiles, site/*, the figures' index,
#                        CITATION.cff, the manifest, the helpers and the run wing; Sphinx then
#                        rebuilds only the pages whose sources changed (build/site-doctrees/)
# A derived table keeps its file date when a build leaves its bytes unchanged, so only the
# notebooks that read a table that really changed re-run (see `report`). The notebooks, the profiles
# and the site run in parallel (JOBS, one per core by default).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The set-up stamp holds the hash of what the environment is built from: it is out of date when the
# content of requirements.txt or pyproject.toml changes, never because of a file date.
SETUP_STAMP := $(VENV)/.setup-complete
SETUP_HASH := $(shell cat requirements.txt pyproject.toml 2>/dev/null | sha256sum | cut -d' ' -f1)
# The project's own Jupyter kernel, registered inside .venv (never user-wide); every notebook names it.
KERNEL_NAME := dti-study
KERNEL_SPEC := $(VENV)/share/jupyter/kernels/$(KERNEL_NAME)/kernel.json
STAMPS := build/stamps
SITE := build/site

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NOTEBOOK_STAMPS := $(patsubst notebooks/%.ipynb,$(STAMPS)/%.done,$(NOTEBOOKS))
HELPERS := $(sort $(shell find src/helpers -name '*.py' -not -path 'src/helpers/run/*'))
RUNNER := $(sort $(wildcard src/helpers/run/*.py))
# What runs a notebook: the run wing except the parts that only publish (the site, HTML rendering).
NOTEBOOK_RUNNER := $(filter-out src/helpers/run/site.py src/helpers/run/render.py,$(RUNNER))
# Raw inputs: what the manifest lists (a listed file that is missing stops the build with a
# message) and whatever else is present (an unlisted file makes the checksum step fail).
# A name with a space cannot be a prerequisite: such a file is left to the data build, which refuses
# it with a message (as `manifest add` does).
RAW_LISTED := $(addprefix data/raw/,$(shell tail -n +2 data/raw/MANIFEST.csv | cut -d, -f1 | grep -v '[[:space:]]'))
RAW := $(sort data/raw/MANIFEST.csv $(RAW_LISTED) $(shell find data/raw -type f -not -path '*[[:space:]]*'))
CODEBOOK := $(sort $(wildcard data/codebook/*.csv))
SITE_SOURCES := $(sort $(shell find site -type f -not -path '*/__pycache__/*'))
PROFILE_RUNNER := $(addprefix src/helpers/run/,profile_sweep.py batch.py pipeline.py render.py publish.py errors.py)
# The notebook phase of `make report` runs this many jobs at once (one per core), unless make was
# given -j itself; each job's output is printed whole when it ends (--output-sync). The unit tests
# and nbval run on as many pytest workers (pytest-xdist); within `make test`, nbval runs in its own process
# (NBVAL_JOBS=0, see test).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
NBVAL_JOBS ?= $(JOBS)
# The project's modules compiled ahead (src/**/__pycache__, ignored by git; a no-op when up to date): every
# Python process of a run (a kernel, a data build, a command in a test's copy of the project) then loads
# them instead of compiling them again, also where PYTHONDONTWRITEBYTECODE keeps Python from caching them.
COMPILE = $(BIN)/python -m compileall -q src
PARALLEL = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS)) --output-sync=target

.PHONY: help setup data report profiles pdf test lint unit nbval bench lab clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## build .venv from the pinned requirements (again if they changed or it is broken) and register its kernel
	@if [ -f $(SETUP_STAMP) ] && ! why=$$($(BIN)/python scripts/check_env.py 2>&1); then \
		echo "setup: $${why:-.venv does not run}; building a new one beside it" >&2; rm -f $(SETUP_STAMP); fi
	@$(MAKE) --no-print-directory $(SETUP_STAMP) $(KERNEL_SPEC)

# Out of date when missing or when it holds another hash (then forced); the new environment is built
# beside the old one, checked, and swapped in (scripts/setup_venv.sh): a working .venv is never removed
# before its replacement works.
ifneq ($(SETUP_HASH),$(shell cat $(SETUP_STAMP) 2>/dev/null))
$(SETUP_STAMP): FORCE
endif
$(SETUP_STAMP):
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or pass PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "error: Python 3.11 is required, found " + sys.version.split()[0])'
	@# A stamp left empty by the date-keyed set-up of earlier versions is adopted when the environment
	@# passes the check (every pin at its version): no rebuild for a change of stamp format alone.
	@if [ -f $@ ] && [ ! -s $@ ] && $(BIN)/python scripts/check_env.py >/dev/null 2>&1; then \
		echo "setup: .venv matches the pins; its stamp now records their hash"; echo $(SETUP_HASH) > $@; \
	else bash scripts/setup_venv.sh $(PYTHON) $(VENV) $(SETUP_STAMP) $(SETUP_HASH); fi

.PHONY: FORCE
FORCE:

$(KERNEL_SPEC): $(SETUP_STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "DTI study (.venv)" >/dev/null
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git config filter.notebook-run-metadata.clean "python3 scripts/strip_run_metadata.py"; \
		git config filter.notebook-run-metadata.smudge cat; fi

# What each notebook read on its last run (its metadata `study.reads`, recorded by the runner).
build/deps.mk: src/helpers/run/declared.py $(NOTEBOOKS) notebooks/profile.ipynb
	@mkdir -p build
	@$(PYTHON) src/helpers/run/declared.py $(NOTEBOOKS) notebooks/profile.ipynb > $@
-include build/deps.mk

data/raw/%:
	@echo "error: data/raw/$*: listed in data/raw/MANIFEST.csv but missing; restore it with \`git checkout -- data/raw/$*\`" >&2; exit 1

data: $(STAMPS)/data.done ## rebuild the derived tables in data/processed/ (checksums first; all or nothing)

# A raw name with a space (not a prerequisite make can name) sends `make data` to the data build, which
# refuses it with a message naming the file and the rename to make.
RAW_SPACED := $(shell { find data/raw -type f -path '*[[:space:]]*'; tail -n +2 data/raw/MANIFEST.csv | cut -d, -f1 \
	| grep '[[:space:]]'; } 2>/dev/null | head -n 1)
ifneq ($(RAW_SPACED),)
$(STAMPS)/data.done: FORCE
endif
$(STAMPS)/data.done: $(RAW) $(CODEBOOK) $(HELPERS) src/helpers/run/build.py $(SETUP_STAMP)
	@mkdir -p $(STAMPS)
	@$(BIN)/python -m helpers.run.build
	@touch $@

report: ## run the data build and the notebooks whose inputs changed, regenerate figures/, the profiles and the site
	@$(MAKE) --no-print-directory -s data
	@$(COMPILE)
	@$(MAKE) --no-print-directory -s $(PARALLEL) $(STAMPS)/site.done
	@echo "report: open $(SITE)/index.html"

# Two phases (two make processes): the data build first, then the notebooks, so that the second
# phase sees each derived table with the date the build left it (a table whose bytes did not
# change keeps its date, and the notebooks that read it do not re-run). `make -n report` shows
# the data build if its inputs changed and the notebooks whose declared inputs are newer now.
$(STAMPS)/%.done: notebooks/%.ipynb $(HELPERS) $(NOTEBOOK_RUNNER) $(SETUP_STAMP) $(KERNEL_SPEC)
	@mkdir -p $(STAMPS)
	@$(BIN)/python -m helpers.run.pipeline run $< --in-place $(if $(ALLOW_EDITED),--allow-edited)
	@touch $@

# In the report the sweep shares the cores with the other jobs: one kernel per job slot (two per core when it runs
# alone; measured, cold `make report` 52.1–52.6 s with two kernels against 54.4–57.1 s with four).
$(STAMPS)/profiles.done: notebooks/profile.ipynb $(HELPERS) $(PROFILE_RUNNER) $(SETUP_STAMP) $(KERNEL_SPEC)
	@mkdir -p $(STAMPS)
	@$(BIN)/python -m helpers.run.profile_sweep $(if $(filter 1,$(JOBS)),,--kernels $(JOBS))
	@touch $@

# The profiles come first: make starts prerequisites in the order listed, and the profile sweep is the longest
# job (two kernels per core, about half the notebook phase's work); the notebooks then fill the other job slot
# (measured: cold `make report` about 3 s faster than with the profiles last).
$(STAMPS)/site.done: $(STAMPS)/profiles.done $(NOTEBOOK_STAMPS) $(SITE_SOURCES) $(wildcard figures/*.json) \
		CITATION.cff data/raw/MANIFEST.csv $(HELPERS) $(RUNNER) $(wildcard src/helpers/run/templates/*)
	@$(BIN)/python -m helpers.run.site
	@touch $@

pdf: $(STAMPS)/site.done ## print the findings page to build/findings.pdf (headless Chromium)
	@$(BIN)/python -m helpers.run.site --pdf build/findings.pdf

# The unit tests (on JOBS pytest workers) and nbval run side by side, each one's output printed whole when it ends.
# nbval runs in one process without workers (NBVAL_JOBS=0): beside the unit tests, two workers of its own only add
# a worker and a warm kernel server to start (measured, four runs each way, alternating: 136.3, 136.4, 139.6 and
# 140.2 s with 251-259 busy cpu-s, against 138.1, 140.1, 141.3 and 141.4 s with 258-264 on two nbval workers).
test: lint ## static checks, then the unit tests and every notebook re-run against its stored outputs (nbval), side by side
	@$(MAKE) --no-print-directory -j2 --output-sync=target unit nbval NBVAL_JOBS=0

lint: $(SETUP_STAMP) ## ruff over the code, tests and notebooks
	$(BIN)/ruff check .

unit: $(SETUP_STAMP) $(KERNEL_SPEC) ## unit tests and the public API's examples (one worker per core, a test file per worker at a time)
	@$(COMPILE)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder tests --doctest-modules src/helpers/api.py

nbval: data $(KERNEL_SPEC) ## notebooks only: fresh run compared with the committed outputs and figures
	@rm -rf build/nbval-figures && mkdir -p build/nbval-figures
	@$(COMPILE)
	HELPERS_FIGURE_DIR=build/nbval-figures $(BIN)/python -m pytest -n $(NBVAL_JOBS) --dist loadfile --nbval --nbval-kernel-name dti-study -p tests.warm_kernel \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider notebooks/
	$(BIN)/python scripts/checksums.py same-figures figures build/nbval-figures

profiles: data $(KERNEL_SPEC) ## a page per province (63 runs of notebooks/profile.ipynb on 2 warm kernels per core) in build/profiles/
	@$(COMPILE)
	@$(BIN)/python -m helpers.run.profile_sweep
	@mkdir -p $(STAMPS) && touch $(STAMPS)/profiles.done

bench: $(SETUP_STAMP) $(KERNEL_SPEC) ## measure cold and no-op report, its floor, make test and make profiles (build/bench.md)
	$(BIN)/python scripts/bench.py

# Options for JupyterLab, e.g. `make lab LAB_ARGS="--no-browser --ip=127.0.0.1"`; as root,
# --allow-root is added.
LAB_ARGS ?=
lab: $(SETUP_STAMP) $(KERNEL_SPEC) ## open JupyterLab on the project environment (options in LAB_ARGS)
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean: ## remove build/ (stamps, runs, profiles, site); never a tracked file
	rm -rf build
