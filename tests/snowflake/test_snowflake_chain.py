"""The Snowflake path, locally: Meltano + the real target-snowflake + dbt-snowflake.

GA rows go tap-ga-legacy -> target-snowflake 0.20.4 (unmodified; only the
user-stage statements are rewritten by tests/snowflake/shim) -> fakesnow's
RAW.TAP_GA_LEGACY.EVENTS; the Snowplow sample is PUT and COPYed into
RAW.SNOWPLOW.EVENTS; the old pipeline's table goes into
RAW.TAP_GOOGLE_ANALYTICS.EVENTS and RAW.GOOGLE_ANALYTICS.EVENTS, and a GA
interface export through the tap; dbt-snowflake builds transform/ into PROD. The known
answers are the DuckDB path's (tests/transform): the seeded generators'
``Plan`` and the emulator's data set, never dbt's own output.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from typing import TYPE_CHECKING

import yaml

import snowplow_sample as snowplow
from ga_emulator.dataset import Row, rows_in_range
from ga_emulator.old_table import DDL, old_table_rows
from ga_emulator.ui_exports import export_csv
from tap_ga_legacy.rekey import event_key, resolve_project_id
from tests.support.dataset import VIEW_ID
from tests.support.meltano import REPO
from tests.support.snowflake import (
    REDIRECT,
    fakesnow_environment,
    fakesnow_profile,
    load_snowplow,
    uploaded_now,
)
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
    from pathlib import Path

    from tests.support.snowflake import Dbt, FakesnowProject, Server, Sql

GA = "RAW.TAP_GA_LEGACY.EVENTS"
WINDOWS = "RAW.TAP_GA_LEGACY.REPORT_WINDOWS"
STAGING = "PROD.ANALYTICS_STAGING"
INTERMEDIATE = "PROD.ANALYTICS_INTERMEDIATE"
MARTS = "PROD.ANALYTICS_MARTS"
STATE_ID = "fakesnow:tap-ga-legacy-to-target-snowflake"


def _served(start: str, end: str) -> list[Row]:
    return rows_in_range(
        GA_DATASET, VIEW_ID, dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    )


def _ga_rows(start: str, end: str) -> int:
    return len(_served(start, end))


def _monday(day: str) -> dt.date:
    date = dt.date.fromisoformat(day)
    return date - dt.timedelta(days=date.weekday())


def test_only_credentials_and_the_address_differ_from_prod() -> None:
    loaders = yaml.safe_load((REPO / "load" / "loaders.meltano.yml").read_text())
    (target,) = [
        p for p in loaders["plugins"]["loaders"] if p["name"] == "target-snowflake"
    ]
    assert target["pip_url"] == "meltanolabs-target-snowflake==0.20.4"
    assert target["executable"] == "target-snowflake"
    assert "env" not in target
    # The test environment is prod's: same loader and dbt config, plus the
    # shim's env on the loader; only the extractor reads the emulator instead.
    (prod,) = yaml.safe_load((REPO / "environments" / "prod.meltano.yml").read_text())[
        "environments"
    ]
    (test,) = fakesnow_environment(port=1)["environments"]
    (loader,) = test["config"]["plugins"]["loaders"]
    assert set(loader.pop("env")) == {"FAKESNOW_SHIM_PORT"}
    for kind in ("loaders", "utilities"):
        assert test["config"]["plugins"][kind] == prod["config"]["plugins"][kind]
    # The dbt target is prod's output plus host, port and protocol.
    profiles = yaml.safe_load(
        (REPO / "transform" / "profiles" / "profiles.yml").read_text()
    )
    output = fakesnow_profile(port=1)["meltano_telemetry"]["outputs"]["fakesnow"]
    assert {k: v for k, v in output.items() if k not in REDIRECT} == profiles[
        "meltano_telemetry"
    ]["outputs"]["prod"]


def test_snowflake_chain(  # noqa: PLR0915 - one long story, as tests/transform's
    snowflake_project: FakesnowProject,
    sql: Sql,
    dbt: Dbt,
    fakesnow: Server,
    tmp_path: Path,
) -> None:
    # -- load: meltano run, the real target, MERGE on event_key --------------
    snowflake_project.meltano("run", "tap-ga-legacy", "target-snowflake")
    first = _ga_rows(*FIRST_RUN)
    assert sql(f"select count(*), count(distinct event_key) from {GA}") == [
        (first, first)
    ]
    # The column types target-snowflake chose (uuid_format: string, _sdc_*).
    types = {
        name: kind for name, kind, *_ in sql(f"describe table {GA}")
    }  # fmt: skip
    assert types["PROJECT_ID"] == "VARCHAR(36)"
    assert types["EVENT_DATE"] == "DATE"
    assert types["_SDC_BATCHED_AT"] == "TIMESTAMP_NTZ(9)"
    assert sql(f"select count(*) from {GA} where _sdc_batched_at is null") == [(0,)]
    assert sql(f"select count(*) from {GA} where _sdc_deleted_at is not null") == [(0,)]
    first_batched_at = sql.one(f"select max(_sdc_batched_at) from {GA}")
    # GA's empty labels and dimensions are empty strings, never NULL, and the
    # README's SQL event_key (Snowflake's md5, length, ||) is the tap's on
    # every row.
    served = _served(*FIRST_RUN)
    empty = (
        sum(r.label == "" for r in served),
        sum(r.dimension1 == "" for r in served),
    )
    assert min(empty) > 0
    assert sql(
        "select count_if(event_label = ''), count_if(project_dimension = ''),"
        f" count_if(event_label is null or project_dimension is null) from {GA}"
    ) == [(*empty, 0)]
    assert sql(f"select count(*) from {GA} where {README_KEY}") == [(first,)]
    # The proof next to the events, in the same schema: the windows tile the
    # run's range, each adds up to GA's total and all of them to the table.
    windows = sql(
        "select first_day, last_day, events_sum, events_total"
        f" from {WINDOWS} order by first_day"
    )
    assert windows[0][0] == dt.date.fromisoformat(FIRST_RUN[0])
    assert windows[-1][1] == dt.date.fromisoformat(FIRST_RUN[1])
    for (_, last, *_), (following, *_) in itertools.pairwise(windows):
        assert following == last + dt.timedelta(days=1)
    assert all(events_sum == total for _, _, events_sum, total in windows)
    assert sum(w[2] for w in windows) == sql.one(f"select sum(event_count) from {GA}")

    rows, plan = snowplow.generate()
    load_snowplow(sql, uploaded_now(rows), tmp_path / "enriched-1.tsv")
    assert sql("select count(*) from RAW.SNOWPLOW.EVENTS") == [(plan.rows,)]

    # -- first build: every model, data test and unit test passes ------------
    # The unit tests run here only, on the Snowflake versions of the macros
    # (tests/transform's test_chain runs them on DuckDB); later builds
    # exclude them: they read no warehouse data.
    dbt("build")
    assert_every_unit_test_passed(dbt.workdir / "target")
    dbt("source", "freshness")

    assert sql.one(f"select count(*) from {STAGING}.STG_SNOWPLOW__EVENTS") == (
        plan.events
    )
    assert sql.one(f"select count(*) from {STAGING}.STG_GA_LEGACY__EVENTS") == first
    statuses = dict(
        sql(
            f"select status, count(*) from {MARTS}.FCT_CLI_EXECUTIONS"
            " where event_type = 'unstructured' group by status"
        )
    )
    assert statuses == {
        "success": plan.succeeded,
        "failed": plan.failed,
        "aborted": plan.aborted,
    }
    raw_missing = sql.one(f"select count(*) from {GA} where project_id is null")
    assert raw_missing > 0
    assert (
        sql.one(
            "select sum(rows_without_project_id)"
            f" from {MARTS}.FCT_GA_LEGACY_DAILY_COVERAGE"
        )
        == raw_missing
    )
    assert (
        sql.one(
            f"select count(*) from {MARTS}.FCT_DAILY_PROJECT_COMMANDS"
            " where event_source = 'ga' and project_id is null"
        )
        == 0
    )

    # -- the analysts' report on the Snowflake marts, as prod invokes it ----
    # prod's ga-report config (warehouse: snowflake) with dbt-snowflake's
    # variables; SNOWFLAKE_HOST/PORT/PROTOCOL point the connector at fakesnow.
    snowflake_project.meltano("install", "utility", "ga-report")
    said = snowflake_project.meltano(
        "invoke", "ga-report",
        SNOWFLAKE_ROLE="TRANSFORMER",
        DBT_SNOWFLAKE_DATABASE="PROD",
        DBT_SNOWFLAKE_SCHEMA="ANALYTICS",
        SNOWFLAKE_HOST=str(fakesnow.kwargs["host"]),
        SNOWFLAKE_PORT=str(fakesnow.port),
        SNOWFLAKE_PROTOCOL=str(fakesnow.kwargs["protocol"]),
    )  # fmt: skip
    report = snowflake_project.root / "output" / "report"
    assert f"open {(report / 'index.html').as_uri()}" in said
    assert "PROD.ANALYTICS_MARTS" in (report / "index.html").read_text()
    quality = (report / "data-quality.html").read_text()
    assert f"<strong id='rows-without-project-id'>{raw_missing}</strong>" in quality
    assert "class='error'" not in quality
    assert 'class="error"' not in quality

    # The late project: GA until spring, Snowplow weeks later, one project.
    ((sources, last_ga, activation, source, ga_source),) = sql(
        "select event_sources, ga_last_event_date, snowplow_activation_date,"
        f" project_uuid_source, project_id_source from {MARTS}.DIM_PROJECTS"
        f" where project_id = '{plan.late_project_uuid}'"
    )
    assert sources == "ga, snowplow"
    assert last_ga <= dt.date.fromisoformat(plan.late_last_ga_day)
    assert activation == _monday(plan.late_first_snowplow_day)
    assert (activation - last_ga).days >= 28
    assert source == "derived"
    assert ga_source == "derived"

    # The overlap project: Snowplow struct events while GA still counted more.
    ((first_sp, activation),) = sql(
        "select cast(snowplow_first_event_at as date), snowplow_activation_date"
        f" from {MARTS}.DIM_PROJECTS"
        f" where project_id = '{plan.overlap_project_uuid}'"
    )
    assert first_sp < activation
    assert activation == snowplow.UNSTRUCT_FROM

    # Every planted project is there; random ids are flagged ephemeral.
    ephemeral = dict(
        sql(f"select project_id, is_ephemeral_project_id from {MARTS}.DIM_PROJECTS")
    )
    assert set(plan.project_uuids) <= set(ephemeral)
    assert set(plan.snowplow_only_project_uuids) <= set(ephemeral)
    assert plan.random_project_uuids
    assert all(ephemeral[p] for p in plan.random_project_uuids)

    # -- re-run: Meltano state, re-pulled days upserted, nothing duplicated ---
    snowflake_project.meltano(
        "run", "tap-ga-legacy", "target-snowflake", TAP_GA_LEGACY_END_DATE=SECOND_RUN[1]
    )
    total = _ga_rows(FIRST_RUN[0], SECOND_RUN[1])
    assert total > first
    assert sql(f"select count(*), count(distinct event_key) from {GA}") == [
        (total, total)
    ]
    # The lookback window (3 days up to the bookmark) was loaded again: those
    # rows were updated in place by the MERGE, not inserted twice.
    updated = sql.one(
        f"select count(*) from {GA} where event_date <= '{FIRST_RUN[1]}'"
        f" and _sdc_batched_at > '{first_batched_at.isoformat()}'"
    )
    assert updated == _ga_rows("2022-05-29", FIRST_RUN[1])
    state = json.loads(
        snowflake_project.meltano("state", "get", STATE_ID).splitlines()[-1]
    )
    (partition,) = state["singer_state"]["bookmarks"]["events"]["partitions"]
    assert partition["replication_key_value"] == SECOND_RUN[1]

    # A sentinel in a staged row: an incremental run leaves it alone.
    sentinel_id = sql.one(
        f"select min(event_id) from {STAGING}.STG_SNOWPLOW__EVENTS"
    )  # fmt: skip
    sql(
        f"update {STAGING}.STG_SNOWPLOW__EVENTS set app_id = 'sentinel'"
        f" where event_id = '{sentinel_id}'"
    )
    executions_before = sql.one(
        f"select count(*) from {INTERMEDIATE}.INT_SNOWPLOW_EXECUTIONS_GROUPED"
    )
    load_snowplow(
        sql, uploaded_now(_new_batch(rows, plan)), tmp_path / "enriched-2.tsv"
    )
    # What the assertions read: the three incremental models and the marts
    # of executions, their parents and the data tests of those alone.
    dbt(
        "build", "--select", "+fct_cli_executions", "+stg_ga_legacy__events",
        "--indirect-selection", "cautious", *NO_UNIT_TESTS,
    )  # fmt: skip

    assert sql.one(f"select count(*) from {STAGING}.STG_GA_LEGACY__EVENTS") == total
    assert (
        sql.one(
            f"select app_id from {STAGING}.STG_SNOWPLOW__EVENTS"
            f" where event_id = '{sentinel_id}'"
        )
        == "sentinel"
    )
    assert sql.one(f"select count(*) from {STAGING}.STG_SNOWPLOW__EVENTS") == (
        plan.events + 1
    )
    assert (
        sql.one(f"select count(*) from {INTERMEDIATE}.INT_SNOWPLOW_EXECUTIONS_GROUPED")
        == executions_before + 1
    )
    assert (
        sql.one(
            f"select count(*) from {MARTS}.FCT_CLI_EXECUTIONS"
            " where event_type = 'unstructured' and status = 'aborted'"
        )
        == plan.aborted + 1
    )


def _new_batch(
    rows: list[dict[str, str | None]], plan: snowplow.Plan
) -> list[dict[str, str | None]]:
    """tests/transform's second batch: one killed execution, one re-delivery."""
    template = min(
        (
            row
            for row in rows
            if "cli_event" in (row["unstruct_event"] or "")
            and plan.late_project_uuid in (row["contexts"] or "")
        ),
        key=lambda row: row["event_id"] or "",
    )
    return later_batch(template)


#: The old pipeline's table in both of its schemas (10..14 loaded into both),
#: and a GA interface export that overlaps it on 21..22: all before the API
#: range (FIRST_RUN), as the days Google no longer serves are.
OLD_TABLES = (
    ("GOOGLE_ANALYTICS", dt.date(2022, 2, 1), dt.date(2022, 2, 14)),
    ("TAP_GOOGLE_ANALYTICS", dt.date(2022, 2, 10), dt.date(2022, 2, 22)),
)
EXPORT = (dt.date(2022, 2, 21), dt.date(2022, 2, 28))


def _literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    assert "\\" not in text  # Snowflake reads a backslash as an escape
    return "'" + text.replace("'", "''") + "'"


def test_snowflake_archive_sources(
    snowflake_project: FakesnowProject, sql: Sql, dbt: Dbt, tmp_path: Path
) -> None:
    """The old table in RAW and an export through Meltano: each day counts once."""
    for schema, first, last in OLD_TABLES:
        rows = old_table_rows(
            _served(str(first), str(last)), first, last, dt.datetime(2022, 7, 1)
        )
        sql(f"create schema if not exists RAW.{schema}")
        sql(f"create or replace table RAW.{schema}.EVENTS ({DDL})")
        values = ", ".join(
            "(" + ", ".join(map(_literal, row)) + ")" for row in rows
        )  # fmt: skip
        sql(f"insert into RAW.{schema}.EVENTS values {values}")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "feb.csv").write_text(
        export_csv(_served(*map(str, EXPORT)), view_name="Meltano",
                   first=EXPORT[0], last=EXPORT[1], locale="de")
    )  # fmt: skip
    archive_files = [{"path": f"{exports}/*.csv", "view_id": VIEW_ID}]
    snowflake_project.meltano(
        "run",
        "tap-ga-legacy",
        "target-snowflake",
        TAP_GA_LEGACY_ARCHIVE_FILES=json.dumps(archive_files),
        # Where the chain's second run left the bookmark: the API has nothing
        # new, and an end_date before the bookmark is refused.
        TAP_GA_LEGACY_END_DATE=SECOND_RUN[1],
    )
    assert sql(
        f"select count(*), count(distinct event_key) from {GA}"
        " where origin = 'archive_file'"
    ) == [(len(_keys(*EXPORT)),) * 2]

    # The marts read below, all they read, and the data tests of those alone.
    dbt("build", "--vars", json.dumps({
        "ga_archive_database": "RAW",
        "ga_archive_schema": "TAP_GOOGLE_ANALYTICS",
        "ga_archive_early_schema": "GOOGLE_ANALYTICS",
    }), "--select", "+fct_ga_legacy_daily_coverage", "+fct_daily_project_commands",
        "+dim_projects", "--indirect-selection", "cautious",
        *NO_UNIT_TESTS)  # fmt: skip

    expected = {}
    day = OLD_TABLES[0][1]
    while day < dt.date.fromisoformat(FIRST_RUN[0]):
        if _served(str(day), str(day)):
            expected[day] = "archive_file" if day >= EXPORT[0] else "archive_table"
        day += dt.timedelta(days=1)
    coverage = dict(
        sql(
            f"select event_date, origin from {MARTS}.FCT_GA_LEGACY_DAILY_COVERAGE"
            f" where event_date < '{FIRST_RUN[0]}'"
        )
    )
    assert coverage == expected
    # The old table's rows, keyed and rekeyed in Snowflake SQL as the tap
    # would have: one per old report row, the stretch in both schemas once.
    staged = sql(
        "select event_key, to_varchar(event_date, 'YYYY-MM-DD'), command_category,"
        " event_action, event_label, project_id, project_id_source"
        f" from {STAGING}.STG_GA_LEGACY__ARCHIVE_EVENTS"
    )
    assert len(staged) == len(_keys(OLD_TABLES[0][1], OLD_TABLES[1][2]))
    for key, date, category, action, label, project_id, source in staged:
        assert key == event_key("ua", VIEW_ID, date, category, action, label, "")
        assert (project_id, source) == resolve_project_id(label, "")
    # Every archive day's events reach fct_daily_project_commands once, on
    # the project_id the tap would have given them.
    counted = dict(
        sql(
            "select activity_date, sum(command_count)"
            f" from {MARTS}.FCT_DAILY_PROJECT_COMMANDS where event_source = 'ga'"
            f" and activity_date < '{FIRST_RUN[0]}' group by 1"
        )
    )
    activations = dict(
        sql(
            f"select project_id, snowplow_activation_date from {MARTS}.DIM_PROJECTS"
            " where snowplow_activation_date is not null"
        )
    )
    wanted: Counter[dt.date] = Counter()
    for day in expected:
        for row in _served(str(day), str(day)):
            project_id, _ = resolve_project_id(row.label, "")
            if project_id and day < activations.get(project_id, dt.date.max):
                wanted[day] += row.count
    assert counted == dict(wanted)


def _keys(first: dt.date, last: dt.date) -> set[tuple[str, str, str, str]]:
    """The (day, category, action, label) rows of a report without dimension 1."""
    return {
        (r.date, r.category, r.action, r.label) for r in _served(str(first), str(last))
    }
