"""The Meltano UI's GA pageviews through dbt: routes, names hashed, marts.

The raw ``tap_ga_legacy.pageviews`` table is written here straight into
DuckDB with target-duckdb 0.8.0's types (dates varchar, integers hugeint,
``_sdc_*`` columns), as the tap's ``pageviews`` stream lands there, from a
hand-written set of paths per route era, hostile names included; a few GA
CLI events make two projects monthly active. Real dbt builds the UI marts
and everything they read. The chain from the GA emulator through the tap is
tested with the tap (tests/transform after the merge); here the answers are
the table below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import duckdb
import pytest

from scripts.tool_venvs import DBT_DUCKDB, DUCKDB_PROFILE, tool_venv
from snowplow_sample import table_ddl
from tap_ga_legacy.rekey import event_key
from tests.support.dataset import UI_VIEW_ID, VIEW_ID
from tests.support.warehouse import NO_UNIT_TESTS, run_dbt

if TYPE_CHECKING:
    from pathlib import Path

MARTS = "analytics_marts"
MARCH = dt.date(2021, 3, 1)
#: Project A uses the CLI and the UI, B the CLI only, C the UI only.
PROJECT_A = "6f1e9b52-6d1c-4c8e-9a0b-1d2e3f4a5b6c"
PROJECT_B = "0b5a7a6c-6f2a-4b7e-9a53-0e6a4f1c2d3e"
PROJECT_C = "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f"
#: Typed names that must never reach a mart in the clear.
SECRETS = ("acme-prod-secret", "tap-acme-internal", "tap-gitlab--acme", "acme-kpis")


def sha(text: str) -> str:
    """The SHA-256 hex the marts keep of a name MeltanoHub does not list."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Case:
    """One page path GA recorded, and what the marts must make of it."""

    path: str
    version: str
    route: str
    plugin: str | None = None


#: One path per era and rule (project A, one day each, in March 2021).
CASES = (
    Case("/pipeline/extract", "(not set)", "/pipeline/extract"),
    Case("/pipeline/extract/tap-gitlab/configure", "1.3.0",
         "/pipeline/extract/:extractor/configure", "tap-gitlab"),
    Case("/pipeline/extract/tap-gitlab/select", "1.5.1",
         "/pipeline/extract/:extractor/select", "tap-gitlab"),
    # The select screen was gone by v1.6.
    Case("/pipeline/extract/tap-gitlab/select", "1.8.0", "(unknown)"),
    Case("/pipeline/schedule/log/acme-prod-secret", "1.10.0",
         "/pipeline/schedule/log/:jobId"),
    Case("/pipeline/schedule/create", "1.10.0", "/pipeline/schedule/create"),
    Case("/analyze/model-gitlab/gitlab/issues/reports/report/acme-kpis", "1.12.0",
         "/analyze/:namespace+/:model/:design/reports/report/:slug"),
    Case("/reports/acme-kpis", "1.13.0", "/reports/:slug"),
    # :namespace+ is one or more segments.
    Case("/analyze/model/gitlab/sub/issues/by-author", "1.20.0",
         "/analyze/:namespace+/:model/:design"),
    Case("/data/extract/tap-acme-internal", "1.17.0", "/data/extract/:extractor",
         sha("tap-acme-internal")),
    Case("/connections/tap-github/", "1.30.0", "/connections/:extractor", "tap-github"),
    Case("/pipelines/", "1.30.0", "/pipelines"),
    Case("/pipelines/create", "1.40.0", "/pipelines/create"),
    Case("/pipelines/acme-prod-secret", "1.40.0", "/pipelines/:jobId"),
    Case("/pipelines/create?extractor=tap-gitlab&loader=target-csv", "1.50.0",
         "/pipelines/create", "tap-gitlab"),
    Case("/pipelines/create?loader=target-jsonl", "1.105.0", "/pipelines/create",
         "target-jsonl"),
    Case("/extractors/tap-gitlab--acme", "1.50.0", "/extractors/:plugin",
         sha("tap-gitlab--acme")),
    Case("/Extractors/tap-gitlab", "1.50.0", "/extractors/:plugin", "tap-gitlab"),
    Case("/loaders/target-postgres", "2.3.0", "/loaders/:plugin", "target-postgres"),
    Case("/pipelines/acme-prod-secret", "2.0.1", "/pipelines/:jobId"),
    Case("/pipelines/acme-prod-secret", "2.3.0", "/pipelines/:stateId"),
    Case("/cron-job-settings/acme-prod-secret", "1.99.0", "/cron-job-settings/:jobId"),
    Case("/cron-job-settings/acme-prod-secret", "1.90.0", "(unknown)"),
    Case("/-/embed/Qm9ndXMtdG9rZW4tYWNtZS1wcm9kLXNlY3JldC0xMjM0", "1.25.0",
         "/-/embed/:token"),
    Case("/-/embed/Qm9ndXMtdG9rZW4tYWNtZS1wcm9kLXNlY3JldC0xMjM0?today=2021-03-25",
         "2.5.0", "/-/embed/:token"),
    Case("/acme-prod-secret/typed-url", "1.50.0", "(unknown)"),
    # Explore was removed in v2.0.
    Case("/analyze/tap-gitlab", "2.2.0", "(unknown)"),
    Case("/analyze/tap-gitlab", "1.30.0", "/analyze/:extractor", "tap-gitlab"),
)  # fmt: skip


def pageview_key(*fields: str) -> str:
    """The tap's key: MD5 of the fields as netstrings (as event_key)."""
    text = "".join(f"{len(field)}:{field}," for field in fields)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@dataclasses.dataclass(frozen=True)
class Pageview:
    """One raw row of the pageviews stream."""

    day: dt.date
    path: str
    version: str
    project: str | None
    pageviews: int = 3
    unique: int = 2
    title: str | None = None
    origin: str = "api"
    batch: str = "2026-01-02 00:00:00"

    def row(self) -> tuple:
        """The row in the raw table's column order (RAW_COLUMNS)."""
        dimension = self.project.upper() if self.project else "(not set)"
        key = pageview_key(
            "ua", UI_VIEW_ID, self.day.isoformat(), self.path, self.title or "",
            dimension, self.version,
        )  # fmt: skip
        return (
            self.batch, None, self.batch, "ua", self.day.isoformat(), self.version,
            self.origin, self.path, self.title, key, self.pageviews, dimension,
            self.project, "custom_dimension" if self.project else "missing",
            UI_VIEW_ID, self.unique,
        )  # fmt: skip


#: target-duckdb's layout: columns sorted, _sdc_* first. No primary key:
#: a loader that appends instead of upserting holds a row twice, and
#: staging keeps the latest copy.
RAW_COLUMNS = """
    _sdc_batched_at timestamp, _sdc_deleted_at varchar,
    _sdc_extracted_at timestamp, api varchar, event_date varchar,
    meltano_version varchar, origin varchar, page_path varchar,
    page_title varchar, pageview_key varchar, pageviews hugeint,
    project_dimension varchar, project_id varchar,
    project_id_source varchar, property_id varchar,
    unique_pageviews hugeint
"""

EXTRA = (
    # Project C (UI only), with a title; a day's archive export that the
    # API also gave (not counted) and one it did not (counted).
    Pageview(MARCH, "/extractors", "1.60.0", PROJECT_C, 5, 4,
             title="Meltano: Extractors"),
    Pageview(MARCH + dt.timedelta(days=1), "/loaders", "1.60.0", PROJECT_C, 2, 1),
    Pageview(MARCH, "/loaders", "1.60.0", PROJECT_C, 9, 9, origin="archive_file"),
    Pageview(dt.date(2021, 4, 2), "/loaders", "1.60.0", PROJECT_C, 7, 7,
             origin="archive_file"),
    # No project id: counted nowhere but staging.
    Pageview(MARCH, "/extractors", "1.60.0", None, 4, 4),
)  # fmt: skip
#: An older copy of one row, loaded first: the latest batch wins.
STALE = Pageview(MARCH, "/extractors", "1.60.0", PROJECT_C, 50, 40,
                 title="Meltano: Extractors", batch="2026-01-01 00:00:00")  # fmt: skip


def pageviews() -> list[Pageview]:
    """Every raw pageview row (latest copies), CASES on A's March days."""
    cases = [
        Pageview(MARCH + dt.timedelta(days=n), case.path, case.version, PROJECT_A)
        for n, case in enumerate(CASES)
    ]
    return [*cases, *EXTRA]


def cli_events() -> list[tuple]:
    """GA CLI rows that make A and B monthly active in March 2021, and A in
    May, after the last UI pageview."""
    rows = []
    elt = ("meltano elt", "meltano elt tap-gitlab target-csv")
    days = {
        PROJECT_A: ("2021-03-05", "2021-03-31", "2021-05-10", "2021-05-31"),
        PROJECT_B: ("2021-03-05", "2021-03-31"),
    }
    for project, elt_days in days.items():
        for day, category, action in (
            ("2021-02-20", "meltano add", "meltano add extractor tap-gitlab"),
            *((day, *elt) for day in elt_days),
        ):
            key = event_key("ua", VIEW_ID, day, category, action, project, project)
            rows.append((key, VIEW_ID, "ua", day, category, action, project,
                         project, 1, project, "label", "api"))  # fmt: skip
    return rows


def write_raw(path: Path) -> None:
    """The raw tables: pageviews, CLI events, both streams' report windows."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema tap_ga_legacy")
        con.execute(f"create table tap_ga_legacy.pageviews ({RAW_COLUMNS})")
        placeholders = ", ".join("?" * 16)
        con.executemany(
            f"insert into tap_ga_legacy.pageviews values ({placeholders})",
            [STALE.row()] + [view.row() for view in pageviews()],
        )
        con.execute(
            """
            create table tap_ga_legacy.events (
                event_key varchar, property_id varchar, api varchar,
                event_date varchar, event_category varchar, event_action varchar,
                event_label varchar, project_dimension varchar,
                event_count hugeint, project_id varchar,
                project_id_source varchar, origin varchar,
                _sdc_extracted_at timestamp, _sdc_batched_at timestamp,
                _sdc_deleted_at varchar
            )
            """
        )
        con.executemany(
            "insert into tap_ga_legacy.events values"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now(), null)",
            cli_events(),
        )
        con.execute(
            """
            create table tap_ga_legacy.report_windows (
                property_id varchar, api varchar, first_day varchar,
                last_day varchar, "rows" hugeint, events_sum hugeint,
                events_total hugeint, sampled boolean, samples_read hugeint,
                sampling_space hugeint, data_loss_from_other_row boolean,
                other_rows hugeint, subject_to_thresholding boolean,
                is_data_golden boolean, time_zone varchar,
                final_through varchar, split_depth hugeint, requests hugeint,
                quota_tokens_consumed hugeint, extracted_at timestamp,
                stream varchar, _sdc_extracted_at timestamp,
                _sdc_batched_at timestamp, _sdc_deleted_at varchar
            )
            """
        )
        # The events window loaded before the tap had `stream` (null), and
        # the pageviews window over the API's pageview rows.
        api_views = [view for view in pageviews() if view.origin == "api"]
        for stream, first, last, rows, total in (
            (None, "2021-02-01", "2021-05-31", 8, 8),
            ("pageviews", "2021-03-01", "2021-04-30", len(api_views),
             sum(view.pageviews for view in api_views)),
        ):  # fmt: skip
            view = VIEW_ID if stream is None else UI_VIEW_ID
            con.execute(
                "insert into tap_ga_legacy.report_windows values (?, 'ua', ?, ?,"
                " ?, ?, ?, false, null, null, null, 0, null, true,"
                " 'America/Los_Angeles', ?, 0, 1, null, now(), ?, now(), now(),"
                " null)",
                [view, first, last, rows, total, total, last, stream],
            )
        con.execute(table_ddl("snowplow", "events"))


#: The models this file builds, all they read, the seeds and models the
#: privacy test allows values from, and only tests whose every parent is
#: built (cautious): the CLI-only marts are left out.
SELECT = (
    "--select", "+fct_ui_daily_route_usage", "+fct_ui_monthly_adoption",
    "+dim_projects", "fct_active_projects",
    "+int_ga_legacy_report_windows_reconciled",
    "resource_type:seed", "+int_hash_lookup",
    "assert_ga_pageview_key_recomputes",
    "assert_ga_event_days_covered_by_report_windows",
    "--indirect-selection", "cautious", *NO_UNIT_TESTS,
)  # fmt: skip


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The raw tables above, and dbt build of the UI marts."""
    workdir = tmp_path_factory.mktemp("ui")
    (workdir / "profiles.yml").write_text(DUCKDB_PROFILE)
    path = workdir / "warehouse.duckdb"
    write_raw(path)
    dbt_bin = tool_venv("dbt", DBT_DUCKDB) / "bin" / "dbt"
    run_dbt(dbt_bin, path, workdir, "build", *SELECT)
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_path_gets_its_route_and_plugin(house: Path) -> None:
    found = {
        day: (route, plugin)
        for day, route, plugin in query(
            house,
            "select activity_date, page_route, route_plugin_name"
            f" from {MARTS}.fct_ui_daily_route_usage"
            f" where project_id = '{PROJECT_A}'",
        )
    }
    expected = {
        MARCH + dt.timedelta(days=n): (case.route, case.plugin)
        for n, case in enumerate(CASES)
    }
    assert found == expected


def test_counts_one_origin_per_day_and_the_latest_copy(house: Path) -> None:
    rows = query(
        house,
        "select activity_date, page_route, pageviews, unique_pageviews"
        f" from {MARTS}.fct_ui_daily_route_usage"
        f" where project_id = '{PROJECT_C}' order by all",
    )
    assert rows == [
        (MARCH, "/extractors", 5, 4),  # not the stale 50/40
        # March 1st's /loaders export is not counted: the API gave the day.
        (MARCH + dt.timedelta(days=1), "/loaders", 2, 1),
        (dt.date(2021, 4, 2), "/loaders", 7, 7),  # an export-only day
    ]


def test_monthly_adoption_reuses_the_active_projects(house: Path) -> None:
    rows = query(
        house,
        "select activity_month, active_projects, ui_projects, active_ui_projects,"
        " cli_only_projects, ui_share, screens_used, has_ui_data"
        f" from {MARTS}.fct_ui_monthly_adoption order by activity_month",
    )
    march_screens = {case.route for case in CASES} - {"(unknown)"} | {
        "/extractors",
        "/loaders",
    }
    assert rows == [
        (MARCH, 2, 2, 1, 1, 0.5, len(march_screens), True),
        (dt.date(2021, 4, 1), 0, 1, 0, 0, None, 1, True),
        # Active after the UI's last pageview: no UI data, not "0 % used it".
        (dt.date(2021, 5, 1), 1, 0, 0, 1, 0.0, 0, False),
    ]
    (active,) = query(
        house,
        f"select count(*) from {MARTS}.fct_active_projects"
        " where is_monthly_active and activity_month = date '2021-03-01'",
    )
    assert active == (2,)


def test_dim_projects_has_the_ui_days(house: Path) -> None:
    rows = query(
        house,
        "select project_id, first_ui_day, last_ui_day, has_ui_pageviews,"
        f" event_sources from {MARTS}.dim_projects order by project_id",
    )
    last_a = MARCH + dt.timedelta(days=len(CASES) - 1)
    assert rows == [
        (PROJECT_B, None, None, False, "ga"),
        (PROJECT_A, MARCH, last_a, True, "ga"),
        (PROJECT_C, MARCH, dt.date(2021, 4, 2), True, "ga"),
    ]


def test_no_typed_name_reaches_a_mart(house: Path) -> None:
    tables = query(
        house,
        "select table_schema, table_name from information_schema.tables"
        f" where table_schema = '{MARTS}' and table_name like 'fct_ui%'",
    )
    assert len(tables) == 2
    for schema, table in tables:
        (text,) = query(
            house, f"select string_agg(t::varchar, ' ') from {schema}.{table} t"
        )
        for secret in SECRETS:
            assert secret not in text[0].lower()
    # Their hashes are there, so the test above is not vacuous.
    (hashed,) = query(
        house,
        f"select count(*) from {MARTS}.fct_ui_daily_route_usage"
        f" where route_plugin_name = '{sha('tap-acme-internal')}'",
    )
    assert hashed == (1,)
