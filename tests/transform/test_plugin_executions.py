"""Snowplow plugins contexts, from raw enriched rows to int_snowplow_plugin_executions.

The rows are built here in the shape Meltano 2.x sends (plugins_context
1-0-0 hashed as ``tracking/contexts/plugins.py`` hashes it, block events,
exception_context's ``str_hash``), loaded the way Snowpipe loads them, and
run through the real dbt models on DuckDB: the JSON parsing, the unnesting
and the un-hashing together, which the unit tests check one model at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

import duckdb

import snowplow_sample as snowplow
from scripts.tool_venvs import DBT_DUCKDB, DUCKDB_PROFILE, tool_venv
from tests.support.warehouse import NO_UNIT_TESTS, Warehouse

if TYPE_CHECKING:
    from pathlib import Path

CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"
PROJECT = "3f2c4e1a-9b7d-4c55-8e21-6a0f1d2b3c4d"
START = dt.datetime(2022, 10, 3, 9, 0, 0)


def sha256(value: str) -> str:
    """Meltano's hash_sha256."""
    return hashlib.sha256(value.encode()).hexdigest()


def plugin(
    category: str,
    name: str,
    namespace: str,
    executable: str,
    variant: str | None,
    pip_url: str | None,
    parent: str,
    command: str | None = None,
) -> dict[str, str | None]:
    """One plugins_context item, hashed as Meltano's _from_plugin hashes it."""
    return {
        "category": category,
        "name_hash": sha256(name),
        "namespace_hash": sha256(namespace),
        "executable_hash": sha256(executable),
        "variant_name_hash": sha256(variant) if variant else None,
        "pip_url_hash": sha256(pip_url) if pip_url else None,
        "parent_name_hash": sha256(parent),
        "command": command,
    }


#: A custom extractor inheriting from tap-gitlab: its own name and namespace
#: (Meltano defaults it to the name, underscored), the rest from its parent.
ACME = plugin(
    "extractors", "tap-gitlab--acme", "tap_gitlab__acme", "tap-gitlab",
    "meltanolabs", "git+https://github.com/MeltanoLabs/tap-gitlab.git",
    "tap-gitlab", command="--state-id acme",
)  # fmt: skip
JSONL = plugin(
    "loaders", "target-jsonl", "target_jsonl", "target-jsonl", "andyh1203",
    "target-jsonl", "target-jsonl",
)  # fmt: skip


def event(
    execution: str,
    minute: int,
    command: str,
    unstruct: dict[str, Any],
    *,
    plugins: list[dict[str, str | None]] | None = None,
    error: str | None = None,
) -> dict[str, str | None]:
    """An enriched unstruct row of one execution, with Meltano's contexts."""
    contexts: list[dict[str, Any]] = [
        {
            "schema": "iglu:com.meltano/project_context/jsonschema/1-1-0",
            "data": {
                "context_uuid": execution,
                "project_uuid": PROJECT,
                "project_uuid_source": "explicit",
                "client_uuid": "5d5b1e3c-1111-4a2b-8c3d-000000000001",
                "environment_name_hash": sha256("prod"),
            },
        },
        {
            "schema": "iglu:com.meltano/cli_context/jsonschema/1-1-0",
            "data": {"context_uuid": execution, "command": command},
        },
    ]
    if plugins is not None:
        contexts.append(
            {
                "schema": "iglu:com.meltano/plugins_context/jsonschema/1-0-0",
                # One plugins context per block: its own uuid.
                "data": {"context_uuid": sha256(execution)[:36], "plugins": plugins},
            }
        )
    if error is not None:
        contexts.append(
            {
                "schema": "iglu:com.meltano/exception_context/jsonschema/1-0-0",
                "data": {
                    "context_uuid": execution,
                    "exception": {"type": "RunnerError", "str_hash": sha256(error)},
                },
            }
        )
    moment = (START + dt.timedelta(minutes=minute)).strftime(snowplow.TS_FORMAT)
    vendor, name, fmt, version = unstruct["schema"][5:].split("/")
    row: dict[str, str | None] = dict.fromkeys(snowplow.COLUMNS)
    row |= {
        "app_id": "meltano",
        "platform": "pc",
        "event": "unstruct",
        "event_id": sha256(f"{execution}-{minute}")[:32],
        "derived_tstamp": moment,
        "collector_tstamp": moment,
        "etl_tstamp": moment,
        "user_ipaddress": "10.1.2.3",
        "contexts": json.dumps({"schema": CONTEXTS, "data": contexts}),
        "unstruct_event": json.dumps(
            {"schema": snowplow.UNSTRUCT_SCHEMA, "data": unstruct}
        ),
        "event_vendor": vendor,
        "event_name": name,
        "event_format": fmt,
        "event_version": version,
    }
    return row


def cli(status: str) -> dict[str, Any]:
    """A cli_event."""
    return {
        "schema": "iglu:com.meltano/cli_event/jsonschema/1-0-1",
        "data": {"event": status},
    }


def block(status: str) -> dict[str, Any]:
    """A block_event of an extract/load block."""
    return {
        "schema": "iglu:com.meltano/block_event/jsonschema/1-0-0",
        "data": {"type": "ExtractLoadBlocks", "event": status},
    }


def exit_event(code: int) -> dict[str, Any]:
    """An exit_event."""
    return {
        "schema": "iglu:com.meltano/exit_event/jsonschema/1-0-1",
        "data": {"exit_code": code, "exit_timestamp": "2022-10-03T09:10:00"},
    }


def rows() -> list[dict[str, str | None]]:
    """`meltano run` whose loader failed; `meltano add` that succeeded."""
    run, add = "run-0000-4000-8000-000000000001", "add-0000-4000-8000-000000000002"
    return [
        event(run, 0, "run", cli("started")),
        event(run, 1, "run", block("initialized"), plugins=[ACME, JSONL]),
        event(
            run, 2, "run", block("failed"), plugins=[ACME, JSONL], error="Loader failed"
        ),
        event(run, 3, "run", cli("failed"), error="Loader failed"),
        event(run, 4, "run", exit_event(1)),
        event(add, 10, "add", cli("started")),
        event(add, 11, "add", cli("completed"), plugins=[JSONL]),
        event(add, 12, "add", exit_event(0), plugins=[JSONL]),
    ]


def test_plugin_executions_from_raw_events(tmp_path: Path) -> None:
    (tmp_path / "profiles.yml").write_text(DUCKDB_PROFILE)
    house = Warehouse(
        path=tmp_path / "warehouse.duckdb",
        workdir=tmp_path,
        dbt_bin=tool_venv("dbt", DBT_DUCKDB) / "bin" / "dbt",
        target_bin=tmp_path,
        plan=snowplow.Plan(),
    )
    snowplow.load(house.path, rows())
    # Only the plugin chain and the tests that read nothing else.
    house.dbt(
        "build", "--select", "+int_snowplow_plugin_executions",
        "--indirect-selection", "cautious", *NO_UNIT_TESTS,
    )  # fmt: skip
    with duckdb.connect(str(house.path), read_only=True) as con:
        found = con.execute(
            "select cli_command, plugin_position, plugin_name, is_hub_plugin,"
            " plugin_type, plugin_category, plugin_variant, plugin_pip_url,"
            " plugin_namespace, plugin_executable, parent_name, is_inherited,"
            " plugin_command, plugin_role, completion_status, environment_name"
            " from analytics_intermediate.int_snowplow_plugin_executions"
            " order by cli_command desc, plugin_position"
        ).fetchall()
    assert found == [
        # The loader failed ("Loader failed"); the extractor of its block is
        # aborted. The custom name, its namespace and its arguments stay
        # hashed; what it inherits (executable, variant, pip_url) is clear.
        ("run", 1, sha256("tap-gitlab--acme"), False, "extractors", "singer",
         "meltanolabs", "git+https://github.com/MeltanoLabs/tap-gitlab.git",
         sha256("tap_gitlab__acme"), "tap-gitlab", "tap-gitlab", True,
         sha256("--state-id acme"), "extractor", "aborted", "prod"),
        ("run", 2, "target-jsonl", True, "loaders", "singer", "andyh1203",
         "target-jsonl", "target_jsonl", "target-jsonl", "target-jsonl", False,
         None, "loader", "failed", "prod"),
        # No block events: the CLI execution's status.
        ("add", 1, "target-jsonl", True, "loaders", "singer", "andyh1203",
         "target-jsonl", "target_jsonl", "target-jsonl", "target-jsonl", False,
         None, "plugin", "success", "prod"),
    ]  # fmt: skip
