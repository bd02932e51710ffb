"""The analysts' report and dbt's docs site, opened in a real headless Chromium.

The warehouse is the one the dbt chain builds (real tap, target, Snowplow
sample, dbt), the report is built by the ``ga-report`` CLI as ``make report``
runs it, and every page is opened in Debian's chromium through playwright.
Known answers come from the planted sample (``snowplow.Plan``) and the raw
tables. Screenshots land in ``output/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

import duckdb
import pytest
from playwright.sync_api import Page, Route, sync_playwright

from ga_emulator import dataset
from ga_report import PAGES
from ga_report.__main__ import main
from ga_report.build import TOP_PROJECTS
from scripts.report_marts import Labels, numbered_projects, write_marts
from tests.support.warehouse import GA_DATASET, TRANSFORM

if TYPE_CHECKING:
    from tests.support.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "output" / "screenshots"
README_PICTURE = ROOT / "docs" / "img" / "report-active-projects.png"
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


def _query(house: Warehouse | Marts, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _monday(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()


def _partial_weeks(house: Warehouse | Marts) -> dict[str, int]:
    """The first and last weeks of the commands' days, when they hold fewer than 7."""
    ((first, last),) = _query(
        house,
        "select min(activity_date), max(activity_date)"
        " from analytics_marts.fct_daily_project_commands",
    )
    partial = {}
    for day in (first, last):
        monday = day - dt.timedelta(days=day.weekday())
        days = (min(monday + dt.timedelta(days=6), last) - max(monday, first)).days
        if days + 1 < 7:
            partial[monday.isoformat()] = days + 1
    return partial


@pytest.fixture(scope="module")
def site(built: Warehouse) -> Path:
    """dbt docs on the chain's built warehouse, then ``ga-report``."""
    built.dbt("docs", "generate", "--static")
    out = built.workdir / "report"
    result = subprocess.run(
        [Path(sys.executable).with_name("ga-report"),
         "--database", str(built.path), "--out", str(out)],
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


def test_active_projects_page(site: Path, built: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "active-projects.html")
    chart = "#chart-active-projects"
    expected = _query(
        built,
        "select strftime(date_trunc('week', activity_date), '%Y-%m-%d'),"
        " event_source, count(distinct project_id)"
        " from analytics_marts.fct_daily_project_commands group by all",
    )
    partial = _partial_weeks(built)
    bars = _bars(page, chart)
    assert sorted(bars) == sorted(
        f"week (Monday): {w}; active projects: {n}; counted by: {s};"
        f" week: {w}; source: {s}; projects: {n}; days of data: {partial.get(w, 7)}"
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
    # The README's picture is this chart, redrawn on every run: commit it
    # when a change to the report or the data moves it.
    page.locator(chart).screenshot(path=README_PICTURE)


def test_project_timeline_page(site: Path, built: Warehouse, browser: Browser) -> None:
    page = browser.page
    plan = built.plan
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

    # The overlap project found by its id: the URL follows the choice.
    page.fill("#project-search", plan.overlap_project_uuid)
    page.press("#project-search", "Enter")
    shown = page.locator("section.project:visible")
    assert shown.get_attribute("data-project") == plan.overlap_project_uuid
    assert page.url.endswith(f"?project={plan.overlap_project_uuid}")
    (activation_date,) = _query(
        built,
        "select snowplow_activation_date from analytics_marts.dim_projects"
        f" where project_id = '{plan.overlap_project_uuid}'",
    )[0]
    assert shown.locator(".activation").text_content() == _monday(
        activation_date.isoformat()
    )
    # The top projects are in the dropdown, and every project is on the page.
    (projects,) = _query(
        built,
        "select count(distinct project_id)"
        " from analytics_marts.fct_daily_project_commands",
    )[0]
    assert page.locator("#project option").count() == min(projects, TOP_PROJECTS)
    assert page.evaluate("timeline.projects.length") == projects
    _clean(browser)
    _screenshot(page, "project-timeline-overlap")


def test_command_mix_page(site: Path, built: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "command-mix.html")
    chart = "#chart-command-mix"
    top, _ = _commands_ranked(built)
    rows = _query(
        built,
        "select strftime(date_trunc('week', activity_date), '%Y-%m-%d'),"
        " cli_command from analytics_marts.fct_daily_project_commands"
        " group by all",
    )
    # A bar per week and series: the top commands and one for all the rest.
    series = {(w, c if c in top else "other commands") for w, c in rows}
    assert len(_bars(page, chart)) == len(series)
    assert _legend(page, chart) == [*top, "other commands"]
    assert _series_named(page) == _legend(page, chart)
    _clean(browser)
    _screenshot(page, "command-mix")


def _commands_ranked(house: Warehouse | Marts) -> tuple[list[str], list[str]]:
    """The 3 commands run most, by commands, and the others."""
    ranked = _query(
        house,
        "select cli_command from analytics_marts.fct_daily_project_commands"
        " group by all order by sum(command_count) desc, cli_command",
    )
    return [c for (c,) in ranked[:3]], [c for (c,) in ranked[3:]]


def _series_named(page: Page) -> list[str]:
    """The series the command-mix page's sentence names, in its order."""
    return page.locator("#command-mix-series code.series").all_text_contents()


def test_data_quality_page(site: Path, built: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "data-quality.html")
    # The raw table is the truth: every GA row the tap could not key.
    (missing,) = _query(
        built,
        "select count(*) from tap_ga_legacy.events where project_id is null",
    )[0]
    assert missing > 0
    assert page.text_content("#rows-without-project-id") == str(missing)
    # One bar per week of the tap's run (2022-03-01..2022-05-31: 14 ISO weeks).
    assert len(_bars(page, "#chart-rows-without-project-id")) == 14
    sources = _query(
        built,
        "select distinct project_id_source from analytics_marts.dim_projects"
        " where has_ga_events",
    )
    assert sorted(_legend(page, "#chart-project-id-source")) == sorted(
        s for (s,) in sources
    )
    # The tap's report_windows is the truth: every day one of its events
    # windows covers (the UI view's pageviews windows prove another stream).
    covered = dict(
        _query(
            built,
            "select property_id, count(distinct d) from tap_ga_legacy.report_windows,"
            " generate_series(cast(first_day as date), cast(last_day as date),"
            " interval 1 day) as t(d) where coalesce(stream, 'events') = 'events'"
            " group by property_id",
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


def test_plugin_usage_page(site: Path, built: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "plugin-usage.html")
    # The ten Hub plugins with the most projects, in that order.
    top = _query(
        built,
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
            built,
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
        assert title == f"{name} ({projects} project{'s' * (projects != 1)})"
    # Both eras are there, and nothing a user typed.
    assert _legend(page, "#chart-plugin-usage-1") == ["ga", "snowplow"]
    content = page.content()
    leaked = sorted(t for t in _typed_text(built) if t in content)
    assert leaked == []
    _clean(browser)
    _screenshot(page, "plugin-usage")


def test_plugin_usage_page_shows_the_hub_badges(
    site: Path, built: Warehouse, browser: Browser
) -> None:
    page = browser.page
    _open(page, site / "plugin-usage.html")
    expected = _query(
        built,
        "select name, variant, plugin_type, all_projects, all_execs"
        " from analytics_marts.fct_hub_variant_metrics"
        " where is_published and all_projects > 0"
        " order by all_projects desc, all_execs desc, name, variant limit 10",
    )
    assert expected, "the sample's projects ran Hub plugins"
    ((as_of,),) = _query(
        built,
        "select cast(max(as_of_date) as varchar)"
        " from analytics_marts.fct_hub_variant_metrics",
    )
    title = page.locator("#hub-badges-title").text_content()
    assert title == f"MeltanoHub's badges as of {as_of}"
    shown = page.locator("#hub-badges tr").evaluate_all(
        "rows => rows.slice(1).map(r => [...r.cells].map(c => c.textContent))"
    )
    assert shown == [[n, v, t, str(p), str(e)] for n, v, t, p, e in expected]


def test_feature_adoption_page(site: Path, built: Warehouse, browser: Browser) -> None:
    page = browser.page
    _open(page, site / "feature-adoption.html")
    # Monthly active projects and, of them, those that used each feature.
    expected = _query(
        built,
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
    leaked = sorted(t for t in _typed_text(built) if t in page.content())
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
    site: Path, built: Warehouse, browser: Browser
) -> None:
    page = browser.page
    docs = built.workdir / "target" / "static_index.html"
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


# -- the report from synthetic marts: hostile labels, and the pages' details ---
# No dbt here: scripts/report_marts.py writes the marts' columns directly, so
# these tests take seconds.

#: Labels anyone can send GA: markup that would run, quotes and ampersands.
#: Each would set window.pwned if a page ever wrote it as markup.
HOSTILE = Labels(
    project_ids=(
        "<script>window.pwned=1</script>",
        '"><img src=x onerror="window.pwned=2">',
        "a&b=c d+e%20f#g?h/ 'q'",
        "e8096f42-aaaa-4bbb-8ccc-dddddddddddd",
        *numbered_projects(8),
    ),
    commands=(
        "<script>window.pwned=3</script>",
        "\"elt\" & 'run'",
        "<b onclick=x>bold</b>",
        "elt",
        "run",
    ),
    plugins=(
        "<script>window.pwned=4</script>",
        "tap-\"q\"&amp;'x'",
        "<img src=x onerror=window.pwned=5>",
    ),
    features=("<script>window.pwned=6</script>", "\"env\" & 'x'"),
    properties=("312647579", "<b>&\"'</b>"),
    routes=("<script>window.pwned=7</script>", "/pipelines/:jobId", "(unknown)"),
)
#: A project that ran one command, once.
ONE_COMMAND = "11111111-1111-4111-8111-111111111111"


@dataclass(frozen=True)
class Marts:
    """A report built from synthetic marts: the DuckDB file and the pages."""

    path: Path
    out: Path


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Marts:
    """The report of HOSTILE's marts, as ``ga-report`` builds it."""
    folder = tmp_path_factory.mktemp("hostile")
    database = write_marts(folder / "marts.duckdb", HOSTILE)
    with duckdb.connect(str(database)) as con:
        con.execute(
            "insert into analytics_marts.fct_daily_project_commands"
            " values (?, date '2022-07-01', 'ga', 'cli', 'elt', 1)",
            [ONE_COMMAND],
        )
        con.execute(
            "insert into analytics_marts.dim_projects"
            " values (?, 'ga', null, 'label', true)",
            [ONE_COMMAND],
        )
    out = folder / "report"
    assert main(["--database", str(database), "--out", str(out)]) == 0
    return Marts(database, out)


#: What each page shows of HOSTILE, as text.
SHOWN = {
    "command-mix": HOSTILE.commands,
    "data-quality": HOSTILE.properties,
    "plugin-usage": HOSTILE.plugins,
    "feature-adoption": HOSTILE.features,
    "ui-usage": [route for route in HOSTILE.routes if route != "(unknown)"],
}
#: The scripts of the report's own: the project page's data and its code.
SCRIPTS = {"project-timeline": 2}


@pytest.mark.parametrize("slug", ["index", *(p.slug for p in PAGES)])
def test_hostile_labels_are_text_on_every_page(
    marts: Marts, browser: Browser, slug: str
) -> None:
    page = browser.page
    _open(page, marts.out / f"{slug}.html")
    # Nothing ran and no element came from a label.
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("script").count() == SCRIPTS.get(slug, 0)
    assert page.locator("img, b").count() == 0
    # Each label is there, written as it was.
    text = page.locator("body").inner_text()
    assert [label for label in SHOWN.get(slug, ()) if label not in text] == []
    if slug == "plugin-usage":
        plugins = page.locator("section.plugin").evaluate_all(
            "els => els.map(e => e.dataset.plugin)"
        )
        assert sorted(plugins) == sorted(HOSTILE.plugins)
    if slug == "project-timeline":
        values = page.locator("#project option").evaluate_all(
            "els => els.map(e => e.value)"
        )
        assert sorted(values) == sorted([*HOSTILE.project_ids, ONE_COMMAND])
    _clean(browser)


@pytest.mark.parametrize("project_id", HOSTILE.project_ids)
def test_any_project_id_round_trips(
    marts: Marts, browser: Browser, project_id: str
) -> None:
    page = browser.page
    timeline = marts.out / "project-timeline.html"
    _open(page, timeline)
    page.select_option("#project", project_id)
    # The URL names the project (its &, #, + and % encoded) and opens it again.
    url = urlsplit(page.url)
    assert url._replace(query="").geturl() == timeline.as_uri()
    assert parse_qs(url.query, strict_parsing=True) == {"project": [project_id]}
    _open(page, timeline, "?" + url.query)
    shown = page.locator("section.project:visible")
    assert shown.count() == 1
    assert shown.locator("h2").text_content() == project_id
    assert page.locator("#project").input_value() == project_id
    assert page.locator("#project-message").is_hidden()
    assert page.evaluate("typeof window.pwned") == "undefined"
    _clean(browser)


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("nope", []),
        ("E8096F42-AAAA-4BBB-8CCC-DDDDDDDDDDDD", [HOSTILE.project_ids[3]]),
        (" e8096f42-aaaa-4bbb-8ccc-dddddddddddd", [HOSTILE.project_ids[3]]),
        ("0000000", numbered_projects(8)),
    ],
    ids=["unknown", "upper case", "leading space", "a prefix"],
)
def test_an_id_not_in_the_report_says_so(
    marts: Marts, browser: Browser, asked: str, meant: list[str]
) -> None:
    """No other project is shown instead: the page names the id, and the
    projects it may have meant."""
    page = browser.page
    _open(page, marts.out / "project-timeline.html", "?project=" + quote(asked))
    assert page.locator("section.project:visible").count() == 0
    message = page.locator("#project-message")
    said = f"No project “{asked}” in this report."
    assert message.text_content() == said + (" Did you mean:" if meant else "")
    # The projects it may have meant, by their commands, each a link to it.
    links = page.locator("#project-matches:visible a")
    assert sorted(links.all_text_contents()) == meant
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert sorted(hrefs) == ["?project=" + quote(m, safe="-_.!~*'()") for m in meant]
    # The search box says the same.
    _open(page, marts.out / "project-timeline.html")
    page.fill("#project-search", asked)
    page.press("#project-search", "Enter")
    assert page.locator("section.project:visible").count() == 0
    assert message.text_content().startswith(said)
    _clean(browser)


def _axis_labels(page: Page, chart: str, axis: str) -> list[str]:
    return page.locator(
        f"{chart} [aria-roledescription='axis'][aria-label^='{axis}-axis']"
        " .role-axis-label text"
    ).all_text_contents()


@pytest.mark.parametrize(
    "slug", ["active-projects", "project-timeline", "data-quality", "plugin-usage"]
)
def test_count_axes_tick_whole_numbers(
    marts: Marts, browser: Browser, slug: str
) -> None:
    """Small counts (1 to 3 projects a week) once ticked at 0.5 of a project."""
    page = browser.page
    _open(page, marts.out / f"{slug}.html")
    charts = page.locator("figure.chart").evaluate_all("els => els.map(e => e.id)")
    if slug == "project-timeline":
        # A small project, drawn by the page's script.
        page.select_option("#project", ONE_COMMAND)
        charts.append("chart-project-drawn")
    ticks = {}
    for chart in charts:
        for axis in ("X", "Y"):
            described = page.locator(
                f"#{chart} [aria-roledescription='axis'][aria-label^='{axis}-axis']"
            )
            what = described.count() and described.first.get_attribute("aria-label")
            if what and "linear scale" in what and "share" not in what:
                ticks[chart, axis] = _axis_labels(page, f"#{chart}", axis)
    assert ticks, "a count axis on the page"
    fractions = {
        where: labels
        for where, labels in ticks.items()
        if not all(re.fullmatch(r"\d+", label) for label in labels)
    }
    assert fractions == {}
    _clean(browser)


def test_partial_weeks_are_marked(marts: Marts, browser: Browser) -> None:
    page = browser.page
    partial = _partial_weeks(marts)
    assert partial, "the marts' days start or end mid-week"
    for slug, chart in (
        ("active-projects", "#chart-active-projects"),
        ("command-mix", "#chart-command-mix"),
    ):
        _open(page, marts.out / f"{slug}.html")
        said = page.locator(".partial-week").all_text_contents()
        assert said == [f"{w} ({d} of 7 days)" for w, d in partial.items()]
        labels = _axis_labels(page, chart, "X")
        assert [label for label in labels if "partial" in label] == [
            f"{w} (partial)" for w in partial
        ]
        opacity = page.locator(f"{chart} [aria-roledescription='bar']").evaluate_all(
            "els => els.map(e => [e.getAttribute('aria-label'),"
            " e.getAttribute('opacity')])"
        )
        pale = {
            label.split(";")[0].split(": ")[1]
            for label, value in opacity
            if float(value) < 1
        }
        assert pale == set(partial)
    _clean(browser)


@pytest.mark.parametrize("slug", [p.slug for p in PAGES])
def test_no_chart_text_is_clipped(marts: Marts, browser: Browser, slug: str) -> None:
    """Every label of every chart inside its SVG, in a viewer's font 10% wider
    than the one vl-convert measured: the data quality chart's ``312647579
    (ga4)`` lost its first digit."""
    page = browser.page
    _open(page, marts.out / f"{slug}.html")
    page.add_style_tag(content="svg text { letter-spacing: 0.1em }")
    if slug == "project-timeline":
        page.select_option("#project", HOSTILE.project_ids[0])
        page.locator("#chart-project-drawn svg").wait_for()
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('svg')]
            .filter(svg => svg.checkVisibility())
            .flatMap(svg => {
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].filter(text => {
                    const r = text.getBoundingClientRect();
                    return r.width > 0 && (r.left < box.left || r.right > box.right
                        || r.top < box.top || r.bottom > box.bottom);
                }).map(text => text.textContent);
            })"""
    )
    assert clipped == []


def test_the_dropdown_lists_the_top_projects_readably(
    marts: Marts, browser: Browser
) -> None:
    page = browser.page
    _open(page, marts.out / "project-timeline.html")
    expected = _query(
        marts,
        "select c.project_id, min(c.activity_date), sum(c.command_count),"
        " d.event_sources"
        " from analytics_marts.fct_daily_project_commands as c"
        " join analytics_marts.dim_projects as d using (project_id)"
        " group by all order by 3 desc, 1",
    )
    assert any(commands == 1 for _, _, commands, _ in expected)
    options = page.locator("#project option").all_text_contents()
    assert options == [
        f"{pid[:8]} · first active {day} · {commands:,} command"
        f"{'s' * (commands != 1)} · {sources}"
        for pid, day, commands, sources in expected
    ]
    # The first is the one rendered, and its summary reads the same.
    shown = page.locator("section.project:visible")
    assert shown.locator("h2").text_content() == expected[0][0]
    assert shown.locator(".summary").text_content() == options[0].split(" · ", 1)[1]
    page.select_option("#project", ONE_COMMAND)
    summary = page.locator("section.project:visible .summary").text_content()
    assert summary == "first active 2022-07-01 · 1 command · ga"
    _clean(browser)


def test_the_drawn_chart_is_the_rendered_one(marts: Marts, browser: Browser) -> None:
    """The page's script draws any project as vl-convert rendered the top one:
    the same bars, ticks and legend."""
    page = browser.page
    _open(page, marts.out / "project-timeline.html")
    drawn = page.evaluate(
        """() => {
            const id = document.getElementById('project-default').dataset.project;
            const figure = document.createElement('figure');
            figure.id = 'drawn-top';
            figure.append(drawTimeline(timeline.projects.find(p => p[0] === id)));
            document.body.append(figure);
        }"""
    )
    assert drawn is None
    for part in (_bars, _legend):
        assert part(page, "#drawn-top") == part(page, "#chart-project")
    for axis in ("X", "Y"):
        assert _axis_labels(page, "#drawn-top", axis) == _axis_labels(
            page, "#chart-project", axis
        )
    _clean(browser)


def test_the_command_mix_names_the_series_it_shows(
    marts: Marts, browser: Browser
) -> None:
    """Its sentence named elt, run, invoke and the rest; its legend had 14."""
    page = browser.page
    _open(page, marts.out / "command-mix.html")
    top, rest = _commands_ranked(marts)
    assert _legend(page, "#chart-command-mix") == [*top, "other commands"]
    assert _series_named(page) == [*top, "other commands"]
    others = page.locator("#command-mix-series code.other").all_text_contents()
    assert others == sorted(rest)
    _clean(browser)


def test_the_pages_state_the_activation_rule(marts: Marts, browser: Browser) -> None:
    """Blue is not "once Snowplow saw the project": Snowplow's counts start at
    the first week its executions reached GA's (int_projects_activated)."""
    page = browser.page
    _open(page, marts.out / "project-timeline.html")
    rule = " ".join(page.locator("#activation-rule").inner_text().split())
    assert (
        "The activation week is the first week in which the project's Snowplow"
        " executions reached its GA events of that week."
    ) in rule
    assert "Snowplow executions before that week are not counted" in rule
    for slug in ("project-timeline", "plugin-usage", "active-projects"):
        _open(page, marts.out / f"{slug}.html")
        assert "once Snowplow did" not in page.locator("body").inner_text()


def test_ui_usage_page(marts: Marts, browser: Browser) -> None:
    """Projects using the UI next to CLI-only ones per month, and the screens."""
    page = browser.page
    _open(page, marts.out / "ui-usage.html")
    months = _query(
        marts,
        "select strftime(activity_month, '%Y-%m-%d'), active_projects,"
        " active_ui_projects, cli_only_projects, screens_used"
        " from analytics_marts.fct_ui_monthly_adoption"
        " where has_ui_data order by 1",
    )
    assert any(ui for _, _, ui, _, _ in months)
    assert any(cli for _, _, _, cli, _ in months)
    rows = page.locator("#ui-months tr[data-month]")
    assert rows.count() == len(months)
    for month, active, ui, cli, screens in months:
        row = page.locator(f"#ui-months tr[data-month='{month}']")
        assert row.locator("td.active").text_content() == str(active)
        assert row.locator("td.ui").text_content() == str(ui)
        assert row.locator("td.cli-only").text_content() == str(cli)
        assert row.locator("td.screens").text_content() == str(screens)
    assert sorted(_legend(page, "#chart-ui-projects")) == ["CLI only", "used the UI"]
    # A bar per month for each of the two (an empty one when 0).
    bars = page.locator("#chart-ui-projects [aria-roledescription='bar']")
    assert bars.count() == 2 * len(months)
    # Screens by projects overall; a typed URL is no screen.
    screens = _query(
        marts,
        "select page_route, count(distinct project_id) as projects,"
        " count(distinct activity_month)"
        " from analytics_marts.fct_ui_daily_route_usage"
        " where not is_unknown_route group by all order by projects desc, 1",
    )
    shown = page.locator("#ui-screens tr[data-screen]").evaluate_all(
        "els => els.map(e => [e.dataset.screen,"
        " e.querySelector('.projects').textContent])"
    )
    assert shown == [[screen, str(projects)] for screen, projects, _ in screens]
    assert "(unknown)" not in page.locator("#ui-screens").inner_text()
    cells = page.locator("#chart-ui-screens [aria-roledescription='rect mark']")
    assert cells.count() == sum(count for _, _, count in screens)
    _clean(browser)
    _screenshot(page, "ui-usage")
