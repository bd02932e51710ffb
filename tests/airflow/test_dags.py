"""The generated DAGs, `airflow dags test` and `airflow dags backfill`, for real.

Every run goes through `meltano invoke airflow`, against the GA API emulator
and a DuckDB file, with Airflow's SQLite metadata database and its
SequentialExecutor: intervals run one after another here, but each is a run of
its own, so a CeleryExecutor or KubernetesExecutor runs the same intervals in
parallel (docs/airflow.md).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from ga_emulator.dataset import DatasetConfig, rows_in_range
from scripts.airflow_schedules import SCHEDULES_FILE
from tests.support.airflow import parse_json
from tests.support.dataset import PROPERTY_ID, VIEW_ID
from tests.support.meltano import DAILY_STATE_ID, has_dbt

if TYPE_CHECKING:
    from tests.support.airflow import AirflowWorkspace

#: The DAG structure as Airflow itself loads it, from Airflow's own Python.
DAGBAG_PROBE = """
import json, os
from airflow.models import DagBag
bag = DagBag(os.environ["AIRFLOW__CORE__DAGS_FOLDER"], include_examples=False)
print(json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dags": {
        dag_id: {
            "schedule": dag.schedule_interval,
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "tags": sorted(dag.tags),
            "tasks": [
                {"id": t.task_id, "upstream": sorted(t.upstream_task_ids),
                 "pool": t.pool, "retries": t.retries, "step": t.params["step"]}
                for t in dag.topological_sort()
            ],
        }
        for dag_id, dag in bag.dags.items()
    },
}))
"""

#: The command each step gets, per kind of DAG run, from the DAG module.
COMMAND_PROBE = """
import importlib.util, json, os, sys
import pendulum
path = os.path.join(os.environ["AIRFLOW__CORE__DAGS_FOLDER"], "meltano_schedules.py")
spec = importlib.util.spec_from_file_location("meltano_schedules", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
start = pendulum.datetime(2021, 3, 4, 6, tz="UTC")
end = pendulum.datetime(2021, 3, 5, 6, tz="UTC")
out = {"python": sys.executable, "backfills": str(module.BACKFILLS)}
for run_type, conf in [("scheduled", None), ("backfill", None), ("manual", {}),
                       ("scheduled", {"mode": "interval"}),
                       ("backfill", {"mode": "incremental"})]:
    mode = module.run_mode(run_type, conf)
    out[f"{run_type} {json.dumps(conf)}"] = [
        module.step_command(step, mode=mode, start=start, end=end, executable="meltano")
        for step in ("tap-ga-legacy target-duckdb", "dbt-duckdb:build-ga-legacy")
    ]
out["full refresh"] = module.step_command(
    "tap-ga-legacy target-duckdb", mode="interval", start=start, end=end,
    executable="meltano", full_refresh=True,
)
try:
    module.run_mode("manual", {"mode": "full"})
except ValueError as error:
    out["bad mode"] = str(error)
print(json.dumps(out))
"""


def served_per_day(start: dt.date, end: dt.date) -> dict[str, int]:
    """Rows the emulator serves per day (both dev properties), start..end."""
    counts: dict[str, int] = {}
    for property_id in (PROPERTY_ID, VIEW_ID):
        for row in rows_in_range(DatasetConfig(), property_id, start, end):
            day = dt.datetime.strptime(row.date, "%Y%m%d").date().isoformat()
            counts[day] = counts.get(day, 0) + 1
    return counts


def loaded_per_day(airflow: AirflowWorkspace) -> dict[str, int]:
    """Rows in the DuckDB table per event_date."""
    return dict(
        airflow.workspace.query(
            "select event_date, count(*) from tap_ga_legacy.events group by 1"
        )
    )


def test_one_dag_per_schedule_one_task_per_step(airflow: AirflowWorkspace) -> None:
    errors = airflow.airflow("dags", "list-import-errors", "--output=json").check()
    assert parse_json(errors.output) == []
    listed = airflow.workspace.meltano("schedule", "list", "--format=json").check()
    schedules = parse_json(listed.output)["schedules"]["job"]

    # The DAGs are built from the committed file (`make schedules`): it must be
    # what Meltano lists.
    committed = json.loads(SCHEDULES_FILE.read_text())
    assert committed["schedules"] == schedules, "stale: run `make schedules`"

    found = airflow.probe(DAGBAG_PROBE)

    assert found["errors"] == {}
    assert set(found["dags"]) == {s["name"] for s in schedules}
    for schedule in schedules:
        dag = found["dags"][schedule["name"]]
        assert dag["schedule"] == schedule["cron_interval"]
        assert dag["catchup"] is False
        assert dag["max_active_runs"] == 4
        assert f"job:{schedule['job']['name']}" in dag["tags"]
        steps = schedule["job"]["tasks"]
        assert [t["step"] for t in dag["tasks"]] == steps
        # A chain: each step waits for the one before it.
        ids = [t["id"] for t in dag["tasks"]]
        assert [t["upstream"] for t in dag["tasks"]] == [[], *[[i] for i in ids[:-1]]]
        assert all(t["retries"] == 0 for t in dag["tasks"])  # MELTANO_DAGS_RETRIES
    assert [t["id"] for t in found["dags"]["ga-legacy-el"]["tasks"]] == [
        "tap-ga-legacy_target-duckdb",
        "dbt-duckdb_build-ga-legacy",
    ]
    # The daily jobs at 06:00 UTC; MeltanoHub's files Mon/Wed/Fri at 12:00.
    assert {name: dag["schedule"] for name, dag in found["dags"].items()} == {
        "ga-legacy-el": "0 6 * * *",
        "ga-legacy-el-snowflake": "0 6 * * *",
        "hub-metrics-publish": "0 12 * * 1,3,5",
        "hub-metrics-publish-snowflake": "0 12 * * 1,3,5",
    }
    assert [t["id"] for t in found["dags"]["hub-metrics-publish"]["tasks"]] == [
        "dbt-duckdb_build-hub-metrics",
        "hub-metrics_write",
        "hub-metrics_copy",
    ]


def test_dags_load_without_starting_meltano(airflow: AirflowWorkspace) -> None:
    """Parsing the DAG file never runs Meltano (it did, for 23 s when busy)."""
    # A Meltano that cannot start: only the tasks would run it. The workspace
    # is shared by the module's tests, whose tasks do run Meltano: put it back.
    env = airflow.workspace.env
    saved = env.get("MELTANO_DAGS_EXECUTABLE")
    env["MELTANO_DAGS_EXECUTABLE"] = "/bin/false"
    try:
        listed = airflow.airflow("dags", "list", "--output=json").check()
    finally:
        if saved is None:
            del env["MELTANO_DAGS_EXECUTABLE"]
        else:
            env["MELTANO_DAGS_EXECUTABLE"] = saved

    assert "Failed to load all files" not in listed.output
    assert {dag["dag_id"] for dag in parse_json(listed.output)} == {
        "ga-legacy-el",
        "ga-legacy-el-snowflake",
        "hub-metrics-publish",
        "hub-metrics-publish-snowflake",
    }


def test_scheduled_runs_are_incremental_other_runs_pull_their_interval(
    airflow: AirflowWorkspace,
) -> None:
    commands = airflow.probe(COMMAND_PROBE)

    # Both run the extract step through the backfill module, with Airflow's
    # Python: the daily state id, or the interval's backfill state id.
    step = f"{commands.pop('python')} {commands.pop('backfills')} --executable=meltano"
    incremental = [f"{step} tap-ga-legacy target-duckdb"]
    interval = [
        f"{step} --first=2021-03-04 --last=2021-03-04 tap-ga-legacy target-duckdb"
    ]
    dbt = ["meltano run dbt-duckdb:build-ga-legacy"]
    assert commands == {
        "scheduled null": incremental + dbt,
        "backfill null": interval + dbt,
        "manual {}": interval + dbt,
        'scheduled {"mode": "interval"}': interval + dbt,
        'backfill {"mode": "incremental"}': incremental + dbt,
        "full refresh": (
            f"{step} --first=2021-03-04 --last=2021-03-04 --full-refresh"
            " tap-ga-legacy target-duckdb"
        ),
        "bad mode": "conf mode 'full' is not one of incremental, interval",
    }


def test_dags_test_loads_the_days_rows(airflow: AirflowWorkspace) -> None:
    """A manual run for a logical date pulls the interval before it: one day."""
    if has_dbt():
        airflow.workspace.load_snowplow_sample()
    result = airflow.airflow(
        "dags", "test", "ga-legacy-el", "2022-05-10T06:00:00+00:00"
    )
    assert "DagRun Finished" in result.output, result.tail()
    assert "state=success" in result.output.split("DagRun Finished")[-1], result.tail()

    day = dt.date(2022, 5, 9)
    assert loaded_per_day(airflow) == served_per_day(day, day)
    rows, keys = airflow.workspace.event_counts()
    assert rows == keys
    # Its own state id; the daily bookmark was neither read nor written.
    assert set(airflow.workspace.states()) == {
        f"{DAILY_STATE_ID}:backfill-2022-05-09-2022-05-09"
    }
    if has_dbt():
        staged = airflow.workspace.query(
            "select count(*) from information_schema.tables"
            " where table_name = 'stg_ga_legacy__events'"
        )
        assert staged == [(1,)]


def test_backfill_loads_each_interval_exactly_once(airflow: AirflowWorkspace) -> None:
    pool = "ga_legacy_api"
    workspace = airflow.workspace
    # A daily bookmark the backfill must leave alone, byte for byte.
    daily = {"singer_state": {"bookmarks": {"events": {"partitions": []}}}}
    workspace.meltano(
        "state", "set", "--force", DAILY_STATE_ID, json.dumps(daily)
    ).check()
    before = workspace.states()[DAILY_STATE_ID]
    # The extract steps draw on a pool of their own, as in production.
    airflow.airflow("pools", "set", pool, "2", "GA API pulls").check()
    workspace.env["MELTANO_DAGS_EXTRACT_POOL"] = pool

    def backfill(start: str, end: str, *extra: str) -> None:
        # Only the extract step: a backfill runs dbt once at the end, if at all.
        airflow.airflow(
            "dags", "backfill", "ga-legacy-el", "--start-date", start,
            "--end-date", end, "--task-regex", "^tap-ga-legacy_",
            "--disable-retry", *extra,
        ).check()  # fmt: skip

    # Three daily intervals: logical dates 2022-05-01T06:00 .. 2022-05-03T06:00.
    backfill("2022-05-01", "2022-05-04")
    first, last = dt.date(2022, 5, 1), dt.date(2022, 5, 3)
    assert loaded_per_day(airflow) == served_per_day(first, last)
    assert workspace.event_counts()[0] == workspace.event_counts()[1]
    states = workspace.states()
    assert set(states) == {
        DAILY_STATE_ID,
        *(
            f"{DAILY_STATE_ID}:backfill-{day}-{day}"
            for day in ("2022-05-01", "2022-05-02", "2022-05-03")
        ),
    }
    assert states[DAILY_STATE_ID] == before

    # Again from 2022-05-02 to 2022-05-03: one interval (logical date
    # 2022-05-02T06:00), cleared and re-run: the same rows, no duplicate.
    backfill("2022-05-02", "2022-05-03", "--reset-dagruns", "--yes")
    assert loaded_per_day(airflow) == served_per_day(first, last)
    assert workspace.event_counts()[0] == workspace.event_counts()[1]
    assert workspace.states()[DAILY_STATE_ID] == before
