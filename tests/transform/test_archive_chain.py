"""GA-era days from the old warehouse table, GA interface exports and the API.

The old table is in both of its schemas (February to July 2022, then from
July 2022), with a stretch loaded into both; exports overlap it, each other
and the API range. After the tap and dbt, every day counts once, from the
first origin there is of api, archive_file, archive_table, keyed on
project_id exactly as the tap keys API rows. Known answers come from the
emulator's rows and the tap's own rekey functions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import TYPE_CHECKING

import duckdb
import pytest

import snowplow_sample as snowplow
from ga_emulator.dataset import rows_in_range
from ga_emulator.old_table import load_duckdb, old_table_rows
from ga_emulator.ui_exports import export_csv
from tap_ga_legacy.rekey import event_key, resolve_project_id
from tests.support.dataset import VIEW_ID
from tests.support.warehouse import GA_DATASET, NO_UNIT_TESTS, Warehouse

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.emulator import Emulators

MARTS = "analytics_marts"
DAY = dt.timedelta(days=1)
#: Where each origin's days lie; the ranges overlap on purpose.
EARLY_TABLE = (dt.date(2022, 2, 1), dt.date(2022, 2, 14))
LATE_TABLE = (dt.date(2022, 2, 10), dt.date(2022, 2, 20))  # 10..14 in both
EXPORT_WEEK = (dt.date(2022, 2, 15), dt.date(2022, 2, 21))  # wins 15..20
EXPORT_DAY = dt.date(2022, 2, 21)  # the same rows again, no Date column
EXPORT_DIMENSION = (dt.date(2022, 2, 22), dt.date(2022, 2, 28))
API = (dt.date(2022, 2, 26), dt.date(2022, 3, 6))  # wins 26..28
#: The origin each day must come from (days GA has rows for: the emulator
#: plants outage days without any).
EXPECTED_ORIGIN = {
    day: origin
    for day, origin in {
        **{EARLY_TABLE[0] + n * DAY: "archive_table" for n in range(14)},
        **{EARLY_TABLE[0] + n * DAY: "archive_file" for n in range(14, 25)},
        **{API[0] + n * DAY: "api" for n in range(9)},
    }.items()
    if rows_in_range(GA_DATASET, VIEW_ID, day, day)
}
VARS = json.dumps(
    {
        "ga_archive_schema": "tap_google_analytics",
        "ga_archive_early_schema": "google_analytics",
    }
)


def _write_exports(folder: Path) -> None:
    def rows(first: dt.date, last: dt.date) -> list:
        return rows_in_range(GA_DATASET, VIEW_ID, first, last)

    folder.mkdir()
    (folder / "week.csv").write_text(
        export_csv(rows(*EXPORT_WEEK), view_name="Meltano", first=EXPORT_WEEK[0],
                   last=EXPORT_WEEK[1], locale="de")
    )  # fmt: skip
    (folder / "day.csv").write_text(
        export_csv(rows(EXPORT_DAY, EXPORT_DAY), view_name="Meltano",
                   first=EXPORT_DAY, last=EXPORT_DAY, with_date=False)
    )  # fmt: skip
    (folder / "with-project.csv").write_text(
        export_csv(rows(*EXPORT_DIMENSION), view_name="Meltano",
                   first=EXPORT_DIMENSION[0], last=EXPORT_DIMENSION[1],
                   custom_dimension="Project ID")
    )  # fmt: skip


def _load_old_table(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for schema, (first, last), batched in (
            ("google_analytics", EARLY_TABLE, dt.datetime(2022, 6, 1)),
            ("tap_google_analytics", LATE_TABLE, dt.datetime(2022, 7, 20)),
        ):
            served = rows_in_range(GA_DATASET, VIEW_ID, first, last)
            load_duckdb(con, schema, old_table_rows(served, first, last, batched))


def expected_counts() -> dict[tuple[str, dt.date], int]:
    """Events per (project_id, day) as the tap would key each origin's rows."""
    counts: defaultdict[tuple[str, dt.date], int] = defaultdict(int)
    for day, origin in EXPECTED_ORIGIN.items():
        with_dimension = origin == "api" or day >= EXPORT_DIMENSION[0]
        for row in rows_in_range(GA_DATASET, VIEW_ID, day, day):
            dimension = row.dimension1 if with_dimension else ""
            project_id, _ = resolve_project_id(row.label, dimension)
            if project_id:
                counts[project_id, day] += row.count
    return counts


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory, emulators: Emulators) -> Warehouse:
    workdir = tmp_path_factory.mktemp("archive")
    rows, plan = snowplow.generate()
    built = Warehouse.create(workdir, plan, emulators.serving(GA_DATASET).url)
    _write_exports(workdir / "exports")
    archive_files = [{"path": str(workdir / "exports" / "*.csv"), "view_id": VIEW_ID}]
    built.run_tap(*(str(d) for d in API), archive_files=archive_files)
    _load_old_table(built.path)
    snowplow.load(built.path, rows)
    built.dbt("build", "--vars", VARS, *NO_UNIT_TESTS)
    return built


def _query(house: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_day_once_from_the_first_origin(house: Warehouse) -> None:
    coverage = _query(
        house,
        f"select event_date, origin from {MARTS}.fct_ga_legacy_daily_coverage"
        f" where property_id = '{VIEW_ID}' order by 1",
    )
    assert coverage == sorted(EXPECTED_ORIGIN.items())


def test_daily_commands_and_projects_as_the_tap_keys_them(house: Warehouse) -> None:
    # From a project's Snowplow activation on, its days count on Snowplow.
    activations = dict(
        _query(
            house,
            f"select project_id, snowplow_activation_date from {MARTS}.dim_projects"
            " where snowplow_activation_date is not null",
        )
    )
    expected = {
        (project_id, day): count
        for (project_id, day), count in expected_counts().items()
        if day < activations.get(project_id, dt.date.max)
    }
    got = {
        (project_id, day): count
        for project_id, day, count in _query(
            house,
            "select project_id, activity_date, sum(command_count)"
            f" from {MARTS}.fct_daily_project_commands where event_source = 'ga'"
            f" and activity_date <= '{API[1]}' group by 1, 2",
        )
    }
    assert got == expected
    first_days: dict[str, dt.date] = {}
    for project_id, day in sorted(expected_counts(), key=lambda k: k[1]):
        first_days.setdefault(project_id, day)
    dim = dict(
        _query(
            house,
            f"select project_id, ga_first_event_date from {MARTS}.dim_projects",
        )
    )
    assert {p: dim.get(p) for p in first_days} == first_days


def test_old_table_rows_keyed_like_the_tap(house: Warehouse) -> None:
    staged = _query(
        house,
        "select event_key, cast(event_date as varchar), command_category,"
        " event_action, event_label, project_id, project_id_source, event_count"
        " from analytics_staging.stg_ga_legacy__archive_events",
    )
    # One row per old report row: the stretch loaded into both schemas once.
    served = rows_in_range(GA_DATASET, VIEW_ID, EARLY_TABLE[0], LATE_TABLE[1])
    old = old_table_rows(served, EARLY_TABLE[0], LATE_TABLE[1], dt.datetime.now())
    assert len(staged) == len(old)
    assert sum(row[-1] for row in staged) == sum(r.count for r in served)
    for key, day, category, action, label, project_id, source, _ in staged:
        assert key == event_key("ua", VIEW_ID, day, category, action, label, "")
        assert (project_id, source) == resolve_project_id(label, "")
    assert {"", "(not set)"} <= {row[4] for row in staged}
