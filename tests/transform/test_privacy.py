"""The privacy test (transform/data-tests/generic/no_free_text.sql) catches a leak.

Real dbt and DuckDB: the seeds the allowlist reads are loaded, a mart table
holds allowed values, then a planted project name and markup; a UI mart
holds route templates, then a typed path segment and a custom plugin name. The mart is
written by hand, not built, so the test needs no GA or Snowplow data; the
chain tests (test_dbt_chain.py) run the same test on every built mart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from scripts.tool_venvs import DBT_DUCKDB, DUCKDB_PROFILE, tool_venv
from tests.support.warehouse import run_dbt

MART = "analytics_marts.fct_plugin_executions"
SELECT = ("--select", "fct_plugin_executions,test_name:no_free_text")
#: Values a mart may hold: Hub names and labels, accepted values, hashes,
#: UUIDs, dates, numbers, versions, `<word>` placeholders of allowed words.
ALLOWED = {
    "plugin_name": "tap-github",
    "plugin_type": "extractors",
    "plugin_variant": "meltanolabs",
    "plugin_role": "<extractor>",
    "execution_grain": "snowplow_execution",
    "plugin_pip_url": "git+https://github.com/chillu/singer-tap-zenhub.git",
    "parent_name": "Extensiv 3PL Warehouse Manager",
    "plugin_command": hashlib.sha256(b"run_staging_marts").hexdigest(),
    "plugin_key": hashlib.md5(b"k", usedforsecurity=False).hexdigest(),
    "project_id": "0b5a7a6c-6f2a-4b7e-9a53-0e6a4f1c2d3e",
    "event_type": "2022-03-01",
    "cli_command": "2.3.0",
    "completion_status": "42",
}


UI_MART = "analytics_marts.fct_ui_daily_route_usage"
UI_SELECT = ("--select", "fct_ui_daily_route_usage,test_name:no_free_text")
#: What the UI mart may hold: route templates (seed meltano_ui_routes),
#: `(unknown)`, Hub plugin names, hashes, versions.
UI_ALLOWED = (
    ("/pipelines/:jobId", "tap-gitlab", "extractors", "1.60.0"),
    ("/analyze/:namespace+/:model/:design", None, None, "1.20.0"),
    ("(unknown)", hashlib.sha256(b"tap-acme-internal").hexdigest(), "extractors",
     "2.3.0"),
)  # fmt: skip


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A DuckDB file with the allowlist's relations and a hand-written mart."""
    workdir = tmp_path_factory.mktemp("privacy")
    (workdir / "profiles.yml").write_text(DUCKDB_PROFILE)
    path = workdir / "warehouse.duckdb"
    dbt_bin = tool_venv("dbt", DBT_DUCKDB) / "bin" / "dbt"
    # Every seed, and int_hash_lookup with the models it is built from.
    run_dbt(
        dbt_bin, path, workdir,
        "build", "--select",
        "resource_type:seed", "+int_hash_lookup,resource_type:model",
        "--indirect-selection", "cautious",
    )  # fmt: skip
    columns = ", ".join(f"'{value}' as {name}" for name, value in ALLOWED.items())
    with duckdb.connect(str(path)) as con:
        con.execute("create schema analytics_marts")
        con.execute(f"create table {MART} as select {columns}")
        con.execute(
            f"create table {UI_MART} (page_route varchar, route_plugin_name"
            " varchar, route_plugin_type varchar, meltano_version varchar)"
        )
        con.executemany(f"insert into {UI_MART} values (?, ?, ?, ?)", UI_ALLOWED)
    return dbt_bin, path, workdir


def _plant(path: Path, sql: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(sql)


def test_privacy_test_passes_allowed_values_and_fails_on_a_planted_leak(
    house: tuple[Path, Path, Path],
) -> None:
    dbt_bin, path, workdir = house
    passed = run_dbt(dbt_bin, path, workdir, "test", *SELECT, check=False)
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert "PASS=1 " in passed.stdout

    # A project name typed into a plugin name, markup in a plugin command,
    # and a column added to the mart (covered without editing the test).
    _plant(
        path,
        f"insert into {MART} (plugin_name, plugin_command, plugin_type)"
        " values ('acme prod', '<script>', 'extractors')",
    )
    _plant(path, f"alter table {MART} add column schedule_name varchar")
    _plant(path, f"update {MART} set schedule_name = 'nightly-sync-acme'")
    failed = run_dbt(dbt_bin, path, workdir, "test", *SELECT, check=False)
    assert failed.returncode == 1
    output = failed.stdout
    assert "fct_plugin_executions.plugin_name: 1 value(s)" in output
    assert "fct_plugin_executions.plugin_command: 1 value(s)" in output
    assert "fct_plugin_executions.schedule_name: 1 value(s)" in output
    assert "fct_plugin_executions.plugin_type" not in output
    # Named by a hash only: the leak is not repeated in dbt's output.
    assert hashlib.sha256(b"acme prod").hexdigest() in output
    assert "acme" not in output
    assert "<script>" not in output


def test_a_typed_ui_path_segment_or_plugin_name_fails_the_build(
    house: tuple[Path, Path, Path],
) -> None:
    dbt_bin, path, workdir = house
    passed = run_dbt(dbt_bin, path, workdir, "test", *UI_SELECT, check=False)
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert "PASS=1 " in passed.stdout

    # What a routing bug would let through: the path's schedule name as
    # the route, a custom plugin name in the clear.
    _plant(
        path,
        f"insert into {UI_MART} values ('/pipelines/acme-prod-secret',"
        " 'tap-acme-internal', 'extractors', '1.60.0')",
    )
    failed = run_dbt(dbt_bin, path, workdir, "test", *UI_SELECT, check=False)
    assert failed.returncode == 1
    output = failed.stdout
    assert "fct_ui_daily_route_usage.page_route: 1 value(s)" in output
    assert "fct_ui_daily_route_usage.route_plugin_name: 1 value(s)" in output
    assert "fct_ui_daily_route_usage.route_plugin_type" not in output
    assert hashlib.sha256(b"/pipelines/acme-prod-secret").hexdigest() in output
    assert "acme" not in output
