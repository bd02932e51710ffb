"""The plugin marts against the planted answers, through the whole chain.

GA emulator -> tap -> target-duckdb and the Snowplow sample -> dbt build; the
known answers are the generators' own (``ga_emulator.dataset.plugin_usage``
and ``snowplow_sample.era_usage``: per plugin as the marts name it, its
projects and executions in each era, split at each project's Snowplow
activation date as dbt splits them), never dbt's output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pytest

import snowplow_sample as snowplow
from ga_emulator import dataset
from tests.support.warehouse import GA_DATASET, planted_plugins

if TYPE_CHECKING:
    from tests.support.warehouse import Warehouse

MARTS = "analytics_marts"
#: Known gap, the GA parser's (int_command_line_plugins), not the marts': GA
#: joined the arguments with spaces, so a schedule name with a space
#: (`nightly load`) shifts the positional reading of a schedule line (`load`
#: becomes an extractor, the extractor a loader). Schedule lines are compared
#: apart from the rest (at most the planted projects); every other command is
#: exact.
UNPARSED = "schedule"


def _query(house: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def planted(
    built: Warehouse,
) -> tuple[dict[str, dataset.PluginUsage], dict[str, snowplow.PluginUsage]]:
    return planted_plugins(built.plan)


def test_ga_era_per_plugin(built: Warehouse, planted: tuple) -> None:
    ga, _ = planted
    marts = {
        name: (projects, executions)
        for name, projects, executions in _query(
            built,
            "select plugin_name, count(distinct project_id),"
            " sum(case when is_execution then execution_count else 0 end)"
            f" from {MARTS}.fct_plugin_executions where event_source = 'ga'"
            " group by plugin_name",
        )
    }
    assert set(marts) - set(ga) <= _schedule_only(built)
    for name, usage in ga.items():
        projects, executions = marts[name]
        assert executions == usage.executions, name
        # A project that named the plugin only in schedule lines is missing.
        if usage.commands[UNPARSED]:
            assert projects <= len(usage.projects), name
        else:
            assert projects == len(usage.projects), name
    # GA's event counts per plugin and command (add, select, run, ...).
    commands = {
        (name, command): events
        for name, command, events in _query(
            built,
            "select plugin_name, cli_command, sum(execution_count)"
            f" from {MARTS}.fct_plugin_executions where event_source = 'ga'"
            f" and cli_command <> '{UNPARSED}' group by all",
        )
    }
    assert commands == {
        (name, command): events
        for name, usage in ga.items()
        for command, events in usage.commands.items()
        if command != UNPARSED
    }
    # Skewed: the Getting Started plugins in many projects, a long tail.
    assert len(ga["tap-gitlab"].projects) > 10 * min(
        len(u.projects) for u in ga.values()
    )


def test_snowplow_era_per_plugin(built: Warehouse, planted: tuple) -> None:
    _, snow = planted
    marts = {
        row[0]: row[1:]
        for row in _query(
            built,
            "select plugin_name, count(distinct project_id),"
            " count(*) filter (where execution_grain = 'snowplow_execution'),"
            " count(*) filter (where completion_status = 'success'"
            " and execution_grain = 'snowplow_execution'),"
            " count(*) filter (where completion_status = 'failed'),"
            " count(*) filter (where completion_status = 'aborted'),"
            " count(*) filter"
            " (where execution_grain = 'snowplow_structured_event'"
            f" and cli_command <> '{UNPARSED}')"
            f" from {MARTS}.fct_plugin_executions where event_source = 'snowplow'"
            " group by plugin_name",
        )
    }
    assert set(marts) - set(snow) <= _schedule_only(built)
    assert {name: marts[name] for name in snow} == {
        name: (
            len(usage.projects),
            usage.executions,
            usage.success,
            usage.failed,
            usage.aborted,
            usage.struct_events - usage.commands[UNPARSED],
        )
        for name, usage in snow.items()
    }
    assert sum(u.failed for u in snow.values()) > 0


def _schedule_only(house: Warehouse) -> set[str]:
    """Plugin names that only schedule lines gave (the parser's gap)."""
    return {
        name
        for (name,) in _query(
            house,
            f"select plugin_name from {MARTS}.fct_plugin_executions"
            f" group by plugin_name having bool_and(cli_command = '{UNPARSED}')",
        )
    }


def test_daily_usage_adds_up_to_the_executions(
    built: Warehouse, planted: tuple
) -> None:
    ga, snow = planted
    (totals,) = _query(
        built,
        "select sum(ga_executions), sum(snowplow_failed_executions),"
        " sum(snowplow_executions)"
        f" from {MARTS}.fct_daily_plugin_usage",
    )
    (failed, executing_failed, executions) = _query(
        built,
        "select count(*) filter (where completion_status = 'failed'),"
        " count(*) filter (where completion_status = 'failed' and is_execution),"
        " count(*) filter (where is_execution)"
        f" from {MARTS}.fct_plugin_executions where event_source = 'snowplow'",
    )[0]
    assert totals[0] == sum(u.executions for u in ga.values())
    assert failed == sum(u.failed for u in snow.values())
    assert totals[1] == executing_failed > 0
    assert totals[2] == executions


def test_names_off_the_hub_are_hashed(built: Warehouse, planted: tuple) -> None:
    hashed = {**dataset.hashed_names(GA_DATASET), **built.plan.hashed_names}
    plugins = dict(
        _query(
            built,
            "select plugin_name, bool_or(is_hub_plugin)"
            f" from {MARTS}.fct_plugin_executions"
            f" where cli_command <> '{UNPARSED}' group by plugin_name",
        )
    )
    custom = {name for name, on_hub in plugins.items() if not on_hub}
    assert custom
    assert custom <= set(hashed)
    # No clear name of a custom plugin or mapping in any plugin column.
    clear = set(hashed.values())
    for table, column in (
        ("dim_plugins", "plugin_name"),
        ("fct_plugin_executions", "plugin_name"),
        ("fct_plugin_executions", "parent_name"),
        ("fct_plugin_executions", "plugin_command"),
        ("fct_daily_plugin_usage", "plugin_name"),
    ):
        values = {
            v
            for (v,) in _query(built, f"select distinct {column} from {MARTS}.{table}")
        }
        assert values & clear == set(), (table, column)
