# Two commands matter: `make demo` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: install test test-fast lint lint-sql format demo bench bench-dbt clean

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

# The tap and the emulator alone: no Meltano, dbt, Snowflake or Airflow.
test-fast: install
	$(BIN)/pytest -m "tap or emulator"

lint: install lint-sql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# sqlfluff renders the models with dbt, so it needs dbt and the adapter: a tool
# venv of its own, pinned like the dbt-duckdb utility.
SQLFLUFF_VENV := .cache/venvs/sqlfluff
$(SQLFLUFF_VENV)/bin/sqlfluff: $(BIN)/uv
	$(BIN)/uv venv --quiet --python $(BIN)/python $(SQLFLUFF_VENV)
	$(BIN)/uv pip install --quiet --python $(SQLFLUFF_VENV)/bin/python \
		"sqlfluff==3.5.0" "sqlfluff-templater-dbt==3.5.0" \
		"dbt-core~=1.11.0" "dbt-duckdb~=1.10.0" "duckdb==1.4.4"

lint-sql: $(SQLFLUFF_VENV)/bin/sqlfluff
	mkdir -p output
	DBT_DUCKDB_PATH=output/sqlfluff.duckdb $(SQLFLUFF_VENV)/bin/sqlfluff lint \
		transform/models transform/data-tests

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	./scripts/demo.sh

bench: install
	$(BIN)/python scripts/bench_tap.py
	$(BIN)/python scripts/bench_pipeline.py

bench-dbt: install
	$(BIN)/python scripts/bench_dbt.py

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache
