"""ga-report's warehouse side without the chain: real DuckDB files, real CLI.

The data quality page's per-day proof appears only when the mart has rows;
the Snowflake settings come from dbt-snowflake's variables and no secret
ever reaches a message.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ga_report
from ga_report.__main__ import main
from ga_report.build import _count_ticks
from ga_report.warehouse import (
    ReportError,
    snowflake_connect_args,
    snowflake_warehouse,
)
from scripts.report_marts import Labels, numbered_projects, write_marts

MARTS = {
    "fct_daily_project_commands": "select 'p' as project_id,"
    " date '2022-03-01' as activity_date, 'ga' as event_source,"
    " 'elt' as cli_command, 3 as command_count",
    "dim_projects": "select 'p' as project_id, 'ga' as event_sources,"
    " null::date as snowplow_activation_date, 'label' as project_id_source,"
    " true as has_ga_events",
    "fct_ga_legacy_daily_coverage": "select date '2022-03-01' as event_date,"
    " 1 as rows_without_project_id, 4 as ga_rows",
}
WINDOW_DAYS = (
    "select * from (values"
    " ('188392047', 'ua', date '2022-03-01', true, true, true, true),"
    " ('188392047', 'ua', date '2022-03-02', false, false, true, true),"
    " ('312647579', 'ga4', date '2022-03-01', false, true, false, false))"
    " as t(property_id, api, report_day, is_sampled, is_final, is_reconciled,"
    " is_complete)"
)
SNOWFLAKE = {
    "SNOWFLAKE_ACCOUNT": "acme-prod",
    "SNOWFLAKE_USER": "MELTANO",
    "SNOWFLAKE_PASSWORD": "hunter2-secret",
    "SNOWFLAKE_ROLE": "TRANSFORMER",
    "SNOWFLAKE_WAREHOUSE": "TRANSFORMING",
    "DBT_SNOWFLAKE_DATABASE": "PROD",
    "DBT_SNOWFLAKE_SCHEMA": "ANALYTICS",
}


def _warehouse(path: Path, *, window_days: str | None) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema analytics_marts")
        marts = dict(MARTS)
        if window_days is not None:
            marts["fct_ga_legacy_report_window_days"] = window_days
        for name, sql in marts.items():
            con.execute(f"create table analytics_marts.{name} as {sql}")
    return path


def _quality(tmp_path: Path, window_days: str | None) -> str:
    database = _warehouse(tmp_path / "w.duckdb", window_days=window_days)
    out = tmp_path / "report"
    assert main(["--database", str(database), "--out", str(out)]) == 0
    return (out / "data-quality.html").read_text()


def test_window_days_per_property_when_the_mart_has_rows(tmp_path: Path) -> None:
    page = _quality(tmp_path, WINDOW_DAYS)
    assert "window-days-missing" not in page
    assert (
        "<tr data-property='188392047'><td class='property_id'>188392047</td>"
        "<td class='api'>ua</td><td class='days'>2</td>"
        "<td class='sampled_days'>1</td><td class='non_final_days'>1</td>"
        "<td class='reconciled_days'>2</td><td class='incomplete_days'>0</td>"
    ) in page
    assert (
        "<td class='days'>1</td><td class='sampled_days'>0</td>"
        "<td class='non_final_days'>0</td><td class='reconciled_days'>0</td>"
        "<td class='incomplete_days'>1</td>"
    ) in page


@pytest.mark.parametrize(
    "window_days", [None, WINDOW_DAYS + " where false"], ids=["no mart", "empty"]
)
def test_a_note_instead_without_rows(tmp_path: Path, window_days: str | None) -> None:
    page = _quality(tmp_path, window_days)
    assert "id='window-days-missing'" in page
    assert "id='window-days'" not in page


def test_pages_without_their_marts_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warehouse dbt built before the plugin marts still gets the other pages."""
    _quality(tmp_path, None)
    page = (tmp_path / "report" / "plugin-usage.html").read_text()
    assert "id='marts-missing'" in page
    assert "<code>fct_plugin_executions</code>" in page
    assert (
        "id='marts-missing'"
        not in (tmp_path / "report" / "command-mix.html").read_text()
    )
    ui_page = (tmp_path / "report" / "ui-usage.html").read_text()
    assert "<code>fct_ui_monthly_adoption</code>" in ui_page
    assert "id='marts-missing'" in ui_page
    err = capsys.readouterr().err
    assert (
        "ga-report: Plugin usage per month: no fct_plugin_executions, dim_plugins,"
        " fct_hub_variant_metrics yet"
    ) in err
    assert (
        "ga-report: Meltano UI usage per month: no fct_ui_monthly_adoption,"
        " fct_ui_daily_route_usage yet"
    ) in err


def test_empty_marts_are_error_boxes(tmp_path: Path) -> None:
    """A chart with no rows says so on every page; the build still succeeds."""
    database = write_marts(tmp_path / "w.duckdb", Labels(numbered_projects(3)))
    with duckdb.connect(str(database)) as con:
        for (table,) in con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'analytics_marts'"
        ).fetchall():
            con.execute(f"delete from analytics_marts.{table}")
    out = tmp_path / "report"
    assert main(["--database", str(database), "--out", str(out)]) == 0
    boxes = {
        page.stem: page.read_text().count("No rows in the mart for this chart.")
        for page in out.glob("*.html")
    }
    assert boxes == {
        "index": 0,
        "active-projects": 1,
        "project-timeline": 1,
        "command-mix": 1,
        "data-quality": 2,
        "plugin-usage": 1,
        "feature-adoption": 1,
        "ui-usage": 2,
    }


def test_no_mart_at_all_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema analytics_marts")
    assert main(["--database", str(database), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ga-report: no dbt mart in ")
    assert err.count("\n") == 1
    assert not (tmp_path / "r").exists()


#: What 2,000 projects may weigh on the project page: the goal is 10,000
#: under 5 MB (issue 19), and the page grows with the projects.
PROJECT_PAGE_BYTES = 1_000_000


def test_the_project_page_of_2000_projects_stays_small(tmp_path: Path) -> None:
    """One SVG per project made 3,000 projects a 25 MB page; now every project
    is compact JSON and only the top one is an SVG."""
    database = write_marts(tmp_path / "w.duckdb", Labels(numbered_projects(2000)))
    assert main(["--database", str(database), "--out", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "project-timeline.html").read_text()
    assert len(page.encode()) < PROJECT_PAGE_BYTES
    data = re.search(
        r"<script type='application/json' id='timeline-data'>(.*?)</script>", page
    )
    assert data
    assert len(json.loads(data.group(1))["projects"]) == 2000
    assert page.count("<svg") == 1


def test_markup_is_trusted_in_one_place() -> None:
    """vl-convert's SVG is the one text written unescaped: no other Markup(),
    no ``|safe`` or autoescape switched off in a template."""
    package = Path(ga_report.__file__).parent
    code = "".join(path.read_text() for path in package.glob("*.py"))
    assert code.count("Markup(") == 1
    assert "Markup(vl_convert.vegalite_to_svg(" in code
    templates = "".join(path.read_text() for path in package.glob("templates/*"))
    assert "|safe" not in templates.replace(" ", "")
    assert "autoescape" not in templates


@given(largest=st.integers(min_value=0, max_value=10**9))
def test_count_ticks_are_whole_and_cover_the_largest(largest: int) -> None:
    ticks = _count_ticks(largest)
    assert ticks[0] == 0
    assert ticks[-1] >= largest
    assert 2 <= len(ticks) <= 6
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    (step,) = steps
    assert str(step).strip("0") in {"1", "2", "5"}


def test_snowflake_settings_are_dbt_snowflakes() -> None:
    args = snowflake_connect_args(SNOWFLAKE, "ANALYTICS_MARTS")
    assert args["database"] == "PROD"
    assert args["schema"] == "ANALYTICS_MARTS"
    assert args["password"] == "hunter2-secret"
    assert "host" not in args


def test_missing_snowflake_variables_are_one_line() -> None:
    env = {k: v for k, v in SNOWFLAKE.items() if k != "SNOWFLAKE_ROLE"}
    with pytest.raises(ReportError) as raised, snowflake_warehouse(env):
        pass
    assert str(raised.value) == "SNOWFLAKE_ROLE not set (docs/snowflake.md)"


#: What a missing-variable message says whatever the values are: a "secret"
#: that is part of it (``SNOWFLAK``) would be found there by chance.
_MESSAGES = " ".join(f"{name} not set (docs/snowflake.md)" for name in SNOWFLAKE)


@settings(max_examples=50, deadline=None)
@given(
    secret=st.text(min_size=8).filter(str.strip).filter(lambda s: s not in _MESSAGES),
    missing=st.sets(st.sampled_from(sorted(SNOWFLAKE)), min_size=1),
)
def test_no_secret_in_a_settings_error(secret: str, missing: set[str]) -> None:
    env = {k: v for k, v in SNOWFLAKE.items() if k not in missing}
    env |= {"SNOWFLAKE_PASSWORD": secret} if "SNOWFLAKE_PASSWORD" not in missing else {}
    with pytest.raises(ReportError) as raised, snowflake_warehouse(env):
        pass
    message = str(raised.value)
    assert "\n" not in message
    assert secret not in message


def _cli_error(env: dict[str, str], monkeypatch, capsys, tmp_path: Path) -> str:
    """What ``ga-report --warehouse snowflake`` prints, as the one line it is."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(["--warehouse", "snowflake", "--out", str(tmp_path / "report")])
    err = capsys.readouterr().err
    assert code == 1
    (line,) = err.splitlines()
    return line


@pytest.mark.parametrize(
    "key",
    [
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END",
        "MIIEvQIBADANBgkqhkiG9w0BAQEF",  # base64, but of no PEM
        "not base64 at all: s3cret!",  # neither
        "bGlmZSBpcyBzaG9ydA",  # base64 without its padding
    ],
)
def test_damaged_private_key_is_one_line(key, monkeypatch, capsys, tmp_path) -> None:
    env = {**SNOWFLAKE, "SNOWFLAKE_PRIVATE_KEY": key}
    line = _cli_error(env, monkeypatch, capsys, tmp_path)
    assert line.startswith(
        "ga-report: SNOWFLAKE_PRIVATE_KEY cannot be read: it is neither an"
        " unencrypted PEM private key nor the base64 of one, or"
        " SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not open it ("
    ), line
    assert key.splitlines()[1 if "\n" in key else 0] not in line


def test_port_that_is_no_number_is_one_line(monkeypatch, capsys, tmp_path) -> None:
    env = {**SNOWFLAKE, "SNOWFLAKE_PORT": "443x"}
    line = _cli_error(env, monkeypatch, capsys, tmp_path)
    assert line == "ga-report: SNOWFLAKE_PORT is not a TCP port (a number 1..65535)"


@settings(max_examples=100, deadline=None)
@given(
    key=st.text(min_size=8).filter(str.strip),
    port=st.text(min_size=1).filter(lambda p: not (p.isascii() and p.isdigit())),
)
def test_no_secret_in_a_key_or_port_error(key: str, port: str) -> None:
    """Whatever SNOWFLAKE_PRIVATE_KEY and SNOWFLAKE_PORT hold: a ReportError
    of one line that never quotes the key."""
    # Each message is the tap's own words (and an exception's class name):
    # nothing of what the variable held.
    key_message = re.compile(
        r"SNOWFLAKE_PRIVATE_KEY cannot be read: it is neither an unencrypted PEM"
        r" private key nor the base64 of one, or SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"
        r" does not open it \([A-Za-z]+\)"
    )
    with (
        pytest.raises(ReportError) as raised,
        snowflake_warehouse({**SNOWFLAKE, "SNOWFLAKE_PRIVATE_KEY": key}),
    ):
        pass
    assert key_message.fullmatch(str(raised.value))
    with (
        pytest.raises(ReportError) as raised,
        snowflake_warehouse({**SNOWFLAKE, "SNOWFLAKE_PORT": port}),
    ):
        pass
    assert str(raised.value) == "SNOWFLAKE_PORT is not a TCP port (a number 1..65535)"
