# Dân vận KG — `make run` (build the graph and serve it) and `make test` (every test).
# Needs only python3, make and (for the browser test) apt; everything else is installed here.
# `make conformance MANIFESTS=DIR` runs the W3C SPARQL 1.1 Protocol and Service Description manifests
# (kept outside the repository) against a real server.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8080
HOST   ?= 127.0.0.1
# Reinstall only when the package definition changed (or the venv is new): the runtime alone for
# `make run`, the runtime plus the test extras (pytest, playwright…) for the tests.
STAMP      := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
# The query editor's browser assets (YASGUI, pinned in package-lock.json) are installed with npm into a
# scratch folder and copied into the package's static folder; Flask serves them (no CDN at run time).
NPM_DIR := build/npm
VENDOR  := webapp/static/vendor
YASGUI  := $(NPM_DIR)/node_modules/@zazuko/yasgui

.PHONY: run test conformance install build serve chromium virtuoso assets clean

run: $(STAMP) assets
	$(BIN)/danvan build
	$(BIN)/danvan serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP) assets chromium virtuoso
	$(BIN)/python -m pytest

# The folder given must hold sparql11-protocol/ and sparql11-service-description/ (the W3C test suites).
conformance: $(TEST_STAMP)
	@test -n "$(MANIFESTS)" || { echo "usage: make conformance MANIFESTS=DIR (the folder holding sparql11-protocol/)" >&2; exit 2; }
	$(BIN)/python -m pytest conformance --manifests "$(abspath $(MANIFESTS))"

# A development install: the runtime and the test extras.
install: $(TEST_STAMP)

build: $(STAMP)
	$(BIN)/danvan build

serve: $(STAMP) assets
	$(BIN)/danvan serve --host $(HOST) --port $(PORT)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv" >&2; \
	  rm -rf $(VENV); apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv \
	  && $(PYTHON) -m venv $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@ $(STAMP)

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing; installing Debian's npm" >&2; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm; }
	rm -rf $(NPM_DIR) && mkdir -p $(NPM_DIR)
	cp package.json package-lock.json $(NPM_DIR)/
	cd $(NPM_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp $(YASGUI)/build/yasgui.min.js $(YASGUI)/build/yasgui.min.css $(VENDOR)/
	cp $(YASGUI)/package.json $(VENDOR)/yasgui.package.json
	touch $@

# External-engine tests and bench/bench_scale.py start a private Virtuoso (tests/engines.py): Debian's package.
virtuoso:
	@test -x /usr/bin/virtuoso-t || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource-7; }

# The browser test drives Debian's Chromium; install it when it is missing (we run as root on Debian).
chromium:
	@test -x $(CHROMIUM) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

clean:
	rm -rf $(VENV) build dist *.egg-info tests/artifacts .pytest_cache $(VENDOR)
