# Librarian: `make run` (the whole stack on localhost) and `make test` (every test).
# Both do every set-up step first; a second run re-downloads nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.deps-$(shell cat pyproject.toml | sha256sum | cut -c1-16)

.PHONY: help setup run test lint format schema check-tools clean-var

help:
	@echo "make run    set up, then start Neo4j, Redis, a worker and the API (Ctrl-C stops)"
	@echo "make test   set up, then run lint, type checks and every test"

$(DEPS_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11+ is needed)"; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.deps-* && touch $@

# Python deps, then Neo4j's jars (Maven Central) and redis-server (apt), each only once.
setup: $(DEPS_STAMP)
	$(BIN)/librarian setup

run: setup
	$(BIN)/librarian run

# Tools only the tests need: a compose client to validate docker-compose.yml.
check-tools:
	@command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null && apt-get install -y -qq docker-compose >/dev/null; } || \
	  echo "note: no docker compose client; the compose file test will be skipped"

lint: $(DEPS_STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy --strict app
	$(BIN)/librarian schema --check

test: setup check-tools lint
	$(BIN)/pytest -q -ra

schema: $(DEPS_STAMP)
	$(BIN)/librarian schema

format: $(DEPS_STAMP)
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

clean-var:
	@echo "This deletes var/ (the local Neo4j store, Redis data, tokens and logs)."
	@read -r -p "Type 'delete' to confirm: " answer && [ "$$answer" = delete ] && rm -rf var
