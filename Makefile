# Two commands matter: `make demo` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: install test test-fast lint lint-sql format demo report docs schedules bench bench-dbt clean

$(BIN)/uv:
	@echo "install: creating $(VENV) with uv $(UV_VERSION) (once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The environment is rebuilt from uv.lock whenever the lock, pyproject or the
# sync command below change.
# Bytecode is written at install: where bytecode caching is off
# (PYTHONDONTWRITEBYTECODE, as in many CI images), Python would otherwise
# compile every module from source in every process (Meltano: 1 s of CPU per start).
$(VENV)/.synced: $(BIN)/uv uv.lock pyproject.toml Makefile
	@echo "install: syncing $(VENV) with uv.lock (about 40 s when it changed)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --group dev \
		--compile-bytecode --quiet
	touch $@

install: $(VENV)/.synced

# Two pytest processes at once, each suite whole in one of them.
test: install
	./scripts/test_two_halves.sh

# The tap and the emulator alone: no Meltano, dbt, Snowflake or Airflow. Their
# tests share nothing but a read-only emulator, so they run on both cores.
test-fast: install
	$(BIN)/pytest -n 2 -m "tap or emulator"

lint: install lint-sql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# sqlfluff renders the models with dbt, so it needs dbt and the adapter: a tool
# venv of its own, pinned by constraints/plugins.txt like the dbt-duckdb utility.
SQLFLUFF_VENV := .cache/venvs/sqlfluff
$(SQLFLUFF_VENV)/bin/sqlfluff: $(BIN)/uv constraints/plugins.txt
	$(BIN)/uv venv --quiet --clear --python $(BIN)/python $(SQLFLUFF_VENV)
	$(BIN)/uv pip install --quiet --python $(SQLFLUFF_VENV)/bin/python \
		"sqlfluff==3.5.0" "sqlfluff-templater-dbt==3.5.0" dbt-core dbt-duckdb duckdb \
		--constraint constraints/plugins.txt

lint-sql: $(SQLFLUFF_VENV)/bin/sqlfluff
	mkdir -p output
	DBT_DUCKDB_PATH=output/sqlfluff.duckdb $(SQLFLUFF_VENV)/bin/sqlfluff lint \
		transform/models transform/data-tests

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	./scripts/demo.sh

# The analysts' pages (output/report/) from the marts `make demo` built.
report: install
	$(BIN)/ga-report --database output/warehouse.duckdb --out output/report

# dbt's lineage and docs site, one self-contained file (opens from disk).
docs: install
	$(BIN)/meltano install --plugin-type utility dbt-duckdb
	$(BIN)/meltano invoke dbt-duckdb docs generate --static
	@echo "docs: open file://$(CURDIR)/transform/target/static_index.html"

# The Meltano job schedules the Airflow DAGs are built from, written to
# orchestrate/airflow/schedules.json: run it after changing a schedule or job.
schedules: install
	$(BIN)/python scripts/airflow_schedules.py

bench: install
	$(BIN)/python scripts/bench_tap.py
	$(BIN)/python scripts/bench_archive.py
	$(BIN)/python scripts/bench_windows.py
	$(BIN)/python scripts/bench_pipeline.py
	$(BIN)/python scripts/bench_report.py

bench-dbt: install
	$(BIN)/python scripts/bench_dbt.py

# Everything `make install`, `make demo` and the tests made: the venvs, the
# warehouse and its logs, Meltano's plugin venvs and state, dbt's target.
clean:
	rm -rf $(VENV) output .meltano .cache transform/target transform/logs \
		.pytest_cache .ruff_cache .hypothesis
