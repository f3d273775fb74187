# Librarian: `make run` (the whole stack on localhost) and `make test` (every test).
# Both do every set-up step first; a second run re-downloads nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installed from uv.lock, exactly: a dependency change is a lock change (`make lock`).
DEPS_STAMP := $(VENV)/.deps-$(shell cat pyproject.toml uv.lock | sha256sum | cut -c1-16)
# uv itself, pinned by hash, in its own folder so a sync of .venv never removes it.
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_NO_PROGRESS := 1
UI_STAMP := frontend/node_modules/.deps-$(shell cat frontend/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
# What the built UI is made of: not its tests.
UI_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.ts \
  frontend/tsconfig.json frontend/codegen.ts frontend/package.json schema.graphql -type f \
  -not -name '*.test.ts' -not -name '*.test.tsx' -not -path 'frontend/src/test/*' 2>/dev/null)

.PHONY: help setup run test lint lock format schema check-tools browser ui ui-check clean-var

help:
	@echo "make run    set up, then start Neo4j, Redis, a worker and the API (Ctrl-C stops)"
	@echo "make test   set up, then run lint, type checks and every test"
	@echo "make lock   refresh uv.lock (every Python dependency, pinned with hashes)"

$(UV): runtime/uv-requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11+ is needed)"; exit 1; }
	@rm -rf $(TOOLS) && $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r runtime/uv-requirements.txt
	@touch $@

$(DEPS_STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync -q --locked --extra dev --python $(PYTHON)
	@rm -f $(VENV)/.deps-* && touch $@

# Re-resolve every dependency to the newest versions pyproject.toml allows, and rewrite uv.lock.
lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# Python deps, then Neo4j's jars (Maven Central) and redis-server (apt), each only once.
setup: $(DEPS_STAMP)
	$(BIN)/librarian setup

# The UI: npm packages from the lock file (once per lock), then a build when a source changed.
$(UI_STAMP): frontend/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found (Node.js 20.19+ is needed)"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@rm -f frontend/node_modules/.deps-* && touch $@

frontend/dist/index.html: $(UI_STAMP) $(UI_SOURCES)
	cd frontend && npm run build

ui: frontend/dist/index.html

run: setup ui
	$(BIN)/librarian run

# Tools only the tests need: a compose client to validate docker-compose.yml.
check-tools:
	@command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null && apt-get install -y -qq docker-compose >/dev/null; } || \
	  echo "note: no docker compose client; the compose file test will be skipped"

# Debian's Chromium, which the UI's end-to-end tests drive (Playwright downloads no browser).
browser:
	@command -v chromium >/dev/null || \
	  { command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
	  { echo "error: the UI's end-to-end tests need Chromium (apt-get install chromium)"; exit 1; }

ui-check: $(UI_STAMP)
	cd frontend && npm run typecheck && npm run lint && npm test

lint: $(DEPS_STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy --strict app
	$(BIN)/librarian schema --check

test: setup check-tools browser lint ui-check ui
	$(BIN)/pytest -q -ra

schema: $(DEPS_STAMP)
	$(BIN)/librarian schema

format: $(DEPS_STAMP)
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

clean-var:
	@echo "This deletes var/ (the local Neo4j store, Redis data, tokens and logs)."
	@read -r -p "Type 'delete' to confirm: " answer && [ "$$answer" = delete ] && rm -rf var
