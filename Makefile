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
PYTEST_ARGS ?=
SYSDEPS     := bash scripts/system-deps.sh
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

# Debian's python3 can only create a venv with python3-venv (it ships ensurepip).
VENV_PKGS  := $(if $(wildcard $(PY)),,$(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv))
# WeasyPrint needs Pango; harfbuzz-subset gives fast, reproducible font subsetting.
BUILD_PKGS := $(VENV_PKGS) libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Tests: java runs EPUBCheck (any existing java will do), poppler-utils gives
# pdftoppm/pdffonts/pdftotext, gettext gives msgfmt, chromium is the browser DAISY Ace drives.
TEST_PKGS  := $(BUILD_PKGS) poppler-utils gettext chromium \
              $(if $(shell command -v java 2>/dev/null),,default-jre-headless)
# DAISY Ace (EPUB accessibility), pinned by tools/ace/package-lock.json.
ACE_DIR    := tools/ace

.PHONY: all build test build-pkgs test-pkgs clean distclean

all: build

build: build-pkgs $(VENV)/.installed
	$(VENV)/bin/booklet build

# Tests build what they need, so this does not depend on `build`.
test: test-pkgs $(VENV)/.installed-test $(ACE_DIR)/node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

# System packages first: a missing one fails fast, before the slow pip install.
build-pkgs:
	$(SYSDEPS) $(BUILD_PKGS)
test-pkgs:
	$(SYSDEPS) $(TEST_PKGS)

# A half-made venv is removed so the next run starts over.
$(PY):
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Stamps inside .venv: re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# Ace comes from npm; puppeteer must not download its own Chrome (no network for that here): Ace runs
# Debian's chromium instead (tools/ace/ace.js). `npm ci` empties node_modules first, stamp included.
$(ACE_DIR)/node_modules/.installed: $(ACE_DIR)/package.json $(ACE_DIR)/package-lock.json
	@node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)' 2>/dev/null && command -v npm >/dev/null || \
	  { echo "make: the EPUB accessibility test (DAISY Ace) needs Node.js 20 or later with npm;" \
	         "found node $$(node --version 2>/dev/null || echo '(none)'), npm $$(npm --version 2>/dev/null || echo '(none)')" >&2; exit 1; }
	cd $(ACE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

# Keep output/README.md (tracked), .venv and Ace's node_modules (slow to rebuild; see distclean).
clean:
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	find . \( -path ./.git -o -path ./$(VENV) -o -path ./$(ACE_DIR)/node_modules \) -prune -o \
	  \( -type d \( -name __pycache__ -o -name .pytest_cache -o -name .hypothesis \) -prune \
	     -exec rm -rf {} + \) -o \
	  \( -type f \( -name '*.part' -o -name '*.pyc' -o -path './translations/*.mo' \) -exec rm -f {} + \)
	rm -rf build dist *.egg-info

distclean: clean
	rm -rf $(VENV) $(ACE_DIR)/node_modules
