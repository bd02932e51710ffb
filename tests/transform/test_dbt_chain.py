"""The whole chain: GA emulator -> tap -> target-duckdb, Snowplow sample -> dbt.

Known answers come from the seeded generators (``snowplow.Plan``) and from the
raw tables, never from dbt's own output.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import TYPE_CHECKING

import duckdb

import snowplow_sample as snowplow
from ga_emulator.dataset import rows_in_range
from tests.support.dataset import VIEW_ID
from tests.support.snowplow_batches import later_batch
from tests.support.warehouse import (
    FIRST_RUN,
    GA_DATASET,
    NO_UNIT_TESTS,
    README_KEY,
    SECOND_RUN,
    assert_every_unit_test_passed,
)

if TYPE_CHECKING:
    from tests.support.warehouse import Warehouse

MARTS = "analytics_marts"
STAGING = "analytics_staging"
INTERMEDIATE = "analytics_intermediate"


def _query(house: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _one(house: Warehouse, sql: str) -> object:
    return _query(house, sql)[0][0]


def _monday(day: str) -> dt.date:
    date = dt.date.fromisoformat(day)
    return date - dt.timedelta(days=date.weekday())


def test_chain(built: Warehouse) -> None:  # noqa: PLR0915 - one long story
    house, plan = built, built.plan

    # -- first build (the session's, tests/transform/conftest.py): every
    # model, data test and unit test passes ---------------------------------
    # The daily job excludes unit tests (transform/utilities.meltano.yml);
    # here they run, every one of them, and pass: on DuckDB only here (the
    # other builds of tests/transform exclude them; tests/snowflake's first
    # build runs them on the Snowflake macros).
    target = house.workdir / "target"
    assert_every_unit_test_passed(target)
    house.dbt("source", "freshness")
    _assert_command_lines_parsed_and_private(house)

    # Snowplow: re-deliveries removed, executions and their status as planted.
    assert _one(house, "select count(*) from snowplow.events") == plan.rows
    assert _one(house, f"select count(*) from {STAGING}.stg_snowplow__events") == (
        plan.events
    )
    statuses = dict(
        _query(
            house,
            f"select status, count(*) from {MARTS}.fct_cli_executions"
            " where event_type = 'unstructured' group by status",
        )
    )
    assert statuses == {
        "success": plan.succeeded,
        "failed": plan.failed,
        "aborted": plan.aborted,
    }
    assert plan.aborted > 0

    # GA: nothing lost between the emulator and the warehouse.
    served_rows = rows_in_range(
        GA_DATASET,
        VIEW_ID,
        dt.date.fromisoformat(FIRST_RUN[0]),
        dt.date.fromisoformat(FIRST_RUN[1]),
    )
    served = len(served_rows)
    assert _one(house, "select count(*) from tap_ga_legacy.events") == served

    # GA's empty labels and dimensions are empty strings in the raw table and
    # in staging, never NULL, and the README's SQL event_key is the tap's on
    # every row (the dbt data test assert_ga_event_key_recomputes checks it
    # on staging in every build).
    empty = (
        sum(r.label == "" for r in served_rows),
        sum(r.dimension1 == "" for r in served_rows),
    )
    assert min(empty) > 0
    for table in ("tap_ga_legacy.events", f"{STAGING}.stg_ga_legacy__events"):
        assert _query(
            house,
            "select count(*) filter (where event_label = ''),"
            " count(*) filter (where project_dimension = ''),"
            " count(*) filter (where event_label is null"
            " or project_dimension is null)"
            f" from {table}",
        ) == [(*empty, 0)]
    assert _query(
        house, f"select count(*) from tap_ga_legacy.events where {README_KEY}"
    ) == [(served,)]
    assert (
        _one(house, f"select count(*) from {STAGING}.stg_ga_legacy__events") == served
    )

    # GA: rows without a project_id counted, not modelled.
    raw_missing = _one(
        house, "select count(*) from tap_ga_legacy.events where project_id is null"
    )
    assert raw_missing > 0
    assert (
        _one(
            house,
            f"select sum(rows_without_project_id)"
            f" from {MARTS}.fct_ga_legacy_daily_coverage",
        )
        == raw_missing
    )
    assert (
        _one(
            house,
            f"select count(*) from {MARTS}.fct_daily_project_commands"
            " where event_source = 'ga' and project_id is null",
        )
        == 0
    )

    # The late project: GA until spring, Snowplow weeks later, one project.
    late = _query(
        house,
        "select event_sources, ga_last_event_date, snowplow_activation_date,"
        f" project_uuid_source, project_id_source from {MARTS}.dim_projects"
        f" where project_id = '{plan.late_project_uuid}'",
    )
    assert late, "the late project did not reach dim_projects"
    sources, last_ga, activation, source, ga_source = late[0]
    assert sources == "ga, snowplow"
    assert last_ga <= dt.date.fromisoformat(plan.late_last_ga_day)
    assert activation == _monday(plan.late_first_snowplow_day)
    assert (activation - last_ga).days >= 28
    # Its GA id is not a UUID: GA (derived by the tap) and Snowplow (derived by
    # Meltano 2.x) must land on the same project_uuid.
    assert source == "derived"
    assert ga_source == "derived"

    # The overlap project: Snowplow struct events while GA still counted more.
    first_sp, activation = _query(
        house,
        "select cast(snowplow_first_event_at as date), snowplow_activation_date"
        f" from {MARTS}.dim_projects"
        f" where project_id = '{plan.overlap_project_uuid}'",
    )[0]
    assert first_sp < activation
    assert activation == snowplow.UNSTRUCT_FROM
    assert (
        _one(
            house,
            f"select count(*) from {MARTS}.fct_daily_project_commands"
            f" where project_id = '{plan.overlap_project_uuid}'"
            f" and event_source = 'ga' and activity_date >= '{activation}'",
        )
        == 0
    )

    # Every planted project is there; random ids are flagged ephemeral.
    found = {
        row[0] for row in _query(house, f"select project_id from {MARTS}.dim_projects")
    }
    assert set(plan.project_uuids) <= found
    assert set(plan.snowplow_only_project_uuids) <= found
    ephemeral = dict(
        _query(
            house,
            f"select project_id, is_ephemeral_project_id from {MARTS}.dim_projects",
        )
    )
    assert plan.random_project_uuids
    assert all(ephemeral[p] for p in plan.random_project_uuids)

    # -- incremental re-run: new data only ----------------------------------
    # A sentinel in a staged row: a rebuild would overwrite it, an
    # incremental run that reads only new batches leaves it alone.
    with duckdb.connect(str(house.path)) as con:
        sentinel_id = con.execute(
            f"select event_id from {STAGING}.stg_snowplow__events"
            " order by event_id limit 1"
        ).fetchone()[0]
        con.execute(
            f"update {STAGING}.stg_snowplow__events set app_id = 'sentinel'"
            f" where event_id = '{sentinel_id}'"
        )
    executions_before = _one(
        house, f"select count(*) from {INTERMEDIATE}.int_snowplow_executions_grouped"
    )
    ga_rows_before = _one(house, "select count(*) from tap_ga_legacy.events")

    # New GA days (two re-pulled, upserted) and a new Snowplow batch: one
    # execution killed mid-run plus a re-delivery of an event already loaded.
    house.run_tap(*SECOND_RUN)
    new_rows = _new_snowplow_batch(house)
    snowplow.load(house.path, new_rows)
    # Every model and data test again; the unit tests passed in the first.
    house.dbt("build", *NO_UNIT_TESTS)

    ga_rows_after = _one(house, "select count(*) from tap_ga_legacy.events")
    assert ga_rows_after > ga_rows_before
    assert (
        _one(house, f"select count(*) from {STAGING}.stg_ga_legacy__events")
        == ga_rows_after
    )
    assert (
        _one(
            house,
            f"select app_id from {STAGING}.stg_snowplow__events"
            f" where event_id = '{sentinel_id}'",
        )
        == "sentinel"
    )
    assert (
        _one(house, f"select count(*) from {STAGING}.stg_snowplow__events")
        == plan.events + 1
    )
    assert (
        _one(
            house,
            f"select count(*) from {INTERMEDIATE}.int_snowplow_executions_grouped",
        )
        == executions_before + 1
    )
    assert (
        _one(
            house,
            f"select count(*) from {MARTS}.fct_cli_executions"
            " where event_type = 'unstructured' and status = 'aborted'",
        )
        == plan.aborted + 1
    )

    # -- the lineage picture, and every staging and mart column documented ---
    house.dbt("docs", "generate")
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    assert "model.meltano_telemetry.fct_daily_project_commands" in catalog["nodes"]
    assert undocumented_columns(manifest, catalog) == []


#: Where the raw command line may be: the parser's inputs (and staging).
RAW_ACTION_MODELS = ("int_ga_legacy_events_prioritised",)


def _assert_command_lines_parsed_and_private(house: Warehouse) -> None:
    """Every GA and struct-event command line is parsed once; none downstream.

    The raw lines that hold more than their shape shows (a plugin, a name,
    a pattern) appear in no string column of an intermediate model (other
    than the parser's input) or a mart.
    """
    raw_lines = (
        "select distinct event_action as line from tap_ga_legacy.events"
        " union select distinct se_action from snowplow.events"
        " where se_action is not null"
    )
    assert _one(
        house, f"select count(*) from {INTERMEDIATE}.int_command_lines_parsed"
    ) == _one(house, f"select count(*) from ({raw_lines})")
    # Each line is keyed by the SHA-256 of its raw text.
    assert (
        _one(
            house,
            f"select count(*) from ({raw_lines}) as raw"
            f" left join {INTERMEDIATE}.int_command_lines_parsed as parsed"
            "  on parsed.command_line_hash = sha256(raw.line)"
            " where parsed.command_line_hash is null",
        )
        == 0
    )
    assert _one(
        house,
        f"select count(*) from {INTERMEDIATE}.int_command_line_plugins"
        " where plugin_role = 'extractor' and plugin_category = 'singer'",
    )
    secrets = (
        f"select raw.line from ({raw_lines}) as raw"
        f" join {INTERMEDIATE}.int_command_lines_parsed as parsed"
        "  on parsed.command_line_hash = sha256(raw.line)"
        " where parsed.command_shape <> trim(raw.line)"
    )
    # The secret lines once, in one connection, then one scan per table
    # (a query per column re-ran the join above 230 times: 30 s).
    with duckdb.connect(str(house.path), read_only=True) as con:
        con.execute(f"create temp table secret_lines as {secrets}")
        assert con.execute("select count(*) from secret_lines").fetchone()[0] > 0
        columns = con.execute(
            "select table_schema, table_name, column_name"
            " from information_schema.columns"
            f" where table_schema in ('{INTERMEDIATE}', '{MARTS}')"
            " and data_type = 'VARCHAR'"
            " order by table_schema, table_name, column_name"
        ).fetchall()
        leaks = []
        for (schema, table), group in itertools.groupby(columns, lambda c: c[:2]):
            if table in RAW_ACTION_MODELS:
                continue
            names = [column for _, _, column in group]
            counts = con.execute(
                "select "
                + ", ".join(
                    f'count(*) filter (where "{name}" in (select * from secret_lines))'
                    for name in names
                )
                + f" from {schema}.{table}"
            ).fetchone()
            leaks += [
                f"{table}.{n}" for n, count in zip(names, counts, strict=True) if count
            ]
    assert leaks == []


def _new_snowplow_batch(house: Warehouse) -> list[dict[str, str | None]]:
    """One aborted execution of the late project, and a re-delivered event."""
    with duckdb.connect(str(house.path), read_only=True) as con:
        cursor = con.execute(
            "select * exclude (uploaded_at) from snowplow.events"
            " where unstruct_event like '%cli_event%' and contexts like ?"
            " order by event_id limit 1",
            [f"%{house.plan.late_project_uuid}%"],
        )
        names = [d[0] for d in cursor.description]
        template = dict(zip(names, cursor.fetchone(), strict=True))
    return later_batch(template)


#: The layers whose every materialised column must have a description.
DOCUMENTED_LAYERS = ("staging", "marts")


def undocumented_columns(
    manifest: dict, catalog: dict, layers: tuple[str, ...] = DOCUMENTED_LAYERS
) -> list[str]:
    """``model.column`` for each warehouse column without a description.

    The columns are the warehouse's (``catalog.json``: what was materialised),
    the descriptions the YAML's (``manifest.json``). A model of those layers
    missing from the catalog counts as undocumented too.
    """
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["fqn"][1] not in layers:
            continue
        if unique_id not in catalog["nodes"]:
            missing.append(f"{node['name']}.*")
            continue
        described = {
            name.lower(): (column.get("description") or "").strip()
            for name, column in node["columns"].items()
        }
        missing.extend(
            f"{node['name']}.{name.lower()}"
            for name in catalog["nodes"][unique_id]["columns"]
            if not described.get(name.lower())
        )
    return sorted(missing)


def test_undocumented_columns_are_found() -> None:
    """The coverage check fails on a blank, absent or unmaterialised model."""
    manifest = {
        "nodes": {
            "model.p.stg_a": {
                "resource_type": "model",
                "name": "stg_a",
                "fqn": ["p", "staging", "x", "stg_a"],
                "columns": {"id": {"description": "Key."}, "b": {"description": " "}},
            },
            "model.p.fct_c": {
                "resource_type": "model",
                "name": "fct_c",
                "fqn": ["p", "marts", "fct_c"],
                "columns": {},
            },
            "model.p.int_d": {
                "resource_type": "model",
                "name": "int_d",
                "fqn": ["p", "intermediate", "int_d"],
                "columns": {},
            },
        }
    }
    catalog = {
        "nodes": {
            "model.p.stg_a": {"columns": {"ID": {}, "B": {}, "C": {}}},
            "model.p.int_d": {"columns": {"e": {}}},
        }
    }
    assert undocumented_columns(manifest, catalog) == [
        "fct_c.*",
        "stg_a.b",
        "stg_a.c",
    ]
