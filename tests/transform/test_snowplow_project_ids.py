"""A Snowplow project_uuid that is not a UUID reaches no mart, and is counted.

Anyone can send Snowplow events: project_context.project_uuid may hold
markup or a URL fragment. Staging keeps UUIDs only (as GA rows without a
project id, the rest are counted, in fct_snowplow_daily_coverage). One
execution of the real sample is planted with such an id here.
"""

from __future__ import annotations

import json

import duckdb
import pytest

import snowplow_sample as snowplow
from tests.support.emulator import Emulators
from tests.support.warehouse import GA_DATASET, NO_UNIT_TESTS, Warehouse

BAD_UUID = "proj&amp=1#frag+x"
PROJECT_CONTEXT = "iglu:com.meltano/project_context/"


def plant(rows: list[dict[str, str | None]]) -> tuple[str, int]:
    """Give one execution's events BAD_UUID: (its context_uuid, events)."""
    contexts = [(row, json.loads(row["contexts"] or "{}")) for row in rows]

    def project_context(document: dict) -> dict | None:
        for context in document.get("data", []):
            if context["schema"].startswith(PROJECT_CONTEXT):
                return context["data"]
        return None

    execution = next(
        found["context_uuid"]
        for _, document in contexts
        if (found := project_context(document)) and found.get("context_uuid")
    )
    planted = []
    for row, document in contexts:
        found = project_context(document)
        if found and found.get("context_uuid") == execution:
            found["project_uuid"] = BAD_UUID
            row["contexts"] = json.dumps(document)
            planted.append(row)
    return execution, len({row["event_id"] for row in planted})


@pytest.fixture(scope="module")
def planted(
    tmp_path_factory: pytest.TempPathFactory, emulators: Emulators
) -> tuple[Warehouse, tuple]:
    workdir = tmp_path_factory.mktemp("snowplow-ids")
    rows, plan = snowplow.generate()
    answer = plant(rows)
    house = Warehouse.create(workdir, plan, emulators.serving(GA_DATASET).url)
    house.run_tap("2022-03-01", "2022-03-02")
    snowplow.load(house.path, rows)
    house.dbt(
        "build", "--select", "+dim_projects", "+fct_cli_executions",
        "+fct_snowplow_daily_coverage", "--indirect-selection", "cautious",
        *NO_UNIT_TESTS,
    )  # fmt: skip
    return house, answer


def test_a_project_uuid_that_is_no_uuid_reaches_no_mart(planted: tuple) -> None:
    house, (execution, events) = planted
    assert events > 0
    with duckdb.connect(str(house.path), read_only=True) as con:

        def one(sql: str, *args: object) -> object:
            return con.execute(sql, args).fetchone()[0]

        assert (
            one(
                "select count(*) from analytics_marts.dim_projects"
                " where project_id = ? or project_id like '%&%'",
                BAD_UUID,
            )
            == 0
        )
        # Its execution is in no mart either: it belongs to no project.
        assert (
            one(
                "select count(*) from analytics_marts.fct_cli_executions"
                " where execution_id = ?",
                execution,
            )
            == 0
        )
        # Counted.
        assert (
            one(
                "select sum(events_with_invalid_project_uuid)"
                " from analytics_marts.fct_snowplow_daily_coverage"
            )
            == events
        )
