"""Query the marts, render each chart to SVG, write one HTML file per page.

Every page is a Jinja2 template with autoescape on (``templates/``, one base
layout): project ids, commands and plugin names are text anyone could send
GA, so nothing from a mart is ever written as markup. The one piece of markup
taken as it comes is vl-convert's SVG, in ``_chart``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import vl_convert
from markupsafe import Markup

from ga_report.warehouse import QueryError, ReportError, Rows, Warehouse

#: Runs one SQL statement against the marts' schema.
Query = Callable[[str], Rows]

#: Colours shared by every chart, so GA and Snowplow look the same everywhere.
SOURCE_SCALE = {"domain": ["ga", "snowplow"], "range": ["#e45756", "#4c78a8"]}

#: How pale a bar of a partial week is (its week holds fewer days of data).
PARTIAL_OPACITY = 0.4


def _plural(count: int, noun: str) -> str:
    """``1 command``, ``2 commands``, ``1,503 commands``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("ga_report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["plural"] = _plural
# The project page's data is its bulk: no spaces after separators.
ENV.policies["json.dumps_kwargs"] = {"separators": (",", ":")}
ENV.filters["percent"] = "{:.1%}".format


@dataclass(frozen=True)
class Chart:
    """One chart of a page: its element id, and its SVG (None: the mart had no rows)."""

    id: str
    svg: Markup | None


@dataclass(frozen=True)
class Page:
    """One page: its file, title, the marts it reads and what its template shows.

    ``context`` queries the marts and returns the variables of
    ``templates/<slug>.html.j2``.
    """

    slug: str
    title: str
    context: Callable[[Marts], dict[str, Any]]
    marts: tuple[str, ...]


@dataclass(frozen=True)
class Marts:
    """The marts' schema: called with SQL, it runs it (a ``Query``).

    ``tables`` are the tables and views there, listed once per report: which
    pages can be drawn, and which optional sections.
    """

    query: Query
    tables: frozenset[str]

    def __call__(self, sql: str) -> Rows:
        """The rows of one statement."""
        return self.query(sql)


@dataclass(frozen=True)
class Report:
    """The pages written (index first) and, per page title, the marts it lacked."""

    pages: list[Path]
    missing_marts: dict[str, list[str]]


@dataclass(frozen=True)
class Weeks:
    """The ISO weeks from a mart's first day to its last, Mondays as ISO dates.

    The first week is partial when the first day is not a Monday, the last one
    when the last day is not a Sunday: ``partial`` holds their days of data,
    so their bars are drawn pale and their axis labels say so, rather than
    looking like a drop.
    """

    mondays: list[str]
    partial: dict[str, int]

    def days(self, monday: str) -> int:
        """The days of data in the week of ``monday``: 7 unless it is partial."""
        return self.partial.get(monday, 7)


def _weeks(query: Query, mart: str, column: str) -> Weeks:
    """The weeks of ``mart`` from the first to the last day of ``column``."""
    (span,) = query(
        f"select min({column}) as first_day, max({column}) as last_day"  # noqa: S608 - constants
        f" from {mart}"
    )
    if span["first_day"] is None:
        return Weeks([], {})
    first = dt.date.fromisoformat(span["first_day"])
    last = dt.date.fromisoformat(span["last_day"])
    mondays = _mondays(span["first_day"], span["last_day"])
    partial = {}
    for monday in {mondays[0], mondays[-1]}:
        start = dt.date.fromisoformat(monday)
        end = start + dt.timedelta(days=6)
        days = (min(end, last) - max(start, first)).days + 1
        if days < 7:
            partial[monday] = days
    return Weeks(mondays, dict(sorted(partial.items())))


def _mondays(first: str, last: str) -> list[str]:
    """Every Monday from the week of ``first`` to the week of ``last``."""
    start = dt.date.fromisoformat(first)
    start -= dt.timedelta(days=start.weekday())
    end = dt.date.fromisoformat(last)
    return [
        (start + dt.timedelta(weeks=n)).isoformat()
        for n in range((end - start).days // 7 + 1)
    ]


def _tables(query: Query) -> frozenset[str]:
    """The tables and views in the marts' schema, lower case."""
    rows = query(
        "select lower(table_name) as name from information_schema.tables"
        " where lower(table_schema) = lower(current_schema())"
    )
    return frozenset(row["name"] for row in rows)


def _chart(spec: dict[str, Any], rows: Rows, chart_id: str) -> Chart:
    """A Vega-Lite spec over ``rows``, rendered to SVG.

    No rows is shown as an error box rather than an empty chart, so a page
    never looks fine while showing nothing.
    """
    if not rows:
        return Chart(chart_id, None)
    full = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 720,
        "height": 280,
        # Room for the axis labels and the legend: Chromium's fonts run wider
        # than vl-convert's, and a label that does not fit is clipped.
        "padding": {"left": 40, "top": 5, "bottom": 5, "right": 40},
        "data": {"values": rows},
        **spec,
    }
    # The one trust point: vl-convert writes the SVG and escapes the marts'
    # text in it (the hostile-labels test checks every page).
    return Chart(chart_id, Markup(vl_convert.vegalite_to_svg(full)))  # noqa: S704 - the one trust point


def _count_ticks(largest: float) -> list[int]:
    """Tick values of a count axis from 0 to ``largest`` or above: whole numbers.

    Steps of 1, 2 or 5 times a power of ten, about five ticks; never a
    fraction of a command (Vega-Lite's own ticks split small counts). The
    project page's script (``project-timeline.js``) draws the same ticks.
    """
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if largest <= 5 * step:
                top = max(step, math.ceil(largest / step) * step)
                return list(range(0, top + 1, step))
        magnitude *= 10


def _count_axis(field: str, title: str, largest: float) -> dict[str, Any]:
    """A y encoding for counts, with whole-number ticks up to ``largest``."""
    ticks = _count_ticks(largest)
    return {"field": field, "type": "quantitative", "title": title,
            "stack": "zero", "scale": {"domain": [0, ticks[-1]]},
            "axis": {"values": ticks, "format": "d"}}  # fmt: skip


def _week_axis(weeks: Weeks, domain: list[str] | None = None) -> dict[str, Any]:
    """The x axis of ISO weeks; ``domain`` pins it so gaps stay visible.

    A partial week's label says ``(partial)``.
    """
    axis: dict[str, Any] = {"labelAngle": -45}
    if weeks.partial:
        # ISO dates only: nothing to escape in the expression.
        listed = ", ".join(f"'{monday}'" for monday in weeks.partial)
        axis["labelExpr"] = (
            f"indexof([{listed}], datum.value) >= 0"
            " ? datum.value + ' (partial)' : datum.value"
        )
    x = {"field": "week", "type": "ordinal", "title": "week (Monday)", "axis": axis}
    if domain:
        x["scale"] = {"domain": domain}
    return x


def _with_days(rows: Rows, weeks: Weeks) -> Rows:
    """``rows`` with each week's days of data, for the pale partial weeks."""
    return [{**row, "days": weeks.days(row["week"])} for row in rows]


#: Opacity of a bar: pale in a partial week (rows need ``days``, _with_days).
PARTIAL_WEEK = {
    "condition": {"test": "datum.days < 7", "value": PARTIAL_OPACITY},
    "value": 1,
}
DAYS_TOOLTIP = {"field": "days", "title": "days of data"}


def _stacked_largest(rows: Rows, key: str, value: str) -> int:
    """The tallest stack: the largest sum of ``value`` over rows sharing ``key``."""
    totals: Counter[Any] = Counter()
    for row in rows:
        totals[row[key]] += row[value]
    return max(totals.values(), default=0)


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


def active_projects(query: Query) -> dict[str, Any]:
    """Active projects per week, stacked by the source that counted them."""
    weeks = _weeks(query, "fct_daily_project_commands", "activity_date")
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
             "encoding": {"x": _week_axis(weeks),
                          "y": _count_axis("projects", "active projects",
                                           _stacked_largest(rows, "week",
                                                            "projects")),
                          "color": _source_color(),
                          "opacity": PARTIAL_WEEK,
                          "tooltip": [{"field": "week"}, {"field": "source"},
                                      {"field": "projects"}, DAYS_TOOLTIP]}},
        ]
    }  # fmt: skip
    if crossover:
        spec["layer"] += _activation_rule(crossover, "Snowplow era", _week_axis(weeks))
    return {
        "crossover": crossover,
        "weeks": weeks,
        "chart": _chart(spec, _with_days(rows, weeks), "chart-active-projects"),
    }


#: How many projects the project page's dropdown lists, by their commands;
#: any other project is found by its id (the page holds them all).
TOP_PROJECTS = 50


def _timeline_spec(rows: Rows, weeks: Weeks, activation: str | None) -> dict[str, Any]:
    """One project's weekly commands per source, every week of its life on the axis."""
    # Every week of the project's life, so a gap between eras shows.
    x = _week_axis(weeks, _mondays(rows[0]["week"], rows[-1]["week"]))
    layers: list[dict[str, Any]] = [
        {"mark": "bar",
         "encoding": {"x": x,
                      "y": _count_axis("commands", "commands",
                                       _stacked_largest(rows, "week", "commands")),
                      "color": _source_color(),
                      "opacity": PARTIAL_WEEK,
                      "tooltip": [{"field": "week"}, {"field": "source"},
                                  {"field": "commands"}, DAYS_TOOLTIP]}},
    ]  # fmt: skip
    if activation:
        layers += _activation_rule(activation, "activation", x)
    return {"layer": layers}


def project_timeline(query: Query) -> dict[str, Any]:
    """One project's weekly GA and Snowplow commands, with its activation week.

    The project with the most commands is rendered to SVG; every project's
    weekly counts are embedded as compact JSON, and the page's script draws
    any other one (``?project=<project_id>``, the dropdown of the top
    projects, or the search by id) with nothing fetched. One SVG per project
    made 3,000 projects a 25 MB page built in 322 s.
    """
    weeks = _weeks(query, "fct_daily_project_commands", "activity_date")
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
               min(c.activity_date) as first_day,
               sum(c.command_count) as commands
        from dim_projects as d
        inner join fct_daily_project_commands as c
            on d.project_id = c.project_id
        group by all order by commands desc, d.project_id
        """,
    )
    if not projects:
        return {"weeks": weeks, "default": None,
                "chart": _chart({}, [], "chart-project")}  # fmt: skip
    per_project: dict[str, Rows] = {}
    for row in weekly:
        per_project.setdefault(row["project_id"], []).append(row)
    index = {monday: n for n, monday in enumerate(weeks.mondays)}
    compact = []
    for project in projects:
        rows = per_project[project["project_id"]]
        first, last = index[rows[0]["week"]], index[rows[-1]["week"]]
        # [GA, Snowplow] per week of the project's life, flattened: the page's
        # bulk, so no keys.
        counts = [0] * (2 * (last - first + 1))
        for row in rows:
            counts[2 * (index[row["week"]] - first) + (row["source"] == "snowplow")] = (
                row["commands"]
            )
        compact.append(
            [project["project_id"], project["event_sources"], project["commands"],
             project["first_day"], project["activation_week"], first, counts]
        )  # fmt: skip
    default = projects[0]
    rows = per_project[default["project_id"]]
    spec = _timeline_spec(rows, weeks, default["activation_week"])
    return {
        "top": projects[:TOP_PROJECTS],
        "count": len(projects),
        "weeks": weeks,
        "default": default,
        "chart": _chart(spec, _with_days(rows, weeks), "chart-project"),
        "data": {"weeks": weeks.mondays, "partial": weeks.partial,
                 "projects": compact},
    }  # fmt: skip


#: The commands the command-mix page names, by commands over all weeks; the
#: others are one series.
TOP_COMMANDS = 3
OTHER_COMMANDS = "other commands"


def command_mix(query: Query) -> dict[str, Any]:
    """The share of the most-run ``meltano <command>`` per week, and the rest."""
    weeks = _weeks(query, "fct_daily_project_commands", "activity_date")
    rows = query(
        """
        select date_trunc('week', activity_date)::date as week,
               cli_command as command, sum(command_count) as commands
        from fct_daily_project_commands
        group by all order by week, command
        """,
    )
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row["command"]] += row["commands"]
    ranked = sorted(totals, key=lambda command: (-totals[command], command))
    top, rest = ranked[:TOP_COMMANDS], sorted(ranked[TOP_COMMANDS:])
    series = [*top, OTHER_COMMANDS] if rest else top
    mixed: Counter[tuple[str, str]] = Counter()
    for row in rows:
        command = row["command"] if row["command"] in top else OTHER_COMMANDS
        mixed[row["week"], command] += row["commands"]
    shares = [
        {"week": week, "command": command, "commands": commands}
        for (week, command), commands in mixed.items()
    ]
    colors = ["#4c78a8", "#f58518", "#54a24b"][: len(top)] + ["#bab0ac"] * bool(rest)
    spec = {
        "mark": "bar",
        "encoding": {
            "x": _week_axis(weeks),
            "y": {"field": "commands", "type": "quantitative",
                  "stack": "normalize", "title": "share of commands",
                  "axis": {"format": "%"}},
            "color": {"field": "command", "type": "nominal",
                      "title": "meltano <command>",
                      "scale": {"domain": series, "range": colors}},
            "order": {"field": "rank"},
            "opacity": PARTIAL_WEEK,
            "tooltip": [{"field": "week"}, {"field": "command"},
                        {"field": "commands"}, DAYS_TOOLTIP],
        },
    }  # fmt: skip
    for row in shares:
        row["rank"] = series.index(row["command"])
    return {
        "top": top,
        "rest": rest,
        "other": OTHER_COMMANDS,
        "weeks": weeks,
        "chart": _chart(spec, _with_days(shares, weeks), "chart-command-mix"),
    }


def data_quality(query: Marts) -> dict[str, Any]:
    """GA rows without a project_id per week, and how project ids were found."""
    weeks = _weeks(query, "fct_ga_legacy_daily_coverage", "event_date")
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
            "x": _week_axis(weeks),
            "y": _count_axis("rows_without_project_id", "GA rows without project_id",
                             max((r["rows_without_project_id"] for r in weekly),
                                 default=0)),
            "color": {"value": "#e45756"},
            "opacity": PARTIAL_WEEK,
            "tooltip": [{"field": "week"}, {"field": "rows_without_project_id"},
                        {"field": "ga_rows"}, DAYS_TOOLTIP],
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
    return {
        "missing": missing,
        "total": total,
        "share": f"{missing / total:.1%}" if total else "n/a",
        "weeks": weeks,
        "weekly": _chart(
            weekly_spec, _with_days(weekly, weeks), "chart-rows-without-project-id"
        ),
        "sources": _chart(sources_spec, sources, "chart-project-id-source"),
        "window_days": _window_days(query),
    }


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


def plugin_usage(query: Query) -> dict[str, Any]:
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
    context: dict[str, Any] = {"top": TOP_PLUGINS, "hub": hub_badges(query)}
    if not rows:
        return {**context, "plugins": [], "empty": _chart({}, [], "chart-plugin-usage")}
    months = _months(min(r["month"] for r in rows), max(r["month"] for r in rows))
    by_plugin: dict[str, Rows] = {}
    for row in rows:
        by_plugin.setdefault(row["plugin"], []).append(row)
    plugins = []
    for rank, (plugin, plugin_rows) in enumerate(by_plugin.items(), start=1):
        projects = _plural(plugin_rows[0]["total_projects"], "project")
        spec = {
            "height": 90,
            "title": f"{plugin} ({projects})",
            "mark": "bar",
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": "month",
                      "scale": {"domain": months}, "axis": {"labelAngle": -45}},
                "y": _count_axis("projects", "projects",
                                 _stacked_largest(plugin_rows, "month", "projects")),
                "color": _source_color(),
                "tooltip": [{"field": "plugin"}, {"field": "month"},
                            {"field": "source"}, {"field": "projects"}],
            },
        }  # fmt: skip
        plugins.append(
            {"name": plugin,
             "chart": _chart(spec, plugin_rows, f"chart-plugin-usage-{rank}")}
        )  # fmt: skip
    return {**context, "plugins": plugins}


def hub_badges(query: Query) -> dict[str, Any]:
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
    return {"rows": rows, "as_of": as_of[0]["as_of_date"] if as_of else None}


def feature_adoption(query: Query) -> dict[str, Any]:
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
    return {"rows": rows, "chart": _chart(spec, rows, "chart-feature-adoption")}


#: How many of the Meltano UI's screens the UI page charts, by projects.
TOP_SCREENS = 15


def ui_usage(query: Query) -> dict[str, Any]:
    """The Meltano UI per month: UI projects next to CLI-only ones, and screens.

    From the UI's GA view (v1.1.0 to v2.6.0): screens are route templates
    (``/extractors/:plugin``), never the paths, so no typed name shows.
    """
    months = query(
        """
        select activity_month as month, active_projects, active_ui_projects,
               cli_only_projects, ui_projects, ui_share, screens_used, pageviews
        from fct_ui_monthly_adoption
        where has_ui_data
        order by month
        """
    )
    # Every month on both axes, so a month without UI use shows as a gap.
    axis = (
        {"scale": {"domain": _months(months[0]["month"], months[-1]["month"])}}
        if months
        else {}
    )
    projects = [
        {"month": row["month"], "projects": row[column], "use": use}
        for row in months
        for column, use in (("active_ui_projects", "used the UI"),
                            ("cli_only_projects", "CLI only"))
    ]  # fmt: skip
    projects_spec = {
        "mark": "bar",
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "month",
                  "axis": {"labelAngle": -45}, **axis},
            "y": _count_axis("projects", "monthly active projects",
                             _stacked_largest(projects, "month", "projects")),
            "color": {"field": "use", "type": "nominal", "title": None,
                      "scale": {"domain": ["used the UI", "CLI only"],
                                "range": ["#f58518", "#4c78a8"]}},
            "tooltip": [{"field": "month"}, {"field": "use"},
                        {"field": "projects"}],
        },
    }  # fmt: skip
    screens = query(
        f"""
        with used as (
            select activity_month as month, page_route as screen,
                   count(distinct project_id) as projects,
                   sum(pageviews) as pageviews
            from fct_ui_daily_route_usage
            where not is_unknown_route
            group by all
        ),
        top as (
            select page_route as screen,
                   count(distinct project_id) as total_projects
            from fct_ui_daily_route_usage
            where not is_unknown_route
            group by page_route
            order by total_projects desc, screen
            limit {TOP_SCREENS}
        )
        select used.*, top.total_projects
        from used inner join top on used.screen = top.screen
        order by top.total_projects desc, used.screen, used.month
        """  # noqa: S608 - TOP_SCREENS is a constant
    )
    order = list(dict.fromkeys(row["screen"] for row in screens))
    screens_spec = {
        "height": max(120, 18 * len(order)),
        "mark": "rect",
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "month",
                  "axis": {"labelAngle": -45}, **axis},
            "y": {"field": "screen", "type": "nominal", "title": None,
                  "sort": order, "axis": {"labelLimit": 180}},
            "color": {"field": "projects", "type": "quantitative",
                      "title": "projects", "scale": {"scheme": "oranges"}},
            "tooltip": [{"field": "month"}, {"field": "screen"},
                        {"field": "projects"}, {"field": "pageviews"}],
        },
    }  # fmt: skip
    totals = {row["screen"]: row["total_projects"] for row in screens}
    return {
        "months": months,
        "top": TOP_SCREENS,
        "screens": [{"screen": screen, "projects": totals[screen]} for screen in order],
        "projects_chart": _chart(projects_spec, projects, "chart-ui-projects"),
        "screens_chart": _chart(screens_spec, screens, "chart-ui-screens"),
    }


#: The proof per day (tap-ga-legacy's report_windows, issue 11).
WINDOW_DAYS_MART = "fct_ga_legacy_report_window_days"

#: The per-property table's columns and headings.
WINDOW_DAYS_COLUMNS = (
    ("property_id", "property"), ("api", "API"), ("days", "days"),
    ("sampled_days", "sampled"), ("non_final_days", "not final"),
    ("reconciled_days", "reconciled"), ("incomplete_days", "incomplete"),
    ("first_day", "from"), ("last_day", "to"),
)  # fmt: skip


def _window_days(query: Marts) -> dict[str, Any] | None:
    """Sampled, non-final and reconciled days per property, once the mart has rows.

    None without the mart (a warehouse older than the report_windows stream)
    or with an empty one: the page says why the section is missing.
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
        if WINDOW_DAYS_MART in query.tables
        else []
    )
    if not rows:
        return None
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
            "x": {**_count_axis("days", "days",
                                max(r["days"] for r in measures)),
                  "stack": None},
            "color": {"field": "measure", "type": "nominal", "title": None,
                      "scale": {"domain": ["sampled", "not final", "reconciled"],
                                "range": ["#e45756", "#f58518", "#54a24b"]}},
            "tooltip": [{"field": "property"}, {"field": "measure"},
                        {"field": "days"}],
        },
    }  # fmt: skip
    return {
        "mart": WINDOW_DAYS_MART,
        "columns": WINDOW_DAYS_COLUMNS,
        "rows": rows,
        "chart": _chart(spec, measures, "chart-window-days"),
    }


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
    Page("ui-usage", "Meltano UI usage per month", ui_usage,
         ("fct_ui_monthly_adoption", "fct_ui_daily_route_usage")),
)  # fmt: skip


def _render(template: str, title: str, **context: Any) -> str:
    return ENV.get_template(template).render(pages=PAGES, title=title, **context)


def build_report(warehouse: Warehouse, out_dir: Path) -> Report:
    """Write the report's pages for the marts in ``warehouse``.

    A page whose marts are missing says so instead of its charts (a warehouse
    dbt built before those marts existed still gets the rest).

    Raises:
        ReportError: none of the marts is there (the wrong schema or database?)
            or the warehouse refused a query.
    """
    try:
        marts = Marts(warehouse.query, _tables(warehouse.query))
    except QueryError as exc:
        msg = f"cannot list the marts in {warehouse.where}: {exc}"
        raise ReportError(msg) from exc
    tables = marts.tables
    if not any(mart in tables for page in PAGES for mart in page.marts):
        msg = f"no dbt mart in {warehouse.where} (has dbt built the marts?)"
        raise ReportError(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    incomplete = {}
    for page in PAGES:
        missing = [mart for mart in page.marts if mart not in tables]
        try:
            text = (
                _render("missing.html.j2", page.title, missing=missing)
                if missing
                else _render(f"{page.slug}.html.j2", page.title, **page.context(marts))
            )
        except QueryError as exc:
            msg = f"{page.title}: {exc} (has dbt built the marts?)"
            raise ReportError(msg) from exc
        if missing:
            incomplete[page.title] = missing
        path = out_dir / f"{page.slug}.html"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    index = out_dir / "index.html"
    index.write_text(
        _render("index.html.j2", "Meltano telemetry, both eras", where=warehouse.where),
        encoding="utf-8",
    )
    return Report(pages=[index, *written], missing_marts=incomplete)
