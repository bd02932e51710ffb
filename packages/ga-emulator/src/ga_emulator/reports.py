"""Answers to GA4 ``runReport`` and UA ``reports:batchGet`` over the synthetic data.

Responses follow Google's documented wire format: proto3 JSON for GA4 (int64 as
strings, default values omitted) and the discovery document's JSON for UA.

A report is a set of dimensions and metrics over one ``RowType``: the CLI's
events (dataset.py) or the UI's pageviews (ui_views.py). Paging, ordering,
totals, processing lag, sampling, ``(other)`` and the faults are the same
code for both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ga_emulator import dataset, ui_views
from ga_emulator.clock import QuotaExhaustedError, is_final
from ga_emulator.dataset import DatasetConfig, Row, iter_days
from ga_emulator.faults import ERRORS, Fault

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ga_emulator.clock import QuotaMeter

#: API field name -> attribute of ``Row``. Unknown names are rejected as GA does.
GA4_DIMENSIONS = {
    "date": "date",
    "customEvent:event_category": "category",
    "customEvent:event_action": "action",
    "customEvent:event_label": "label",
    "customEvent:project_id": "dimension1",
}
GA4_METRICS = {"eventCount": "count"}
UA_DIMENSIONS = {
    "ga:date": "date",
    "ga:eventCategory": "category",
    "ga:eventAction": "action",
    "ga:eventLabel": "label",
    "ga:dimension1": "dimension1",
    "ga:clientId": "client_id",
}
UA_METRICS = {"ga:totalEvents": "count"}
#: The UI view's pageviews (ui_views.PageRow).
UA_PAGE_DIMENSIONS = {
    "ga:date": "date",
    "ga:dimension1": "dimension1",
    "ga:dimension2": "dimension2",
    "ga:pagePath": "page_path",
    "ga:pageTitle": "page_title",
}
UA_PAGE_METRICS = {
    "ga:pageviews": "pageviews",
    "ga:uniquePageviews": "unique_pageviews",
}

GA4_MAX_LIMIT = 250_000
GA4_DEFAULT_LIMIT = 10_000
UA_MAX_PAGE_SIZE = 100_000
UA_DEFAULT_PAGE_SIZE = 1_000
UA_DAILY_TOKENS = 50_000
OTHER = "(other)"
#: What the GA4 quotas that count no tokens report.
UNCOUNTED_QUOTAS = {
    "concurrentRequests": {"remaining": 10},
    "serverErrorsPerProjectPerHour": {"remaining": 10},
    "potentiallyThresholdedRequestsPerHour": {"remaining": 120},
}


@dataclass(frozen=True, eq=False)
class RowType:
    """One kind of GA hit as GA aggregates it: the rows a report is made of.

    Attributes:
        key: the attributes that tell two rows apart, the date first.
        metrics: the attributes GA sums, the one reconciled (and sampled,
            ranked, checked) first.
        rows: a property's or view's rows from start to end inclusive,
            sorted by ``key``.
        blank: a row of empty dimensions and zero metrics, that built rows
            (aggregates, ``(other)``, late rows) start from.
        late: what the ``row_count_changed`` fault's extra row changes in
            the first row.
        ua_dimensions: UA API name -> attribute, for the views serving it.
        ua_metrics: the same for metrics.
    """

    key: tuple[str, ...]
    metrics: tuple[str, ...]
    rows: Callable[[DatasetConfig, str, dt.date, dt.date], list[Any]]
    blank: Any
    late: Mapping[str, str]
    ua_dimensions: Mapping[str, str]
    ua_metrics: Mapping[str, str]

    def build(self, values: Mapping[str, str], metrics: list[int]) -> Any:
        """A row of this type: ``values`` over the blank row, then the metrics."""
        return replace(
            self.blank, **values, **dict(zip(self.metrics, metrics, strict=True))
        )

    def measures(self, row: Any) -> list[int]:
        """A row's metric values, in ``metrics`` order."""
        return [getattr(row, name) for name in self.metrics]

    def other(self, date: str, metrics: list[int]) -> Any:
        """GA's ``(other)`` row of one day."""
        return self.build(dict.fromkeys(self.key[1:], OTHER) | {"date": date}, metrics)


EVENTS = RowType(
    key=("date", "category", "action", "label", "dimension1"),
    metrics=("count",),
    rows=dataset.rows_in_range,
    blank=Row("", "", "", "", "", "", 0),
    late={"label": "late", "dimension1": ""},
    ua_dimensions=UA_DIMENSIONS,
    ua_metrics=UA_METRICS,
)
PAGEVIEWS = RowType(
    key=("date", "dimension1", "dimension2", "page_path", "page_title"),
    metrics=("pageviews", "unique_pageviews"),
    rows=ui_views.rows_in_range,
    blank=ui_views.PageRow("", "", "", "", "", 0, 0),
    late={"page_path": "/late", "page_title": "Meltano"},
    ua_dimensions=UA_PAGE_DIMENSIONS,
    ua_metrics=UA_PAGE_METRICS,
)
#: What a view serves rows of when a request names fields of another kind
#: of hit (events on the UI view, pageviews on the CLI's): nothing.
NO_HITS = replace(EVENTS, rows=lambda *_: [])
#: Every name UA knows: unknown names are a 400, known ones that the view
#: has no hits of give an empty report.
UA_ALL_DIMENSIONS = UA_DIMENSIONS | UA_PAGE_DIMENSIONS
UA_ALL_METRICS = UA_METRICS | UA_PAGE_METRICS


class ApiError(Exception):
    """An error answer: HTTP status plus Google's message."""

    def __init__(self, status: int, message: str | None = None) -> None:
        self.status = status
        self.message = message or ERRORS[status][1]
        super().__init__(f"{status} {self.message}")

    def body(self, api: str) -> dict[str, Any]:
        """Google's JSON error envelope."""
        error: dict[str, Any] = {
            "code": self.status,
            "message": self.message,
            "status": ERRORS[self.status][0],
        }
        if api == "ua":
            reason = {
                429: "rateLimitExceeded",
                403: "forbidden",
                401: "authError",
                400: "badRequest",
            }
            error["errors"] = [
                {
                    "message": self.message,
                    "domain": "global",
                    "reason": reason.get(self.status, "backendError"),
                }
            ]
        return {"error": error}


@dataclass
class Shaped:
    """A report's rows as GA answers them, and what it says about them."""

    rows: list[Any]
    #: ``(samples read, sampling space)`` if the answer is sampled.
    sampled: tuple[int, int] | None = None
    other: bool = False
    golden: bool = True


def shaped(  # noqa: PLR0917 - one report's whole coordinates
    config: DatasetConfig,
    kind: RowType,
    property_id: str,
    start: dt.date,
    end: dt.date,
    dim_attrs: list[str],
    now: dt.datetime,
) -> Shaped:
    """The rows of one report after GA's processing lag, sampling and ``(other)``.

    Each depends on the data and the request only, never on chance: days not
    yet processed (by the emulator's clock) count half their hits; a report
    over more than ``sampling_threshold`` hits (its first metric) is answered
    from every other row, doubled; past ``cardinality_limit`` rows the
    smallest are summed into one ``(other)`` row per day.
    """
    rows = _aggregate(kind, kind.rows(config, property_id, start, end), dim_attrs)
    zone = config.time_zone(property_id)
    pending = {
        day.strftime("%Y%m%d")
        for day in iter_days(start, end)
        if not is_final(day, zone, now)
    }
    if pending:
        rows = [
            _scaled(kind, r, lambda v: (v + 1) // 2) if r.date in pending else r
            for r in rows
        ]
    answer = Shaped(rows, golden=not pending)
    first = kind.metrics[0]
    space = sum(getattr(r, first) for r in rows)
    if config.sampling_threshold and space > config.sampling_threshold:
        rows = [_scaled(kind, r, lambda v: 2 * v) for r in rows[::2]]
        answer.sampled = (config.sampling_threshold, space)
    limit = config.cardinality_limit
    if limit and len(rows) > limit:
        # sorted is stable: equal counts keep their order, so answers repeat.
        ranked = sorted(rows, key=lambda r: getattr(r, first), reverse=True)
        rolled: dict[str, list[int]] = {}
        for row in ranked[limit:]:
            sums = rolled.setdefault(row.date, [0] * len(kind.metrics))
            for index, value in enumerate(kind.measures(row)):
                sums[index] += value
        rows = ranked[:limit] + [kind.other(day, sums) for day, sums in rolled.items()]
        answer.other = True
    answer.rows = rows
    return answer


def _scaled(kind: RowType, row: Any, scale: Callable[[int], int]) -> Any:
    """A row with every metric scaled (processing lag, sampling)."""
    return replace(row, **{m: scale(getattr(row, m)) for m in kind.metrics})


def token_cost(rows: int) -> int:
    """GA4 tokens one request costs: more for a report over more rows."""
    return 1 + rows // 10_000


def _date(value: Any, field_name: str) -> dt.date:
    today = dt.datetime.now(dt.UTC).date()
    if value == "today":
        return today
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    if isinstance(value, str) and value.endswith("daysAgo") and value[:-7].isdigit():
        return today - dt.timedelta(days=int(value[:-7]))
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ApiError(
            400, f"Invalid {field_name}: {value!r}. Use YYYY-MM-DD or NdaysAgo."
        ) from None


def _date_range(ranges: list[dict[str, Any]]) -> tuple[dt.date, dt.date]:
    if len(ranges) != 1:
        raise ApiError(400, "The emulator serves exactly one date range per report.")
    start = _date(ranges[0].get("startDate"), "startDate")
    end = _date(ranges[0].get("endDate"), "endDate")
    if end < start:
        raise ApiError(400, f"endDate {end} is before startDate {start}.")
    return start, end


def _resolve(
    names: list[str],
    known: dict[str, str],
    what: str,
    api: str,
    unregistered: frozenset[str] = frozenset(),
) -> list[str]:
    unknown = [name for name in names if name not in known or name in unregistered]
    if unknown:
        hint = "" if api == "ua" else " Did you register the custom definition?"
        raise ApiError(400, f"Field {unknown[0]} is not a valid {what}.{hint}")
    return [known[name] for name in names]


def _ordered(
    rows: list[Any], order_attrs: list[tuple[str, bool]], nonce: int
) -> list[Any]:
    if not order_attrs:
        # Google documents no order without orderBys; rotate per request so a
        # client that pages without orderBys sees rows move between pages.
        shift = random.Random(nonce).randrange(len(rows)) if rows else 0
        return rows[shift:] + rows[:shift]
    ordered = rows
    for attr, desc in reversed(order_attrs):
        ordered = sorted(ordered, key=lambda r, a=attr: getattr(r, a), reverse=desc)
    return ordered


def _aggregate(kind: RowType, rows: list[Any], dim_attrs: list[str]) -> list[Any]:
    """Sum rows that the requested dimensions cannot tell apart, as GA does."""
    if set(kind.key) <= set(dim_attrs):
        return rows
    totals: dict[tuple[str, ...], list[int]] = {}
    for row in rows:
        key = tuple(getattr(row, a) if a in dim_attrs else "" for a in kind.key)
        sums = totals.setdefault(key, [0] * len(kind.metrics))
        for index, value in enumerate(kind.measures(row)):
            sums[index] += value
    return [
        kind.build(dict(zip(kind.key, key, strict=True)), sums)
        for key, sums in totals.items()
    ]


def _apply_data_faults(
    kind: RowType, rows: list[Any], faults: list[Fault]
) -> list[Any]:
    if any(f.kind == "other_row" for f in faults) and rows:
        # High-cardinality combinations rolled up into one "(other)" row.
        last = rows[-1]
        rows = [*rows[:-1], kind.other(last.date, kind.measures(last))]
    return rows


def unregistered(config: DatasetConfig, property_id: str) -> frozenset[str]:
    """The GA4 custom dimensions that are not registered on a property."""
    return frozenset(name for p, name in config.unregistered if p == property_id)


def _totals(rows: list[Any], met_attrs: list[str], faults: list[Fault]) -> list[int]:
    """GA's total of each requested metric.

    ``totals_mismatch`` makes them disagree with the rows.
    """
    wrong = any(f.kind == "totals_mismatch" for f in faults)
    return [sum(getattr(r, a) for r in rows) + wrong for a in met_attrs]


def _inserted(kind: RowType, rows: list[Any], faults: list[Fault]) -> list[Any]:
    """``row_count_changed``: GA still processing the window adds a row at the front."""
    if not any(f.kind == "row_count_changed" for f in faults) or not rows:
        return rows
    first = rows[0]
    values = {a: getattr(first, a) for a in kind.key} | dict(kind.late)
    return [kind.build(values, [1] * len(kind.metrics)), *rows]


def _swapped(values: list[Any]) -> list[Any]:
    return [values[0], values[2], values[1], *values[3:]]


def _apply_page_faults(  # noqa: PLR0917 - the same edit through either API's shape
    response: dict[str, Any] | None,
    rows: list[dict[str, Any]],
    dimensions: Callable[[dict[str, Any]], list[str]],
    metrics: Callable[[dict[str, Any]], list[str]],
    store: Callable[[dict[str, Any], list[str], list[str]], None],
    faults: list[Fault],
) -> None:
    """Break one row (``Fault.row``) or the columns of a page, as asked."""
    for fault in faults:
        if fault.kind == "reordered_columns":
            if response is not None:  # GA4's headers; UA's are swapped by the caller
                response["dimensionHeaders"] = _swapped(response["dimensionHeaders"])
            for row in rows:
                store(row, _swapped(dimensions(row)), metrics(row))
            continue
        if fault.row >= len(rows):
            continue
        row = rows[fault.row]
        d, m = list(dimensions(row)), list(metrics(row))
        if fault.kind == "short_row":
            d = d[:-1]
        elif fault.kind == "extra_dimension":
            d = [*d, "extra"]
        elif fault.kind == "extra_metric":
            m = [*m, "1"]
        elif fault.kind in {"no_metric", "no_metric_values"}:
            m = []
        elif fault.kind == "count_value":
            m = [fault.value, *m[1:]]
        elif fault.kind == "date_value":
            d = [fault.value, *d[1:]]
        else:
            continue
        store(row, d, m)
        if fault.kind == "no_metric" and "metrics" in row:
            row["metrics"] = []


def run_report(
    config: DatasetConfig,
    property_id: str,
    body: dict[str, Any],
    faults: list[Fault],
    quota: QuotaMeter,
) -> dict[str, Any]:
    """The RunReportResponse JSON for one GA4 ``runReport`` request body."""
    if not property_id.isdigit():
        raise ApiError(
            400, f"Invalid property: properties/{property_id}. It must be numeric."
        )
    start, end = _date_range(body.get("dateRanges", []))
    dimensions = [d["name"] for d in body.get("dimensions", [])]
    metrics = [m["name"] for m in body.get("metrics", [])]
    dim_attrs = _resolve(
        dimensions,
        GA4_DIMENSIONS,
        "dimension",
        "ga4",
        unregistered(config, property_id),
    )
    met_attrs = _resolve(metrics, GA4_METRICS, "metric", "ga4")
    order_attrs = []
    for order in body.get("orderBys", []):
        name = order.get("dimension", {}).get("dimensionName")
        if name not in dimensions:
            raise ApiError(400, f"orderBys dimension {name!r} is not in the request.")
        order_attrs.append((GA4_DIMENSIONS[name], bool(order.get("desc"))))
    offset = int(body.get("offset", 0))
    limit = min(int(body.get("limit", GA4_DEFAULT_LIMIT)), GA4_MAX_LIMIT)
    if offset < 0 or limit < 0:
        raise ApiError(400, "offset and limit must not be negative.")

    answer = shaped(
        config, EVENTS, property_id, start, end, dim_attrs, quota.clock.now()
    )
    try:
        used = quota.charge(property_id, token_cost(len(answer.rows)))
    except QuotaExhaustedError as exc:
        raise ApiError(429, str(exc)) from None
    rows = _apply_data_faults(EVENTS, answer.rows, faults)
    rows = _ordered(rows, order_attrs, nonce=offset + len(rows))
    rows = _inserted(EVENTS, rows, faults)
    page = rows[offset : offset + limit]
    if any(f.kind == "drop_rows" for f in faults):
        page = page[: len(page) // 2]

    response: dict[str, Any] = {
        "dimensionHeaders": [{"name": name} for name in dimensions],
        "metricHeaders": [{"name": name, "type": "TYPE_INTEGER"} for name in metrics],
    }
    if page:
        response["rows"] = [
            {
                "dimensionValues": [{"value": getattr(r, a)} for a in dim_attrs],
                "metricValues": [{"value": str(getattr(r, a))} for a in met_attrs],
            }
            for r in page
        ]
    if rows:
        response["rowCount"] = len(rows)
    _apply_page_faults(
        response,
        response.get("rows", []),
        lambda r: [v["value"] for v in r["dimensionValues"]],
        lambda r: [v["value"] for v in r["metricValues"]],
        lambda r, d, m: r.update(
            dimensionValues=[{"value": v} for v in d],
            metricValues=[{"value": v} for v in m],
        ),
        faults,
    )
    if "TOTAL" in body.get("metricAggregations", []):
        totals = _totals(rows, met_attrs, faults)
        response["totals"] = [
            {
                "dimensionValues": [{"value": "RESERVED_TOTAL"} for _ in dim_attrs],
                "metricValues": [{"value": str(total)} for total in totals],
            }
        ]
    metadata: dict[str, Any] = {
        "currencyCode": "USD",
        "timeZone": config.time_zone(property_id),
    }
    if answer.other or any(f.kind == "other_row" for f in faults):
        metadata["dataLossFromOtherRow"] = True
    if answer.sampled:
        read, space = answer.sampled
        metadata["samplingMetadatas"] = [
            {"samplesReadCount": str(read), "samplingSpaceSize": str(space)}
        ]
    elif any(f.kind == "sampled" for f in faults):
        metadata["samplingMetadatas"] = [
            {"samplesReadCount": "500000", "samplingSpaceSize": "2500000"}
        ]
    response["metadata"] = metadata
    if body.get("returnPropertyQuota"):
        response["propertyQuota"] = {
            **{
                name: {"consumed": consumed, "remaining": remaining}
                for name, (consumed, remaining) in used.items()
            },
            **UNCOUNTED_QUOTAS,
        }
    response["kind"] = "analyticsData#runReport"
    return response


UA_REQUEST_FIELDS = frozenset(
    {
        "viewId",
        "dateRanges",
        "dimensions",
        "metrics",
        "orderBys",
        "pageSize",
        "pageToken",
        "samplingLevel",
        "hideTotals",
        "hideValueRanges",
        "includeEmptyRows",
        "filtersExpression",
        "dimensionFilterClauses",
        "metricFilterClauses",
        "segments",
        "pivots",
        "cohortGroup",
    }
)


def batch_get(
    config: DatasetConfig,
    body: dict[str, Any],
    faults: list[Fault],
    quota: QuotaMeter,
) -> dict[str, Any]:
    """The GetReportsResponse JSON for one UA ``reports:batchGet`` body."""
    requests = body.get("reportRequests") or []
    if not 1 <= len(requests) <= 5:
        raise ApiError(400, "reportRequests must hold between 1 and 5 requests.")
    if len({r.get("viewId") for r in requests}) != 1:
        raise ApiError(400, "All reportRequests must have the same viewId.")
    reports = [_ua_report(config, r, faults, quota.clock.now()) for r in requests]
    view_id = str(requests[0].get("viewId"))
    response: dict[str, Any] = {"reports": reports, "queryCost": len(reports)}
    if body.get("useResourceQuotas"):
        # UA's resource quotas are not GA4's: counted apart, never exhausted.
        used = quota.charge(f"ua:{view_id}", len(reports))["tokensPerDay"][0]
        response["resourceQuotasRemaining"] = {
            "dailyQuotaTokensRemaining": UA_DAILY_TOKENS - used,
            "hourlyQuotaTokensRemaining": UA_DAILY_TOKENS // 5 - used,
        }
    return response


def _ua_report(
    config: DatasetConfig,
    request: dict[str, Any],
    faults: list[Fault],
    now: dt.datetime,
) -> dict[str, Any]:
    extra = set(request) - UA_REQUEST_FIELDS
    if extra:
        raise ApiError(400, f'Unknown name "{sorted(extra)[0]}": Cannot find field.')
    view_id = str(request.get("viewId", ""))
    if not view_id.isdigit():
        raise ApiError(400, f"Invalid viewId: {view_id!r}. It must be numeric.")
    start, end = _date_range(
        request.get("dateRanges") or [{"startDate": "7daysAgo", "endDate": "yesterday"}]
    )
    dimensions = [d["name"] for d in request.get("dimensions", [])]
    metrics = [m["expression"] for m in request.get("metrics", [])]
    if not metrics:
        raise ApiError(
            400, "Selected dimensions and metrics cannot be queried together."
        )
    dim_attrs = _resolve(dimensions, UA_ALL_DIMENSIONS, "dimension", "ua")
    met_attrs = _resolve(metrics, UA_ALL_METRICS, "metric", "ua")
    kind = ua_row_type(config, view_id, dimensions, metrics)
    order_attrs = []
    for order in request.get("orderBys", []):
        name = order.get("fieldName")
        if name not in dimensions:
            raise ApiError(400, f"orderBys fieldName {name!r} is not a dimension.")
        order_attrs.append(
            (UA_ALL_DIMENSIONS[name], order.get("sortOrder") == "DESCENDING")
        )
    # Unlike GA4, UA sorts by the dimensions when no order is asked for.
    order_attrs = order_attrs or [(a, False) for a in dim_attrs]
    page_size = min(
        int(request.get("pageSize") or UA_DEFAULT_PAGE_SIZE), UA_MAX_PAGE_SIZE
    )
    token = request.get("pageToken") or "0"
    if not token.isdigit():
        raise ApiError(400, f"Invalid pageToken: {token!r}.")
    offset = int(token)

    answer = shaped(config, kind, view_id, start, end, dim_attrs, now)
    rows = _apply_data_faults(kind, answer.rows, faults)
    rows = _ordered(rows, order_attrs, nonce=0)
    rows = _inserted(kind, rows, faults)
    page = rows[offset : offset + page_size]
    if any(f.kind == "drop_rows" for f in faults):
        page = page[: len(page) // 2]

    data: dict[str, Any] = {}
    if page:
        data["rows"] = [
            {
                "dimensions": [getattr(r, a) for a in dim_attrs],
                "metrics": [{"values": [str(getattr(r, a)) for a in met_attrs]}],
            }
            for r in page
        ]
    _apply_page_faults(
        None,
        data.get("rows", []),
        lambda r: r["dimensions"],
        lambda r: [v for m in r["metrics"] for v in m["values"]],
        lambda r, d, m: r.update(dimensions=d, metrics=[{"values": m}]),
        faults,
    )
    if not request.get("hideTotals"):
        totals = _totals(rows, met_attrs, faults)
        data["totals"] = [{"values": [str(total) for total in totals]}]
    if rows:
        data["rowCount"] = len(rows)
        if not request.get("hideValueRanges"):
            for name, pick in (("minimums", min), ("maximums", max)):
                values = [str(pick(getattr(r, a) for r in rows)) for a in met_attrs]
                data[name] = [{"values": values}]
    if answer.sampled:
        data["samplesReadCounts"] = [str(answer.sampled[0])]
        data["samplingSpaceSizes"] = [str(answer.sampled[1])]
    elif any(f.kind == "sampled" for f in faults):
        data["samplesReadCounts"] = ["499630"]
        data["samplingSpaceSizes"] = ["15328013"]
    data["isDataGolden"] = answer.golden and not any(
        f.kind == "not_golden" for f in faults
    )
    data["dataLastRefreshed"] = _refreshed(view_id, end)
    if any(f.kind == "reordered_columns" for f in faults):
        dimensions = _swapped(dimensions)
    report: dict[str, Any] = {
        "columnHeader": {
            "dimensions": dimensions,
            "metricHeader": {
                "metricHeaderEntries": [
                    {"name": name, "type": "INTEGER"} for name in metrics
                ]
            },
        },
        "data": data,
    }
    if offset + page_size < len(rows):
        report["nextPageToken"] = str(offset + page_size)
    return report


def ua_row_type(
    config: DatasetConfig, view_id: str, dimensions: list[str], metrics: list[str]
) -> RowType:
    """What a UA view serves a request: a UI view pageviews, any other events.

    A request naming fields of the other kind of hit gets no rows.
    """
    kind = PAGEVIEWS if view_id in config.ui_view_ids else EVENTS
    if set(dimensions) <= set(kind.ua_dimensions) and set(metrics) <= set(
        kind.ua_metrics
    ):
        return kind
    return NO_HITS


def _refreshed(view_id: str, end: dt.date) -> str:
    minute = int(hashlib.md5(view_id.encode()).hexdigest()[:2], 16) % 60  # noqa: S324
    return f"{end + dt.timedelta(days=1)}T0{minute % 9}:{minute:02d}:00Z"


def _dimension_metadata(name: str) -> dict[str, Any]:
    custom = name.startswith("customEvent:")
    entry: dict[str, Any] = {
        "apiName": name,
        "uiName": name.removeprefix("customEvent:"),
        "description": "An event-scoped custom dimension." if custom else "Date.",
        "category": "Custom" if custom else "Time",
    }
    if custom:
        entry["customDefinition"] = True
    return entry


def _metric_metadata(name: str) -> dict[str, Any]:
    return {
        "apiName": name,
        "uiName": "Event count",
        "description": "The count of events.",
        "type": "TYPE_INTEGER",
        "category": "Event",
    }


def get_metadata(config: DatasetConfig, property_id: str) -> dict[str, Any]:
    """The ``Metadata`` JSON of ``GET properties/{id}/metadata``.

    Custom dimensions are listed only where they are registered, as GA does.
    """
    if not property_id.isdigit():
        raise ApiError(
            400, f"Invalid property: properties/{property_id}. It must be numeric."
        )
    missing = unregistered(config, property_id)
    return {
        "name": f"properties/{property_id}/metadata",
        "dimensions": [
            _dimension_metadata(name) for name in GA4_DIMENSIONS if name not in missing
        ],
        "metrics": [_metric_metadata(name) for name in GA4_METRICS],
    }


def check_compatibility(
    config: DatasetConfig,
    property_id: str,
    body: dict[str, Any],
    faults: list[Fault],
) -> dict[str, Any]:
    """The ``CheckCompatibilityResponse`` JSON for one request body."""
    dimensions = [d["name"] for d in body.get("dimensions", [])]
    metrics = [m["name"] for m in body.get("metrics", [])]
    missing = unregistered(config, property_id)
    _resolve(dimensions, GA4_DIMENSIONS, "dimension", "ga4", missing)
    _resolve(metrics, GA4_METRICS, "metric", "ga4")
    broken = any(f.kind == "incompatible" for f in faults)
    return {
        "dimensionCompatibilities": [
            {
                "dimensionMetadata": _dimension_metadata(name),
                "compatibility": "INCOMPATIBLE" if broken and i == 0 else "COMPATIBLE",
            }
            for i, name in enumerate(dimensions)
        ],
        "metricCompatibilities": [
            {"metricMetadata": _metric_metadata(name), "compatibility": "COMPATIBLE"}
            for name in metrics
        ],
    }
