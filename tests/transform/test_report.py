"""The analysts' report and dbt's docs site, opened in a real headless Chromium.

The warehouse is the one the dbt chain builds (real tap, target, Snowplow
sample, dbt), the report is built by the ``ga-report`` CLI as ``make report``
runs it, and every page is opened in Debian's chromium through playwright.
Known answers come from the planted sample (``snowplow.Plan``) and the raw
tables. Screenshots land in ``output/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest
from playwright.sync_api import Page, Route, sync_playwright

from ga_emulator import dataset
from ga_report import PAGES

from .conftest import GA_DATASET, TRANSFORM

if TYPE_CHECKING:
    from .conftest import Warehouse

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
#: What Chromium needs in a container as root, and nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _query(house: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _monday(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()


@pytest.fixture(scope="module")
def site(warehouse: Warehouse) -> Path:
    """dbt build and docs on the chain's warehouse, then ``ga-report``."""
    warehouse.dbt("build", "--exclude-resource-type", "unit_test")
    warehouse.dbt("docs", "generate", "--static")
    out = warehouse.workdir / "report"
    result = subprocess.run(
        [Path(sys.executable).with_name("ga-report"),
         "--database", str(warehouse.path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"ga-report: {len(PAGES) + 1} pages, ")
    assert result.stdout.rstrip().endswith(f"open {(out / 'index.html').as_uri()}")
    return out


@dataclass
class Browser:
    """A Chromium page, the outside URLs it asked for and its script errors."""

    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium page that refuses, and records, any network request."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium (as .ci/run does)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1000, "height": 800},
        )
        found = Browser(context.new_page())

        def only_files(route: Route) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                found.outside.append(route.request.url)
                route.abort()

        found.page.route("**/*", only_files)
        found.page.on("pageerror", lambda exc: found.errors.append(str(exc)))
        yield found
        context.close()


def _open(page: Page, path: Path, query: str = "") -> None:
    page.goto(path.as_uri() + query)
    page.wait_for_load_state("load")


def _bars(page: Page, chart: str) -> list[str]:
    return page.locator(f"{chart} [aria-roledescription='bar']").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )


def _legend(page: Page, chart: str) -> list[str]:
    return page.locator(f"{chart} .role-legend-label text").all_text_contents()


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _clean(browser: Browser) -> None:
    """No error box, no script error, nothing fetched from outside."""
    assert browser.page.locator(".error").count() == 0
    assert browser.errors == []
    assert browser.outside == []


def test_active_projects_page(
    site: Path, warehouse: Warehouse, browser: Browser
) -> None:
    page = browser.page
    _open(page, site / "active-projects.html")
    chart = "#chart-active-projects"
    expected = _query(
        warehouse,
        "select strftime(date_trunc('week', activity_date), '%Y-%m-%d'),"
        " event_source, count(distinct project_id)"
        " from analytics_marts.fct_daily_project_commands group by all",
    )
    bars = _bars(page, chart)
    assert sorted(bars) == sorted(
        f"week (Monday): {w}; active projects: {n}; counted by: {s};"
        f" week: {w}; source: {s}; projects: {n}"
        for w, s, n in expected
    )
    assert _legend(page, chart) == ["ga", "snowplow"]
    # The crossover is a week where Snowplow's bar is taller than GA's.
    crossover = page.text_content("#crossover")
    counts = {(w, s): n for w, s, n in expected}
    assert counts[(crossover, "snowplow")] > counts.get((crossover, "ga"), 0)
    assert "fct_daily_project_commands" in page.text_content("p.source")
    _clean(browser)
    _screenshot(page, "active-projects")
    page.locator(chart).screenshot(path=SCREENSHOTS / "active-projects-chart.png")


def test_project_timeline_page(
    site: Path, warehouse: Warehouse, browser: Browser
) -> None:
    page = browser.page
    plan = warehouse.plan
    # The late project by URL: GA until its last GA day, Snowplow from the
    # activation week weeks later, nothing in between.
    _open(page, site / "project-timeline.html", f"?project={plan.late_project_uuid}")
    shown = page.locator("section.project:visible")
    assert shown.count() == 1
    assert shown.get_attribute("data-project") == plan.late_project_uuid
    activation = _monday(plan.late_first_snowplow_day)
    assert shown.locator(".activation").text_content() == activation
    chart = f"section[data-project='{plan.late_project_uuid}']"
    weeks = {"ga": [], "snowplow": []}
    for label in _bars(page, chart):
        fields = dict(part.split(": ", 1) for part in label.split("; "))
        weeks[fields["source"]].append(fields["week"])
    assert max(weeks["ga"]) == _monday(plan.late_last_ga_day)
    assert min(weeks["snowplow"]) == activation
    # The weeks without any command are on the axis: the gap is visible.
    axis = page.locator(f"{chart} .role-axis-label text").all_text_contents()
    gap_week = dt.date.fromisoformat(max(weeks["ga"])) + dt.timedelta(weeks=1)
    assert gap_week.isoformat() in axis
    assert gap_week.isoformat() not in weeks["ga"] + weeks["snowplow"]
    assert _legend(page, chart) == ["ga", "snowplow"]
    _clean(browser)
    _screenshot(page, "project-timeline-late")

    # The overlap project from the dropdown: the URL follows the choice.
    page.select_option("#project", plan.overlap_project_uuid)
    shown = page.locator("section.project:visible")
    assert shown.get_attribute("data-project") == plan.overlap_project_uuid
    assert page.url.endswith(f"?project={plan.overlap_project_uuid}")
    (activation_date,) = _query(
        warehouse,
        "select snowplow_activation_date from analytics_marts.dim_projects"
        f" where project_id = '{plan.overlap_project_uuid}'",
    )[0]
    assert shown.locator(".activation").text_content() == _monday(
        activation_date.isoformat()
    )
    # Every project with commands is in the dropdown.
    (projects,) = _query(
        warehouse,
        "select count(distinct project_id)"
        " from analytics_marts.fct_daily_project_commands",
    )[0]
    assert page.locator("#project option").count() == projects
    _clean(browser)
    _screenshot(page, "project-timeline-overlap")


def test_command_mix_page(site: Path, warehouse: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "command-mix.html")
    chart = "#chart-command-mix"
    rows = _query(
        warehouse,
        "select strftime(date_trunc('week', activity_date), '%Y-%m-%d'),"
        " cli_command from analytics_marts.fct_daily_project_commands"
        " group by all",
    )
    assert len(_bars(page, chart)) == len(rows)
    assert sorted(_legend(page, chart)) == sorted({c for _, c in rows})
    assert {"elt", "run", "invoke"} <= set(_legend(page, chart))
    _clean(browser)
    _screenshot(page, "command-mix")


def test_data_quality_page(site: Path, warehouse: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "data-quality.html")
    # The raw table is the truth: every GA row the tap could not key.
    (missing,) = _query(
        warehouse,
        "select count(*) from tap_ga_legacy.events where project_id is null",
    )[0]
    assert missing > 0
    assert page.text_content("#rows-without-project-id") == str(missing)
    # One bar per week of the tap's run (2022-03-01..2022-05-31: 14 ISO weeks).
    assert len(_bars(page, "#chart-rows-without-project-id")) == 14
    sources = _query(
        warehouse,
        "select distinct project_id_source from analytics_marts.dim_projects"
        " where has_ga_events",
    )
    assert sorted(_legend(page, "#chart-project-id-source")) == sorted(
        s for (s,) in sources
    )
    # The tap's report_windows is the truth: every day one of its windows covers.
    covered = dict(
        _query(
            warehouse,
            "select property_id, count(distinct d) from tap_ga_legacy.report_windows,"
            " generate_series(cast(first_day as date), cast(last_day as date),"
            " interval 1 day) as t(d) group by property_id",
        )
    )
    assert covered
    assert page.locator("#window-days-missing").count() == 0
    for property_id, days in covered.items():
        row = page.locator(f"#window-days tr[data-property='{property_id}']")
        assert row.locator("td.days").text_content() == str(days)
        # The build passed its reconciliation tests: every day reconciled.
        assert row.locator("td.reconciled_days").text_content() == str(days)
    assert len(_bars(page, "#chart-window-days")) == 3 * len(covered)
    _clean(browser)
    _screenshot(page, "data-quality")


def _typed_text(house: Warehouse) -> set[str]:
    """Everything users typed that the sample planted: custom plugin names and
    their hashes, and what projects typed after ``meltano init``."""
    hashed = {**dataset.hashed_names(GA_DATASET), **house.plan.hashed_names}
    typed = set(hashed) | set(hashed.values())
    planted = dataset.projects(GA_DATASET.seed, GA_DATASET.projects)
    return typed | {p.typed_name for p in planted}


def test_plugin_usage_page(site: Path, warehouse: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "plugin-usage.html")
    # The ten Hub plugins with the most projects, in that order.
    top = _query(
        warehouse,
        "select d.plugin_name, count(distinct f.project_id) as n"
        " from analytics_marts.fct_plugin_executions as f"
        " join analytics_marts.dim_plugins as d using (plugin_key)"
        " where d.is_hub_plugin group by 1 order by n desc, 1 limit 10",
    )
    sections = page.locator("section.plugin").evaluate_all(
        "els => els.map(e => e.dataset.plugin)"
    )
    assert sections == [name for name, _ in top]
    for rank, (name, projects) in enumerate(top, start=1):
        chart = f"#chart-plugin-usage-{rank}"
        expected = _query(
            warehouse,
            "select strftime(date_trunc('month', f.activity_date), '%Y-%m-%d'),"
            " f.event_source, count(distinct f.project_id)"
            " from analytics_marts.fct_plugin_executions as f"
            " join analytics_marts.dim_plugins as d using (plugin_key)"
            f" where d.plugin_name = '{name}' group by all",
        )
        assert sorted(_bars(page, chart)) == sorted(
            f"month: {m}; projects: {n}; counted by: {s}; plugin: {name}; source: {s}"
            for m, s, n in expected
        )
        title = page.locator(f"{chart} [aria-roledescription='title']").text_content()
        assert title == f"{name} ({projects} projects)"
    # Both eras are there, and nothing a user typed.
    assert _legend(page, "#chart-plugin-usage-1") == ["ga", "snowplow"]
    content = page.content()
    leaked = sorted(t for t in _typed_text(warehouse) if t in content)
    assert leaked == []
    _clean(browser)
    _screenshot(page, "plugin-usage")


def test_plugin_usage_page_shows_the_hub_badges(
    site: Path, warehouse: Warehouse, browser: Browser
) -> None:
    page = browser.page
    _open(page, site / "plugin-usage.html")
    expected = _query(
        warehouse,
        "select name, variant, plugin_type, all_projects, all_execs"
        " from analytics_marts.fct_hub_variant_metrics"
        " where is_published and all_projects > 0"
        " order by all_projects desc, all_execs desc, name, variant limit 10",
    )
    assert expected, "the sample's projects ran Hub plugins"
    ((as_of,),) = _query(
        warehouse,
        "select cast(max(as_of_date) as varchar)"
        " from analytics_marts.fct_hub_variant_metrics",
    )
    title = page.locator("#hub-badges-title").text_content()
    assert title == f"MeltanoHub's badges as of {as_of}"
    shown = page.locator("#hub-badges tr").evaluate_all(
        "rows => rows.slice(1).map(r => [...r.cells].map(c => c.textContent))"
    )
    assert shown == [[n, v, t, str(p), str(e)] for n, v, t, p, e in expected]


def test_feature_adoption_page(
    site: Path, warehouse: Warehouse, browser: Browser
) -> None:
    page = browser.page
    _open(page, site / "feature-adoption.html")
    # Monthly active projects and, of them, those that used each feature.
    expected = _query(
        warehouse,
        "with active as (select project_id, activity_month as month"
        " from analytics_marts.fct_active_projects where is_monthly_active)"
        " select strftime(a.month, '%Y-%m-%d'), u.feature,"
        " count(distinct u.project_id),"
        " (select count(*) from active as b where b.month = a.month)"
        " from active as a join analytics_marts.fct_feature_usage as u"
        " on a.project_id = u.project_id"
        " and a.month = date_trunc('month', u.activity_date)"
        " group by all",
    )
    assert expected
    rows = page.locator("#feature-adoption tr[data-feature]")
    assert rows.count() == len(expected)
    for month, feature, projects, active in expected:
        row = page.locator(
            f"#feature-adoption tr[data-month='{month}'][data-feature='{feature}']"
        )
        assert row.locator("td.projects").text_content() == str(projects)
        assert row.locator("td.active").text_content() == str(active)
        assert row.locator("td.share").text_content() == f"{projects / active:.1%}"
    points = page.locator("#chart-feature-adoption [aria-roledescription='point']")
    assert points.count() == len(expected)
    assert sorted(_legend(page, "#chart-feature-adoption")) == sorted(
        {f for _, f, _, _ in expected}
    )
    assert {"environments", "run", "mappers"} <= {f for _, f, _, _ in expected}
    leaked = sorted(t for t in _typed_text(warehouse) if t in page.content())
    assert leaked == []
    _clean(browser)
    _screenshot(page, "feature-adoption")


def test_index_links_every_page(site: Path, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "index.html")
    hrefs = page.locator("ul a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == [f"{p.slug}.html" for p in PAGES]
    _clean(browser)


def test_dbt_docs_site_lists_the_marts(
    site: Path, warehouse: Warehouse, browser: Browser
) -> None:
    page = browser.page
    docs = warehouse.workdir / "target" / "static_index.html"
    _open(page, docs)
    # The project tree lists every mart (collapsed, so attached, not visible).
    # Its labels split a long name in two spans; each entry's unique id is whole.
    for sql in sorted((TRANSFORM / "models" / "marts").glob("*.sql")):
        page.locator(
            f"a[data-nav-unique-id='model.meltano_telemetry.{sql.stem}']"
        ).first.wait_for(state="attached")
    # A mart's own page shows its description, read from the embedded manifest.
    _open(page, docs, "#!/model/model.meltano_telemetry.fct_daily_project_commands")
    page.get_by_text("One row per project_id, activity_date").first.wait_for()
    assert browser.errors == []
    _screenshot(page, "dbt-docs")
