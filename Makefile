# Two commands matter: `make demo` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: install test lint format demo bench bench-dbt clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The environment is rebuilt from uv.lock whenever the lock or pyproject change.
$(VENV)/.synced: $(BIN)/uv uv.lock pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --group dev --quiet
	touch $@

install: $(VENV)/.synced

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	./scripts/demo.sh

bench: install
	$(BIN)/python scripts/bench_tap.py

bench-dbt: install
	$(BIN)/python scripts/bench_dbt.py

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache
