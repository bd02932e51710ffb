"""Query the marts, render each chart to SVG, write one HTML file per page."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vl_convert

from ga_report.warehouse import QueryError, ReportError, Rows, Warehouse

#: Runs one SQL statement against the marts' schema.
Query = Callable[[str], Rows]

#: Colours shared by every chart, so GA and Snowplow look the same everywhere.
SOURCE_SCALE = {"domain": ["ga", "snowplow"], "range": ["#e45756", "#4c78a8"]}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #222; }
nav a { margin-right: 1rem; }
p.source { color: #555; font-size: 0.9rem; }
.error { border: 2px solid #c00; background: #fee; padding: 1rem; }
.note { border-left: 4px solid #999; padding-left: 1rem; color: #444; }
figure { margin: 1rem 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }
"""


@dataclass(frozen=True)
class Page:
    """One page: its file, title, the marts it reads and the function that writes it."""

    slug: str
    title: str
    body: Callable[[Query], str]
    marts: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """The pages written (index first) and, per page title, the marts it lacked."""

    pages: list[Path]
    missing_marts: dict[str, list[str]]


def _tables(query: Query) -> set[str]:
    """The tables and views in the marts' schema, lower case."""
    rows = query(
        "select lower(table_name) as name from information_schema.tables"
        " where lower(table_schema) = lower(current_schema())"
    )
    return {row["name"] for row in rows}


def _chart(spec: dict[str, Any], rows: Rows, chart_id: str) -> str:
    """A Vega-Lite spec over ``rows``, as an inline SVG figure.

    No rows is shown as an error box rather than an empty chart, so a page
    never looks fine while showing nothing.
    """
    if not rows:
        return (
            f'<div class="error" id="{chart_id}">'
            "No rows in the mart for this chart.</div>"
        )
    full = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 720,
        "height": 280,
        # Room for the legend: Chromium's fonts run wider than vl-convert's.
        "padding": {"left": 5, "top": 5, "bottom": 5, "right": 40},
        "data": {"values": rows},
        **spec,
    }
    svg = vl_convert.vegalite_to_svg(full)
    return f'<figure class="chart" id="{chart_id}">{svg}</figure>'


def _week_axis(weeks: list[str] | None = None) -> dict[str, Any]:
    """The x axis of ISO weeks; ``weeks`` pins the domain so gaps stay visible."""
    axis = {"field": "week", "type": "ordinal", "title": "week (Monday)",
            "axis": {"labelAngle": -45}}  # fmt: skip
    if weeks:
        axis["scale"] = {"domain": weeks}
    return axis


def _mondays(first: str, last: str) -> list[str]:
    """Every Monday from the week of ``first`` to the week of ``last``."""
    start = dt.date.fromisoformat(first)
    start -= dt.timedelta(days=start.weekday())
    end = dt.date.fromisoformat(last)
    return [
        (start + dt.timedelta(weeks=n)).isoformat()
        for n in range((end - start).days // 7 + 1)
    ]


def _source_color() -> dict[str, Any]:
    return {"field": "source", "type": "nominal", "title": "counted by",
            "scale": SOURCE_SCALE}  # fmt: skip


def _activation_rule(week: str, label: str, x: dict[str, Any]) -> list[dict[str, Any]]:
    """A dashed rule and label at one week: the layers to add to a bar chart."""
    data = {"values": [{"week": week, "label": label}]}
    return [
        {"data": data, "mark": {"type": "rule", "strokeDash": [4, 3], "size": 2},
         "encoding": {"x": x}},
        {"data": data, "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6,
                                "fontWeight": "bold"},
         "encoding": {"x": x, "text": {"field": "label"},
                      "y": {"value": 0}}},
    ]  # fmt: skip


def _sentence(what: str, source: str) -> str:
    return f"<p>{what}</p><p class='source'>Source: {source}</p>"


def active_projects(query: Query) -> str:
    """Active projects per week, stacked by the source that counted them."""
    rows = query(
        """
        select date_trunc('week', activity_date)::date as week,
               event_source as source,
               count(distinct project_id) as projects
        from fct_daily_project_commands
        group by all order by week, source
        """,
    )
    by_week: dict[str, dict[str, int]] = {}
    for row in rows:
        by_week.setdefault(row["week"], {})[row["source"]] = row["projects"]
    crossover = next(
        (w for w, n in by_week.items() if n.get("snowplow", 0) > n.get("ga", 0)),
        None,
    )
    spec: dict[str, Any] = {
        "layer": [
            {"mark": "bar",
             "encoding": {"x": _week_axis(),
                          "y": {"field": "projects", "type": "quantitative",
                                "title": "active projects", "stack": "zero"},
                          "color": _source_color(),
                          "tooltip": [{"field": "week"}, {"field": "source"},
                                      {"field": "projects"}]}},
        ]
    }  # fmt: skip
    marker = ""
    if crossover:
        spec["layer"] += _activation_rule(crossover, "Snowplow era", _week_axis())
        marker = (
            f" The dashed line marks <strong id='crossover'>{crossover}</strong>,"
            " the first week Snowplow counted more projects than GA."
        )
    return _sentence(
        "How many projects ran Meltano each week, across both telemetry eras:"
        " red bars are projects GA counted (before their move to Snowplow),"
        " blue bars projects Snowplow counted (from their activation on). A"
        " project that moved mid-week is in both bars that week." + marker,
        "<code>fct_daily_project_commands</code>: distinct"
        " <code>project_id</code> per ISO week of <code>activity_date</code>"
        " and <code>event_source</code>.",
    ) + _chart(spec, rows, "chart-active-projects")


def project_timeline(query: Query) -> str:
    """One project's weekly GA and Snowplow commands, with its activation week.

    Every project's chart is rendered; the dropdown (or ``?project=<uuid>``)
    shows one, so the page needs no server.
    """
    weekly = query(
        """
        select project_id, date_trunc('week', activity_date)::date as week,
               event_source as source, sum(command_count) as commands
        from fct_daily_project_commands
        group by all order by project_id, week, source
        """,
    )
    projects = query(
        """
        select d.project_id, d.event_sources,
               date_trunc('week', d.snowplow_activation_date)::date
                   as activation_week,
               sum(c.command_count) as commands
        from dim_projects as d
        inner join fct_daily_project_commands as c
            on d.project_id = c.project_id
        group by all order by commands desc, d.project_id
        """,
    )
    if not projects:
        return _chart({}, [], "chart-project")
    per_project: dict[str, Rows] = {}
    for row in weekly:
        per_project.setdefault(row["project_id"], []).append(row)
    options, panels = [], []
    for project in projects:
        pid = html.escape(project["project_id"])
        week = project["activation_week"]
        options.append(
            f'<option value="{pid}">{pid} ({html.escape(project["event_sources"])},'
            f" {project['commands']} commands)</option>"
        )
        rows = per_project[project["project_id"]]
        # Every week of the project's life, so a gap between eras shows.
        x = _week_axis(_mondays(rows[0]["week"], rows[-1]["week"]))
        layers: list[dict[str, Any]] = [
            {"mark": "bar",
             "encoding": {"x": x,
                          "y": {"field": "commands", "type": "quantitative",
                                "title": "commands", "stack": "zero"},
                          "color": _source_color(),
                          "tooltip": [{"field": "week"}, {"field": "source"},
                                      {"field": "commands"}]}},
        ]  # fmt: skip
        if week:
            layers += _activation_rule(week, "activation", x)
        activation = (
            f"Snowplow activation week: <strong class='activation'>{week}</strong>."
            if week
            else "<strong class='activation'>No Snowplow activation</strong>."
        )
        panels.append(
            f'<section class="project" data-project="{pid}" hidden>'
            f"<h2>{pid}</h2><p>{activation}</p>"
            + _chart({"layer": layers}, rows, f"chart-project-{pid}")
            + "</section>"
        )
    script = """
<script>
const select = document.getElementById('project');
function show(id) {
  for (const s of document.querySelectorAll('section.project')) {
    s.hidden = s.dataset.project !== id;
  }
}
const wanted = new URLSearchParams(location.search).get('project');
if (wanted && [...select.options].some(o => o.value === wanted)) select.value = wanted;
select.addEventListener('change', () => {
  history.replaceState(null, '', '?project=' + select.value);
  show(select.value);
});
show(select.value);
</script>"""
    return (
        _sentence(
            "One project's weekly commands: red while GA counted it, blue once"
            " Snowplow did, the dashed line at its Snowplow activation week."
            " Pick a project below, or open this page with"
            " <code>?project=&lt;project_id&gt;</code>. Projects are listed"
            " by their total commands.",
            "<code>fct_daily_project_commands</code> (<code>command_count</code>"
            " per ISO week and <code>event_source</code>) and"
            " <code>dim_projects.snowplow_activation_date</code>.",
        )
        + '<label for="project">Project: </label><select id="project">'
        + "".join(options)
        + "</select>"
        + "".join(panels)
        + script
    )


def command_mix(query: Query) -> str:
    """The share of each ``meltano <command>`` per week."""
    rows = query(
        """
        select date_trunc('week', activity_date)::date as week,
               cli_command as command, sum(command_count) as commands
        from fct_daily_project_commands
        group by all order by week, command
        """,
    )
    spec = {
        "mark": "bar",
        "encoding": {
            "x": _week_axis(),
            "y": {"field": "commands", "type": "quantitative",
                  "stack": "normalize", "title": "share of commands",
                  "axis": {"format": "%"}},
            "color": {"field": "command", "type": "nominal",
                      "title": "meltano <command>",
                      "scale": {"scheme": "tableau20"}},
            "tooltip": [{"field": "week"}, {"field": "command"},
                        {"field": "commands"}],
        },
    }  # fmt: skip
    return _sentence(
        "Which commands projects run: each bar is one week's commands, split"
        " by <code>meltano elt</code>, <code>run</code>, <code>invoke</code>"
        " and the rest, GA-era and Snowplow-era counts together.",
        "<code>fct_daily_project_commands</code>: <code>command_count</code>"
        " per ISO week of <code>activity_date</code> and"
        " <code>cli_command</code>.",
    ) + _chart(spec, rows, "chart-command-mix")


def data_quality(query: Query) -> str:
    """GA rows without a project_id per week, and how project ids were found."""
    weekly = query(
        """
        select date_trunc('week', event_date)::date as week,
               sum(rows_without_project_id)::bigint as rows_without_project_id,
               sum(ga_rows)::bigint as ga_rows
        from fct_ga_legacy_daily_coverage
        group by all order by week
        """,
    )
    sources = query(
        """
        select project_id_source, count(*) as projects
        from dim_projects
        where has_ga_events
        group by all order by projects desc, project_id_source
        """,
    )
    missing = sum(r["rows_without_project_id"] for r in weekly)
    total = sum(r["ga_rows"] for r in weekly)
    weekly_spec = {
        "mark": "bar",
        "encoding": {
            "x": _week_axis(),
            "y": {"field": "rows_without_project_id", "type": "quantitative",
                  "title": "GA rows without project_id"},
            "color": {"value": "#e45756"},
            "tooltip": [{"field": "week"}, {"field": "rows_without_project_id"},
                        {"field": "ga_rows"}],
        },
    }  # fmt: skip
    sources_spec = {
        "height": 60,
        "mark": "bar",
        "encoding": {
            "x": {"field": "projects", "type": "quantitative",
                  "stack": "normalize", "title": "share of GA projects",
                  "axis": {"format": "%"}},
            "color": {"field": "project_id_source", "type": "nominal",
                      "title": "project_id_source"},
            "tooltip": [{"field": "project_id_source"}, {"field": "projects"}],
        },
    }  # fmt: skip
    share = f"{missing / total:.1%}" if total else "n/a"
    return (
        _sentence(
            "How much of the GA data could not be tied to a project:"
            f" <strong id='rows-without-project-id'>{missing}</strong> of"
            f" {total} GA rows ({share}) have no project_id; each bar is one"
            " week's count.",
            "<code>fct_ga_legacy_daily_coverage</code>:"
            " <code>rows_without_project_id</code> and <code>ga_rows</code>"
            " summed per ISO week of <code>event_date</code>.",
        )
        + _chart(weekly_spec, weekly, "chart-rows-without-project-id")
        + _sentence(
            "How the GA projects got their project_id: the UUID in the event"
            " label, in custom dimension 1, or derived from a non-UUID id.",
            "<code>dim_projects.project_id_source</code>, projects with"
            " <code>has_ga_events</code>.",
        )
        + _chart(sources_spec, sources, "chart-project-id-source")
        + _window_days(query)
    )


#: How many plugins the plugin-usage page shows, by projects over all time.
TOP_PLUGINS = 10


def _months(first: str, last: str) -> list[str]:
    """Every first-of-month from the month of ``first`` to that of ``last``."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        months.append(f"{year:04d}-{month:02d}-01")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def plugin_usage(query: Query) -> str:
    """The top MeltanoHub plugins by projects per month, stacked by era.

    Only Hub plugins are named: a custom or inherited plugin is a SHA-256
    in the marts and stays out of the page.
    """
    rows = query(
        f"""
        with plugins as (
            select f.project_id, f.activity_date, f.event_source,
                   d.plugin_name
            from fct_plugin_executions as f
            inner join dim_plugins as d on f.plugin_key = d.plugin_key
            where d.is_hub_plugin
        ),
        top_plugins as (
            select plugin_name, count(distinct project_id) as total_projects
            from plugins
            group by plugin_name
            order by total_projects desc, plugin_name
            limit {TOP_PLUGINS}
        )
        select date_trunc('month', p.activity_date)::date as month,
               p.plugin_name as plugin, p.event_source as source,
               t.total_projects,
               count(distinct p.project_id) as projects
        from plugins as p
        inner join top_plugins as t on p.plugin_name = t.plugin_name
        group by all
        order by t.total_projects desc, plugin, month, source
        """  # noqa: S608 - TOP_PLUGINS is a constant
    )
    intro = _sentence(
        f"Which MeltanoHub plugins most projects use: the {TOP_PLUGINS} plugins"
        " named by the most projects' commands over the whole history, each"
        " with its projects per month, red while GA counted the project,"
        " blue once Snowplow did. A project that moved mid-month is in both"
        " parts of that month. Custom and inherited plugins are known only by"
        " their SHA-256 and are left out.",
        "<code>fct_plugin_executions</code> joined to <code>dim_plugins</code>"
        " (<code>is_hub_plugin</code>): distinct <code>project_id</code> per"
        " <code>plugin_name</code>, month of <code>activity_date</code> and"
        " <code>event_source</code>.",
    )
    if not rows:
        return intro + _chart({}, [], "chart-plugin-usage")
    months = _months(min(r["month"] for r in rows), max(r["month"] for r in rows))
    by_plugin: dict[str, Rows] = {}
    for row in rows:
        by_plugin.setdefault(row["plugin"], []).append(row)
    charts = []
    for rank, (plugin, plugin_rows) in enumerate(by_plugin.items(), start=1):
        spec = {
            "height": 90,
            "title": f"{plugin} ({plugin_rows[0]['total_projects']} projects)",
            "mark": "bar",
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": "month",
                      "scale": {"domain": months}, "axis": {"labelAngle": -45}},
                "y": {"field": "projects", "type": "quantitative",
                      "title": "projects", "stack": "zero"},
                "color": _source_color(),
                "tooltip": [{"field": "plugin"}, {"field": "month"},
                            {"field": "source"}, {"field": "projects"}],
            },
        }  # fmt: skip
        charts.append(
            f'<section class="plugin" data-plugin="{html.escape(plugin)}">'
            + _chart(spec, plugin_rows, f"chart-plugin-usage-{rank}")
            + "</section>"
        )
    return intro + "".join(charts) + hub_badges(query)


def hub_badges(query: Query) -> str:
    """MeltanoHub's two badges for the top plugins, for the mart's as_of.

    The rows variant_metrics.yml carries (``is_published``): what each Hub
    page shows as "Projects (Last 3 Months)" and "Total Executions (Last 3
    Months)". Hub names and variants only, in the clear by design.
    """
    rows = query(
        f"""
        select name, variant, plugin_type, all_projects, all_execs,
               as_of_date, window_start_date
        from fct_hub_variant_metrics
        where is_published and all_projects > 0
        order by all_projects desc, all_execs desc, name, variant
        limit {TOP_PLUGINS}
        """  # noqa: S608 - TOP_PLUGINS is a constant
    )
    as_of = query("select max(as_of_date) as as_of_date from fct_hub_variant_metrics")
    day = as_of[0]["as_of_date"] if as_of else None
    heading = (
        f"<h2 id='hub-badges-title'>MeltanoHub's badges as of {day}</h2>"
        if day
        else "<h2 id='hub-badges-title'>MeltanoHub's badges: no as_of</h2>"
    )
    intro = _sentence(
        f"What MeltanoHub shows on the pages of the {TOP_PLUGINS} variants with"
        " the most projects: projects that executed the variant (run, elt,"
        " invoke) and its executions, in the three months up to as_of,"
        " Snowplow's per-variant counts, projects that are not ephemeral or"
        " opted out only (docs/hub-metrics.md). The same figures as"
        " variant_metrics.yml for that day.",
        "<code>fct_hub_variant_metrics</code> (<code>is_published</code>):"
        " <code>all_projects</code>, <code>all_execs</code> for"
        " <code>as_of_date</code> (dbt var <code>hub_metrics_as_of</code>).",
    )
    if not rows:
        return heading + intro + "<p class='note'>No Hub variant was executed.</p>"
    body = "".join(
        f"<tr><td>{html.escape(r['name'])}</td><td>{html.escape(r['variant'])}</td>"
        f"<td>{html.escape(r['plugin_type'])}</td><td>{r['all_projects']}</td>"
        f"<td>{r['all_execs']}</td></tr>"
        for r in rows
    )
    window = f"{rows[0]['window_start_date']}..{rows[0]['as_of_date']}"
    return (
        heading
        + intro
        + f"<table id='hub-badges' data-as-of='{day}' data-window='{window}'>"
        "<tr><th>plugin</th><th>variant</th><th>type</th>"
        "<th>Projects (Last 3 Months)</th>"
        "<th>Total Executions (Last 3 Months)</th></tr>" + body + "</table>"
    )


def feature_adoption(query: Query) -> str:
    """The share of monthly active projects that used each feature."""
    rows = query(
        """
        with active as (
            select project_id, activity_month as month
            from fct_active_projects
            where is_monthly_active
        ),
        active_counts as (
            select month, count(*) as active_projects from active group by month
        ),
        used as (
            select distinct project_id, feature,
                   date_trunc('month', activity_date)::date as month
            from fct_feature_usage
        )
        select a.month, u.feature, c.active_projects,
               count(distinct u.project_id) as projects
        from active as a
        inner join used as u
            on a.project_id = u.project_id and a.month = u.month
        inner join active_counts as c on a.month = c.month
        group by all
        order by a.month, u.feature
        """
    )
    for row in rows:
        row["share"] = row["projects"] / row["active_projects"]
    spec = {
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "month",
                  "axis": {"labelAngle": -45}},
            "y": {"field": "share", "type": "quantitative",
                  "title": "share of monthly active projects",
                  "axis": {"format": "%"}},
            "color": {"field": "feature", "type": "nominal", "title": "feature",
                      "scale": {"scheme": "tableau10"}},
            "tooltip": [{"field": "month"}, {"field": "feature"},
                        {"field": "projects"}, {"field": "active_projects"},
                        {"field": "share", "format": ".1%"}],
        },
    }  # fmt: skip
    table = "".join(
        f"<tr data-month='{html.escape(str(r['month']))}'"
        f" data-feature='{html.escape(r['feature'])}'>"
        f"<td>{html.escape(str(r['month']))}</td><td>{html.escape(r['feature'])}</td>"
        f"<td class='projects'>{r['projects']}</td>"
        f"<td class='active'>{r['active_projects']}</td>"
        f"<td class='share'>{r['share']:.1%}</td></tr>"
        for r in rows
    )
    return (
        _sentence(
            "How widely each feature is used: of the projects active in a"
            " month (the handbook's monthly active projects: an execution in"
            " the month and active at its end, both eras), the share that used"
            " the feature that month. GA-era months cannot show plugin"
            " inheritance or interactive config (GA never said).",
            "<code>fct_feature_usage</code> (projects per <code>feature</code>"
            " and month of <code>activity_date</code>) over"
            " <code>fct_active_projects</code> (<code>is_monthly_active</code>"
            " per <code>activity_month</code>).",
        )
        + _chart(spec, rows, "chart-feature-adoption")
        + "<table id='feature-adoption'><tr><th>month</th><th>feature</th>"
        "<th>projects</th><th>active projects</th><th>share</th></tr>"
        + table
        + "</table>"
    )


#: The proof per day (tap-ga-legacy's report_windows, issue 11).
WINDOW_DAYS_MART = "fct_ga_legacy_report_window_days"


def _window_days(query: Query) -> str:
    """Sampled, non-final and reconciled days per property, once the mart has rows.

    Without the mart (a warehouse older than the report_windows stream) or
    with an empty one, a note says why the section is missing.
    """
    rows = (
        query(
            f"""
            select property_id, api, count(*) as days,
                   sum(case when is_sampled then 1 else 0 end) as sampled_days,
                   sum(case when is_final then 0 else 1 end) as non_final_days,
                   sum(case when is_reconciled then 1 else 0 end)
                       as reconciled_days,
                   sum(case when is_complete then 0 else 1 end)
                       as incomplete_days,
                   min(report_day) as first_day, max(report_day) as last_day
            from {WINDOW_DAYS_MART}
            group by property_id, api order by property_id, api
            """  # noqa: S608
        )
        if WINDOW_DAYS_MART in _tables(query)
        else []
    )
    if not rows:
        return (
            "<p class='note' id='window-days-missing'>No per-day proof yet:"
            f" <code>{WINDOW_DAYS_MART}</code> has no rows (the tap's"
            " <code>report_windows</code> stream has not been loaded).</p>"
        )
    columns = (
        ("property_id", "property"), ("api", "API"), ("days", "days"),
        ("sampled_days", "sampled"), ("non_final_days", "not final"),
        ("reconciled_days", "reconciled"), ("incomplete_days", "incomplete"),
        ("first_day", "from"), ("last_day", "to"),
    )  # fmt: skip
    head = "".join(f"<th>{label}</th>" for _, label in columns)
    body = "".join(
        f"<tr data-property='{html.escape(str(row['property_id']))}'>"
        + "".join(
            f"<td class='{name}'>{html.escape(str(row[name]))}</td>"
            for name, _ in columns
        )
        + "</tr>"
        for row in rows
    )
    measures = [
        {"property": f"{row['property_id']} ({row['api']})", "days": row[name],
         "measure": label}
        for row in rows
        for name, label in (("sampled_days", "sampled"),
                            ("non_final_days", "not final"),
                            ("reconciled_days", "reconciled"))
    ]  # fmt: skip
    spec = {
        "mark": "bar",
        "encoding": {
            "y": {"field": "property", "type": "nominal", "title": None},
            "yOffset": {"field": "measure"},
            "x": {"field": "days", "type": "quantitative", "title": "days"},
            "color": {"field": "measure", "type": "nominal", "title": None,
                      "scale": {"domain": ["sampled", "not final", "reconciled"],
                                "range": ["#e45756", "#f58518", "#54a24b"]}},
            "tooltip": [{"field": "property"}, {"field": "measure"},
                        {"field": "days"}],
        },
    }  # fmt: skip
    return (
        _sentence(
            "Whether GA's answer can be trusted, day by day: of the days the"
            " tap's report windows cover, how many came from a sampled"
            " report, how many GA may still change (not final: pulled again"
            " by the next run), and how many are reconciled (GA's total equals"
            " the rows loaded). Incomplete days had <code>(other)</code> rows"
            " or thresholding.",
            f"<code>{WINDOW_DAYS_MART}</code>: <code>is_sampled</code>,"
            " <code>is_final</code>, <code>is_reconciled</code> and"
            " <code>is_complete</code> counted per <code>property_id</code>;"
            " each day described by the latest pull covering it.",
        )
        + f"<table id='window-days'><tr>{head}</tr>{body}</table>"
        + _chart(spec, measures, "chart-window-days")
    )


PAGES = (
    Page("active-projects", "Active projects per week", active_projects,
         ("fct_daily_project_commands",)),
    Page("project-timeline", "One project's timeline", project_timeline,
         ("fct_daily_project_commands", "dim_projects")),
    Page("command-mix", "Command mix over time", command_mix,
         ("fct_daily_project_commands",)),
    Page("data-quality", "Data quality", data_quality,
         ("fct_ga_legacy_daily_coverage", "dim_projects")),
    Page("plugin-usage", "Plugin usage per month", plugin_usage,
         ("fct_plugin_executions", "dim_plugins", "fct_hub_variant_metrics")),
    Page("feature-adoption", "Feature adoption", feature_adoption,
         ("fct_feature_usage", "fct_active_projects")),
)  # fmt: skip


def _missing_note(missing: list[str]) -> str:
    names = ", ".join(f"<code>{html.escape(name)}</code>" for name in missing)
    return (
        f"<p class='note' id='marts-missing'>Not in this warehouse yet: {names}."
        " dbt has not built them here (a warehouse older than these marts, or"
        " a build that stopped early); <code>meltano run dbt-duckdb:build</code>"
        " (or <code>dbt-snowflake:build</code>) adds them.</p>"
    )


def _html(title: str, body: str) -> str:
    nav = "".join(f'<a href="{p.slug}.html">{html.escape(p.title)}</a>' for p in PAGES)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><nav><a href='index.html'>Index</a>{nav}</nav>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def build_report(warehouse: Warehouse, out_dir: Path) -> Report:
    """Write the report's pages for the marts in ``warehouse``.

    A page whose marts are missing says so instead of its charts (a warehouse
    dbt built before those marts existed still gets the rest).

    Raises:
        ReportError: none of the marts is there (the wrong schema or database?)
            or the warehouse refused a query.
    """
    try:
        tables = _tables(warehouse.query)
    except QueryError as exc:
        msg = f"cannot list the marts in {warehouse.where}: {exc}"
        raise ReportError(msg) from exc
    if not any(mart in tables for page in PAGES for mart in page.marts):
        msg = f"no dbt mart in {warehouse.where} (has dbt built the marts?)"
        raise ReportError(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    incomplete = {}
    for page in PAGES:
        missing = [mart for mart in page.marts if mart not in tables]
        try:
            body = _missing_note(missing) if missing else page.body(warehouse.query)
        except QueryError as exc:
            msg = f"{page.title}: {exc} (has dbt built the marts?)"
            raise ReportError(msg) from exc
        if missing:
            incomplete[page.title] = missing
        path = out_dir / f"{page.slug}.html"
        path.write_text(_html(page.title, body), encoding="utf-8")
        written.append(path)
    links = "".join(
        f'<li><a href="{p.slug}.html">{html.escape(p.title)}</a></li>' for p in PAGES
    )
    index = out_dir / "index.html"
    index.write_text(
        _html(
            "Meltano telemetry, both eras",
            f"<p>{len(PAGES)} pages, each answering one question from the dbt marts"
            f" in {html.escape(warehouse.where)}.</p><ul>{links}</ul>",
        ),
        encoding="utf-8",
    )
    return Report(pages=[index, *written], missing_marts=incomplete)
