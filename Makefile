# Dân vận KG — `make run` (build the graph and serve it) and `make test` (every test).
# Needs only python3, make and (for the browser test) apt; everything else is installed here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8080
HOST   ?= 127.0.0.1
# Reinstall only when the package definition changed (or the venv is new).
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test install build serve chromium clean

run: $(STAMP)
	$(BIN)/danvan build
	$(BIN)/danvan serve --host $(HOST) --port $(PORT)

test: $(STAMP) chromium
	$(BIN)/python -m pytest

install: $(STAMP)

build: $(STAMP)
	$(BIN)/danvan build

serve: $(STAMP)
	$(BIN)/danvan serve --host $(HOST) --port $(PORT)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv" >&2; \
	  rm -rf $(VENV); apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv \
	  && $(PYTHON) -m venv $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

# The browser test drives Debian's Chromium; install it when it is missing (we run as root on Debian).
chromium:
	@test -x $(CHROMIUM) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

clean:
	rm -rf $(VENV) build dist *.egg-info tests/artifacts .pytest_cache
