"""The reports the tap pulls, each a declared set of dimensions and metrics.

A ``ReportSpec`` says what one stream asks GA for: its dimension roles (the
day first), its metric roles, their GA names per API, which metrics GA's
totals prove, and how a checked row becomes a record. Everything else (the
request, paging, the checks of every page and row, totals, windows, state,
the proof in ``report_windows``) is the same code for every report
(report_client.py, sync.py, streams.py); the settings (settings.py) are built
from these declarations too.

A row, as the clients yield it, is a tuple: the day (``YYYY-MM-DD``), the
other dimension values as GA sent them, then each metric as an int.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tap_ga_legacy.rekey import event_key, pageview_key, resolve_project_id

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from tap_ga_legacy.ga_values import Row

    #: Builds one record from one row (the row's report, api, property, origin bound).
    Build = Callable[[Row], dict[str, Any]]


@dataclass(frozen=True)
class ReportSpec:
    """One report: its roles, their GA names, its proof and its records."""

    #: The stream the report feeds, and its key in the ``dimensions`` setting.
    stream: str
    #: Dimension roles in request order, the day first.
    dimensions: tuple[str, ...]
    #: Metric roles in request order; GA4 and UA both count them as integers.
    metrics: tuple[str, ...]
    #: API -> role -> GA name: the ``dimensions`` setting's defaults.
    defaults: Mapping[str, Mapping[str, str]]
    #: Role -> what it holds (the settings' descriptions).
    descriptions: Mapping[str, str]
    #: Metrics whose sum over a window must equal GA's total of it, when GA
    #: sent one; the first is ``report_windows.events_sum``/``events_total``.
    reconciled: tuple[str, ...]
    #: Metric role -> what messages call what it counts ("events").
    units: Mapping[str, str]
    #: Dimensions whose ``(other)`` marks a row GA rolled up (``other_rows``).
    other_roles: tuple[str, ...]
    #: ``(report, api, property_id, origin)`` -> the row-to-record function.
    builder: Callable[[Report, str, str, str], Build]
    #: Dimensions asked for only when a setting says so (``ui_page_titles``).
    optional: frozenset[str] = field(default_factory=frozenset)

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role, dimensions then metrics."""
        return self.dimensions + self.metrics

    def resolve(
        self, api: str, names: Mapping[str, str], omit: frozenset[str] = frozenset()
    ) -> Report:
        """The report as one API is asked for it: GA names, ``omit`` left out."""
        dimensions = tuple(d for d in self.dimensions if d not in omit)
        fields = tuple(names.get(r) or self.defaults[api][r] for r in dimensions)
        fields += tuple(names.get(m) or self.defaults[api][m] for m in self.metrics)
        return Report(self, api, dimensions, fields)


@dataclass(frozen=True)
class Report:
    """A ``ReportSpec`` resolved for one API: the dimensions asked, GA's names."""

    spec: ReportSpec
    api: str
    #: The dimension roles asked for, in request order.
    dimensions: tuple[str, ...]
    #: GA's names of the dimensions asked, then of the metrics.
    fields: tuple[str, ...]

    @property
    def width(self) -> int:
        """How many dimensions a row has (the day included)."""
        return len(self.dimensions)

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of a row's values, in order."""
        return self.dimensions + self.spec.metrics

    @property
    def reconciled_at(self) -> tuple[int, ...]:
        """Positions, among the metrics, of those GA's totals prove."""
        return tuple(self.spec.metrics.index(m) for m in self.spec.reconciled)

    def builder(self, api: str, property_id: str, origin: str) -> Build:
        """The function that makes this report's rows records."""
        return self.spec.builder(self, api, property_id, origin)


def _event_builder(_: Report, api: str, property_id: str, origin: str) -> Build:
    # The hot path of the events backfill: unpacked by name, no loop per field.
    def build(row: Row) -> dict[str, Any]:
        event_date, category, action, label, dimension, event_count = row
        project_id, source = resolve_project_id(label, dimension)
        return {
            "event_key": event_key(
                api, property_id, event_date, category, action, label, dimension
            ),
            "property_id": property_id,
            "api": api,
            "event_date": event_date,
            "event_category": category,
            "event_action": action,
            "event_label": label,
            "project_dimension": dimension,
            "event_count": event_count,
            "project_id": project_id,
            "project_id_source": source,
            "origin": origin,
        }

    return build


def _pageview_builder(report: Report, api: str, property_id: str, origin: str) -> Build:
    # Unpacked by name as the events are: a zip into a dict per row cost a
    # third more CPU per record.
    titled = "page_title" in report.dimensions

    def build(row: Row) -> dict[str, Any]:
        if titled:
            event_date, dimension, version, path, title, views, unique = row
        else:
            event_date, dimension, version, path, views, unique = row
            title = None
        # No label in the UI's hits: dimension 1 alone carries the project_id.
        project_id, source = resolve_project_id("", dimension)
        return {
            "pageview_key": pageview_key(
                api, property_id, event_date, path, title, dimension, version
            ),
            "property_id": property_id,
            "api": api,
            "event_date": event_date,
            "page_path": path,
            "page_title": title,
            "project_dimension": dimension,
            "meltano_version": version,
            "pageviews": views,
            "unique_pageviews": unique,
            "project_id": project_id,
            "project_id_source": source,
            "origin": origin,
        }

    return build


#: Meltano's CLI events: how Meltano < 2.0 reported to UA (event label and
#: custom dimension 1 both carried the project_id), and how legacy events
#: land in GA4 (event-scoped custom dimensions registered under these names).
EVENTS = ReportSpec(
    stream="events",
    dimensions=(
        "event_date",
        "event_category",
        "event_action",
        "event_label",
        "project_dimension",
    ),
    metrics=("event_count",),
    defaults={
        "ga4": {
            "event_date": "date",
            "event_category": "customEvent:event_category",
            "event_action": "customEvent:event_action",
            "event_label": "customEvent:event_label",
            "project_dimension": "customEvent:project_id",
            "event_count": "eventCount",
        },
        "ua": {
            "event_date": "ga:date",
            "event_category": "ga:eventCategory",
            "event_action": "ga:eventAction",
            "event_label": "ga:eventLabel",
            "project_dimension": "ga:dimension1",
            "event_count": "ga:totalEvents",
        },
    },
    descriptions={
        "event_date": "the day (GA returns YYYYMMDD)",
        "event_category": "the event category (`meltano <command>`)",
        "event_action": "the event action (the command line)",
        "event_label": "the event label (the project_id)",
        "project_dimension": "the custom dimension carrying the project_id",
        "event_count": "the metric counting events",
    },
    reconciled=("event_count",),
    units={"event_count": "events"},
    other_roles=("event_category", "event_action", "event_label"),
    builder=_event_builder,
)

#: Meltano UI's automatic pageviews (v1.1.0 - v2.6.0, UA only): dimension 1
#: the project_id, dimension 2 the version (docs/tap.md, "The pageviews stream").
PAGEVIEWS = ReportSpec(
    stream="pageviews",
    dimensions=(
        "event_date",
        "project_dimension",
        "meltano_version",
        "page_path",
        "page_title",
    ),
    metrics=("pageviews", "unique_pageviews"),
    defaults={
        "ua": {
            "event_date": "ga:date",
            "project_dimension": "ga:dimension1",
            "meltano_version": "ga:dimension2",
            "page_path": "ga:pagePath",
            "page_title": "ga:pageTitle",
            "pageviews": "ga:pageviews",
            "unique_pageviews": "ga:uniquePageviews",
        },
    },
    descriptions={
        "event_date": "the day (GA returns YYYYMMDD)",
        "project_dimension": "the custom dimension carrying the project_id",
        "meltano_version": "the custom dimension carrying the Meltano version",
        "page_path": "the page path (route path and query string)",
        "page_title": "the page title (asked for with `ui_page_titles`)",
        "pageviews": "the metric counting pageviews",
        "unique_pageviews": "the metric counting unique pageviews",
    },
    reconciled=("pageviews", "unique_pageviews"),
    units={"pageviews": "pageviews", "unique_pageviews": "unique pageviews"},
    other_roles=("page_path", "page_title", "meltano_version"),
    builder=_pageview_builder,
    optional=frozenset({"page_title"}),
)

SPECS = (EVENTS, PAGEVIEWS)
