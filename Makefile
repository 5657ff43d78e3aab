# Two commands for a fresh machine (see README.md):
#   make run    install, migrate SQLite, load demo data, start the three services (8001-8003) + stand-in BRP (8004)
#   make test   install and run the whole test suite (PostgreSQL when DATABASE_URL is set, else SQLite)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install browser bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml package.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# the API-design-rules linter is a Node tool; without npm its test skips with a reason
	if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/berichten run

# The dashboard's browser test drives Debian's chromium (playwright-core from npm, no downloaded browser).
# Install it when this can (root with apt-get, as on CI); otherwise that one test skips and says why.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium for the dashboard's browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "chromium could not be installed: the browser test will skip"; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
