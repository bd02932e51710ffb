"""The schemas of the tap's streams: ``events``, ``pageviews``, ``report_windows``."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_ga_legacy.rekey import SOURCES

#: ``origin`` of the rows the APIs served, and of those read from GA
#: interface exports (the dbt project adds ``archive_table`` for the old
#: pipeline's warehouse table).
API = "api"
ARCHIVE_FILE = "archive_file"


def _where_from(
    property_id: str, api: str, *, day: bool = False
) -> tuple[th.Property, ...]:
    """``property_id`` and ``api``, the two keys every stream begins with.

    ``day``: and ``event_date``, the replication key of the report streams.
    """
    return (
        th.Property(
            "property_id", th.StringType, required=True, description=property_id
        ),
        th.Property(
            "api",
            th.StringType(allowed_values=["ga4", "ua"]),
            required=True,
            description=api,
        ),
    ) + ((th.Property("event_date", th.DateType, required=True),) if day else ())


def _keyed_on(source: str) -> tuple[th.Property, th.Property, th.Property]:
    """``project_id``, ``project_id_source`` and ``origin``: how a row is keyed."""
    return (
        th.Property(
            "project_id",
            th.UUIDType,
            description="Canonical lowercase project UUID, or null.",
        ),
        th.Property(
            "project_id_source",
            th.StringType(allowed_values=list(SOURCES)),
            required=True,
            description=source,
        ),
        th.Property(
            "origin",
            th.StringType(allowed_values=[API, ARCHIVE_FILE]),
            required=True,
            description="Where the row came from: `api` (the report APIs) or"
            " `archive_file` (a GA interface CSV export, `archive_files`).",
        ),
    )


EVENTS_SCHEMA = th.PropertiesList(
    th.Property(
        "event_key",
        th.StringType,
        required=True,
        description="MD5 hex of the netstring serialisation of api,"
        " property_id, event_date, event_category, event_action,"
        " event_label and project_dimension.",
    ),
    *_where_from(
        "GA4 property id or UA view id the row came from.",
        "`ga4` (Data API property) or `ua` (Reporting API view).",
        day=True,
    ),
    th.Property("event_category", th.StringType, description="`meltano <cmd>`"),
    th.Property("event_action", th.StringType, description="The command line."),
    th.Property("event_label", th.StringType, description="As GA returned it."),
    th.Property(
        "project_dimension",
        th.StringType,
        description="Custom dimension 1 (the project_id), as GA returned it.",
    ),
    th.Property("event_count", th.IntegerType, description="Events that day."),
    *_keyed_on(
        "Which rule gave project_id: label, custom_dimension, derived or missing."
    ),
).to_dict()

#: Meltano UI's pageviews: one record per GA (day, project, version, page).
PAGEVIEWS_SCHEMA = th.PropertiesList(
    th.Property(
        "pageview_key",
        th.StringType,
        required=True,
        description="MD5 hex of the netstring serialisation of api,"
        " property_id, event_date, page_path, page_title ('' when null),"
        " project_dimension and meltano_version.",
    ),
    *_where_from(
        "UA view id the row came from (`ui_view_ids`).",
        "`ua` (Reporting API view).",
        day=True,
    ),
    th.Property(
        "page_path",
        th.StringType,
        description="`ga:pagePath` as GA returned it: the route path and its"
        " query string, user-chosen names in the clear.",
    ),
    th.Property(
        "page_title",
        th.StringType,
        description="`ga:pageTitle`, or null when not asked for (`ui_page_titles`).",
    ),
    th.Property(
        "project_dimension",
        th.StringType,
        description="Custom dimension 1 (the project_id), as GA returned it.",
    ),
    th.Property(
        "meltano_version",
        th.StringType,
        description="Custom dimension 2 (the Meltano version), as GA returned it.",
    ),
    th.Property("pageviews", th.IntegerType, description="Pageviews that day."),
    th.Property(
        "unique_pageviews",
        th.IntegerType,
        description="Unique pageviews that day (sessions that viewed the page).",
    ),
    *_keyed_on(
        "Which rule gave project_id: custom_dimension, derived or missing (the"
        " UI sent no label)."
    ),
).to_dict()

#: One record per window the tap kept: the proof of what ``events`` and
#: ``pageviews`` hold.
REPORT_WINDOWS_SCHEMA = th.PropertiesList(
    *_where_from("GA4 property id or UA view id.", "`ga4` or `ua`."),
    th.Property(
        "stream",
        th.StringType(allowed_values=["events", "pageviews"]),
        description="The stream the window's rows went to: `events` or"
        " `pageviews` (null in rows loaded before this column: `events`).",
    ),
    th.Property(
        "first_day",
        th.DateType,
        required=True,
        description="First day of the window (date).",
    ),
    th.Property(
        "last_day",
        th.DateType,
        required=True,
        description="Last day of the window, inclusive (date).",
    ),
    th.Property(
        "rows",
        th.IntegerType,
        description="Rows written to `stream` for the window (integer).",
    ),
    th.Property(
        "events_sum",
        th.IntegerType,
        description="Sum of the reconciled metric over those rows: `event_count`"
        " for `events`, `pageviews` for `pageviews` (integer).",
    ),
    th.Property(
        "events_total",
        th.IntegerType,
        description="GA's own total of the reconciled metric for the window"
        " (`ga:totalEvents`/`eventCount`, or `ga:pageviews`; GA4 `totals`, UA"
        " `data.totals`); null if GA sent none (integer). The tap stops when it"
        " differs from `events_sum` (and, for `pageviews`, when the rows'"
        " unique pageviews differ from GA's total of them).",
    ),
    th.Property(
        "sampled",
        th.BooleanType,
        description="Whether GA answered from a sample (boolean).",
    ),
    th.Property(
        "samples_read",
        th.IntegerType,
        description="Sessions GA read, if sampled (integer or null).",
    ),
    th.Property(
        "sampling_space",
        th.IntegerType,
        description="Sessions GA would have read (integer or null).",
    ),
    th.Property(
        "data_loss_from_other_row",
        th.BooleanType,
        description="GA rolled rows into `(other)` (boolean).",
    ),
    th.Property(
        "other_rows",
        th.IntegerType,
        description="`(other)` rows written (integer).",
    ),
    th.Property(
        "subject_to_thresholding",
        th.BooleanType,
        description="GA4 withheld rows for privacy (boolean).",
    ),
    th.Property(
        "is_data_golden",
        th.BooleanType,
        description="UA `isDataGolden`; null for GA4, which does not"
        " say (boolean or null).",
    ),
    th.Property(
        "time_zone",
        th.StringType,
        description="The property's reporting time zone (GA4"
        " `metadata.timeZone`); null for UA.",
    ),
    th.Property(
        "final_through",
        th.DateType,
        description="Last final day of the window, or null if none"
        " is final yet (date or null).",
    ),
    th.Property(
        "split_depth",
        th.IntegerType,
        description="How many times the first window was halved to"
        " reach this one (integer, 0: not split).",
    ),
    th.Property(
        "requests",
        th.IntegerType,
        description="Report requests the window took (integer).",
    ),
    th.Property(
        "quota_tokens_consumed",
        th.IntegerType,
        description="GA4 tokens the window's requests cost; null for UA (integer).",
    ),
    th.Property(
        "extracted_at",
        th.DateTimeType,
        required=True,
        description="When the window was pulled (date-time, UTC).",
    ),
).to_dict()
