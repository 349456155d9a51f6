# booklet: build and test from a clean clone on Debian 12.
# System packages are installed with apt-get when we are root (or have passwordless sudo).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.NOTPARALLEL:  # apt-get and pip must never run at the same time

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
# The suite on every core (pytest-xdist), a test file per worker: a file's module fixtures (its builds) are
# made once.  `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= --numprocesses auto --dist loadfile
SYSDEPS     := bash scripts/system-deps.sh
# The lock: every Python package, with its hashes (requirements/*.txt), made by `make lock` with pip-tools
# PIP_TOOLS.
LOCK_BUILD  := requirements/build.txt
LOCK_TEST   := requirements/test.txt
PIP_TOOLS   := 7.6.2
LOCK_VENV   := .venv-lock
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

# Debian's python3 can only create a venv with python3-venv (it ships ensurepip).
VENV_PKGS  := $(if $(wildcard $(PY)),,$(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv))
# WeasyPrint needs Pango; harfbuzz-subset gives fast, reproducible font subsetting.
BUILD_PKGS := $(VENV_PKGS) libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Tests: java runs EPUBCheck (any existing java will do), poppler-utils gives
# pdftoppm/pdffonts/pdftotext, gettext gives msgfmt, chromium is the browser DAISY Ace drives and the index's
# test loads output/index.html in (with Playwright, from the test lock: no browser download).
TEST_PKGS  := $(BUILD_PKGS) poppler-utils gettext chromium \
              $(if $(shell command -v java 2>/dev/null),,default-jre-headless)
# DAISY Ace (EPUB accessibility), pinned by tools/ace/package-lock.json; axe-core, which tests/test_index.py
# runs on output/index.html, pinned by tools/axe/package-lock.json.
ACE_DIR    := tools/ace
AXE_DIR    := tools/axe
NPM_TOOLS  := $(ACE_DIR)/node_modules/.installed $(AXE_DIR)/node_modules/.installed

.PHONY: all build test build-pkgs test-pkgs lock lock-check dist clean distclean

all: build

build: build-pkgs $(VENV)/.installed
	$(VENV)/bin/booklet build
	$(VENV)/bin/booklet check --quiet --report output/check.json

# Tests build what they need, so this does not depend on `build`.
test: test-pkgs $(VENV)/.installed-test $(NPM_TOOLS)
	$(PY) -m pytest $(PYTEST_ARGS)

# System packages first: a missing one fails fast, before the slow pip install.
build-pkgs:
	$(SYSDEPS) $(BUILD_PKGS)
test-pkgs:
	$(SYSDEPS) $(TEST_PKGS)

# A half-made venv is removed so the next run starts over.
$(PY):
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Stamps inside .venv: re-install when a lock file changes.  Only what the lock names is installed, each file
# checked against its hash, and no dependency of its own (--no-deps): the lock already lists every one.  The
# project itself is built with the locked setuptools (--no-build-isolation), so nothing unpinned is fetched.
$(VENV)/.installed: $(LOCK_BUILD) pyproject.toml | $(PY)
	$(PY) -m pip install -q --require-hashes --no-deps -r $(LOCK_BUILD)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: $(LOCK_TEST) $(VENV)/.installed
	$(PY) -m pip install -q --require-hashes --no-deps -r $(LOCK_TEST)
	touch $@

# The wheel a clinic installs (README: install booklet as a tool), with the locked setuptools.
dist: $(VENV)/.installed
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist .

# Refresh the lock on purpose: re-resolve pyproject.toml's ranges to the newest releases (`make lock`), or
# only some packages (`make lock UPGRADE="babel weasyprint"`); then `make test`.  The test lock is resolved
# within the runtime lock, so both name the same versions.  pip-tools runs from its own venv.
UPGRADE     ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes \
               --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --all-build-deps \
               $(if $(strip $(UPGRADE)),$(foreach p,$(UPGRADE),--upgrade-package $(p)),--upgrade)

lock: $(LOCK_VENV)/.pip-tools-$(PIP_TOOLS)
	mkdir -p requirements
	$(PIP_COMPILE) -o $(LOCK_BUILD) pyproject.toml
	$(PIP_COMPILE) --extra test -c $(LOCK_BUILD) -o $(LOCK_TEST) pyproject.toml

$(LOCK_VENV)/.pip-tools-$(PIP_TOOLS):
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV) || { rm -rf $(LOCK_VENV); exit 1; }
	$(LOCK_VENV)/bin/pip install -q pip-tools==$(PIP_TOOLS)
	touch $@

# The lock agrees with pyproject.toml and with itself, and .venv holds what it names (also part of `make test`).
lock-check: $(VENV)/.installed-test
	$(PY) -m pytest -q -p no:cacheprovider tests/test_lock.py

# Ace and axe-core come from npm; puppeteer must not download its own Chrome (no network for that here): Ace
# runs Debian's chromium instead (tools/ace/ace.js). `npm ci` empties node_modules first, stamp included.
$(NPM_TOOLS): %/node_modules/.installed: %/package.json %/package-lock.json
	@node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)' 2>/dev/null && command -v npm >/dev/null || \
	  { echo "make: the accessibility tests (DAISY Ace, axe-core) need Node.js 20 or later with npm;" \
	         "found node $$(node --version 2>/dev/null || echo '(none)'), npm $$(npm --version 2>/dev/null || echo '(none)')" >&2; exit 1; }
	cd $* && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

# Keep output/README.md (tracked), .venv and the npm tools' node_modules (slow to rebuild; see distclean).
clean:
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	find . \( -path ./.git -o -path ./$(VENV) -o -path ./$(ACE_DIR)/node_modules -o -path ./$(AXE_DIR)/node_modules \) \
	  -prune -o \
	  \( -type d \( -name __pycache__ -o -name .pytest_cache -o -name .hypothesis \) -prune \
	     -exec rm -rf {} + \) -o \
	  \( -type f \( -name '*.part' -o -name '*.pyc' -o -path './translations/*.mo' \) -exec rm -f {} + \)
	rm -rf build dist *.egg-info

distclean: clean
	rm -rf $(VENV) $(LOCK_VENV) $(ACE_DIR)/node_modules $(AXE_DIR)/node_modules

# How well the extractor finds the structure of real articles (tests/fixtures/articles/): one row per article,
# worst first, and the mean (issue 11).  tests/test_corpus.py guards the floors in floors.toml.
.PHONY: corpus-score
corpus-score: $(VENV)/.installed
	$(PY) bench/corpus_score.py

# Build figures (issue 12): cold builds with one and two workers, a no-op build, one changed string, the
# sheets' fit rule.  Prints a table and writes bench/build.json; timing never decides a test.
.PHONY: bench
bench: $(VENV)/.installed
	$(PY) bench/build_bench.py
	$(PY) bench/corpus_score.py
