"""The Meltano UI's view (188384771): pageviews as UA served them, and nothing else.

Read through the emulator's HTTP API as the tap reads it, page by page, and
checked against the planted answers (``ui_views.ui_pageviews``), the
contract's route table and the discovery document.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from ga_emulator import ui_exports, ui_views
from ga_emulator.dataset import NOT_SET, projects
from tap_ga_legacy.rekey import resolve_project_id
from tests.emulator.test_emulator import check_discovery
from tests.support.dataset import DATASET, UI_VIEW_ID, VIEW_ID

DIMENSIONS = ("ga:date", "ga:dimension1", "ga:dimension2", "ga:pagePath")
METRICS = ("ga:pageviews", "ga:uniquePageviews")
#: A month of v1.x and one of v2.x (the UI outlived the CLI's GA).
MARCH_2021 = (dt.date(2021, 3, 1), dt.date(2021, 3, 31))
AUGUST_2022 = (dt.date(2022, 8, 1), dt.date(2022, 8, 31))


def _request(
    first: dt.date,
    last: dt.date,
    *,
    view: str = UI_VIEW_ID,
    dimensions: tuple[str, ...] = DIMENSIONS,
    metrics: tuple[str, ...] = METRICS,
    token: str | None = None,
    page_size: int = 100,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "viewId": view,
        "dateRanges": [{"startDate": str(first), "endDate": str(last)}],
        "dimensions": [{"name": name} for name in dimensions],
        "metrics": [{"expression": name} for name in metrics],
        "orderBys": [{"fieldName": "ga:date"}],
        "samplingLevel": "LARGE",
        "pageSize": page_size,
    }
    if token:
        request["pageToken"] = token
    return {"reportRequests": [request]}


def _post(emulator, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{emulator.url}/v4/reports:batchGet", json=body, timeout=30)


def _pages(emulator, first: dt.date, last: dt.date, **kwargs: Any) -> list[dict]:
    """Every report page of a request, following nextPageToken."""
    pages, token = [], None
    while True:
        response = _post(emulator, _request(first, last, token=token, **kwargs))
        assert response.status_code == 200, response.text
        (report,) = response.json()["reports"]
        pages.append(report)
        token = report.get("nextPageToken")
        if token is None:
            return pages


def _rows(pages: list[dict]) -> list[tuple[list[str], list[int]]]:
    return [
        (row["dimensions"], [int(v) for v in row["metrics"][0]["values"]])
        for page in pages
        for row in page["data"].get("rows", [])
    ]


def _day(date: str) -> str:
    return f"{date[:4]}-{date[4:6]}-{date[6:]}"


@pytest.mark.parametrize("month", [MARCH_2021, AUGUST_2022])
def test_pages_add_up_to_the_planted_answers(emulator, month):
    pages = _pages(emulator, *month)
    rows = _rows(pages)
    assert len(pages) > 1, "a month is more than one page of 100"
    assert all(page["data"]["rowCount"] == len(rows) for page in pages)
    found: defaultdict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (date, dimension1, dimension2, path), (views, unique) in rows:
        assert views >= unique >= 1
        key = (
            resolve_project_id("", dimension1)[0],
            ui_views.page_route(path, dimension2),
            _day(date),
        )
        found[key][0] += views
        found[key][1] += unique
    planted = ui_views.ui_pageviews(DATASET, *month)
    assert {k: tuple(v) for k, v in found.items()} == planted
    per_day = Counter(key[2] for key in planted)
    assert len(per_day) >= 20, "most days of the month have UI traffic"


def test_rows_per_day_and_totals(emulator):
    pages = _pages(emulator, *MARCH_2021)
    rows = _rows(pages)
    served = Counter(_day(dims[0]) for dims, _ in rows)
    stored = Counter(
        _day(r.date) for r in ui_views.rows_in_range(DATASET, UI_VIEW_ID, *MARCH_2021)
    )
    assert served == stored
    # Totals are the rows' sums, metric by metric, on every page.
    sums = [sum(m[0] for _, m in rows), sum(m[1] for _, m in rows)]
    for page in pages:
        assert page["data"]["totals"] == [{"values": [str(s) for s in sums]}]
    assert sums[0] > sums[1] > 0


def test_dimensions_and_metrics_follow_the_request(emulator):
    dimensions = ("ga:pagePath", "ga:date", "ga:pageTitle")
    metrics = ("ga:uniquePageviews", "ga:pageviews")
    (page,) = _pages(
        emulator, *MARCH_2021, dimensions=dimensions, metrics=metrics, page_size=5000
    )
    header = page["columnHeader"]
    assert header["dimensions"] == list(dimensions)
    assert [m["name"] for m in header["metricHeader"]["metricHeaderEntries"]] == list(
        metrics
    )
    rows = _rows([page])
    assert all(unique <= views for _, (unique, views) in rows)
    assert all(len(dims) == 3 and dims[1].startswith("2021") for dims, _ in rows)
    titles = {dims[2] for dims, _ in rows}
    assert {"Meltano: Pipelines", ui_views.NOT_FOUND_TITLE} <= titles
    # Fewer dimensions: GA sums the rows they cannot tell apart.
    served = sum(views for _, (_, views) in rows)
    assert served == sum(
        r.pageviews for r in ui_views.rows_in_range(DATASET, UI_VIEW_ID, *MARCH_2021)
    )


def test_versions_and_dimensions_are_the_eras(emulator):
    rows = [
        r
        for month in (MARCH_2021, AUGUST_2022)
        for r in ui_views.rows_in_range(DATASET, UI_VIEW_ID, *month)
    ]
    versions = {r.dimension2 for r in rows}
    assert NOT_SET not in versions, "dimension 2 is set from v1.2.1"
    parsed = {ui_views.parse_version(v) for v in versions}
    assert all((1, 2, 1) <= v <= (2, 6, 0) for v in parsed)
    assert any(v >= (2, 0, 0) for v in parsed), "v2.x in August 2022"
    assert (1, 27, 1) not in parsed, "v1.27.1's UI broke with tracking on"
    assert any(r.dimension1 == NOT_SET for r in rows)
    paths = {r.page_path for r in rows}
    assert any("?extractor=" in p and "&loader=" in p for p in paths)
    assert any(p.startswith("/-/embed/") and "?today=" in p for p in paths)
    assert any(p.endswith("/") for p in paths)
    names = {p.name for project in projects(DATASET.seed, DATASET.projects)
             for p in project.plugins if not p.is_hub}  # fmt: skip
    assert any(p.rsplit("/", 1)[-1] in names for p in paths), "custom plugin names"


def test_the_first_days_have_no_dimension_2():
    first = ui_views.UI_FIRST_DAY
    rows = ui_views.rows_in_range(DATASET, UI_VIEW_ID, first, dt.date(2019, 12, 31))
    assert rows, "the UI sent pageviews from v1.1.0"
    assert min(r.date for r in rows) >= first.strftime("%Y%m%d")
    versions = {r.dimension2 for r in rows}
    assert NOT_SET in versions
    assert versions - {NOT_SET}, "and dimension 2 from v1.2.1"
    before = ui_views.rows_in_range(DATASET, UI_VIEW_ID, dt.date(2019, 6, 1), first)
    assert all(r.date == first.strftime("%Y%m%d") for r in before)
    after = ui_views.UI_LAST_DAY + dt.timedelta(days=1)
    assert not ui_views.rows_in_range(DATASET, UI_VIEW_ID, after, dt.date(2022, 12, 31))


def test_every_path_maps_to_its_route_unless_it_was_not_found():
    rows = ui_views.rows_in_range(
        DATASET, UI_VIEW_ID, dt.date(2019, 10, 1), dt.date(2022, 9, 30)
    )
    routes = Counter()
    for row in rows:
        route = ui_views.page_route(row.page_path, row.dimension2)
        assert (route == ui_views.UNKNOWN) == (
            row.page_title == ui_views.NOT_FOUND_TITLE
        ), row
        routes[route] += 1
    assert set(routes) == {r.template for r in ui_views.ROUTES} | {ui_views.UNKNOWN}
    # A few hundred rows a month, so the tests stay fast.
    months = Counter(r.date[:6] for r in rows)
    assert 20 <= max(months.values()) <= 600


@pytest.mark.parametrize(
    ("path", "version", "route"),
    [
        ("/pipelines/create?extractor=tap-gitlab&loader=target-csv", "1.50.0",
         "/pipelines/create"),
        ("/pipelines/", "1.50.0", "/pipelines"),
        ("/pipelines/gitlab-to-csv", "2.0.1", "/pipelines/:jobId"),
        ("/pipelines/gitlab-to-csv", "2.1.0", "/pipelines/:stateId"),
        ("/pipeline/extract", "1.50.0", ui_views.UNKNOWN),
        ("/pipeline/extract", NOT_SET, "/pipeline/extract"),
        ("/pipeline/transform", "1.11.1", ui_views.UNKNOWN),
        ("/analyze/acme/model-gitlab/gitlab/issues", "1.30.0",
         "/analyze/:namespace+/:model/:design"),
        ("/analyze/tap-gitlab", "1.30.0", "/analyze/:extractor"),
        ("/analyze/m/g/d/reports/report/weekly", "1.12.1",
         "/analyze/:namespace+/:model/:design/reports/report/:slug"),
        ("/dashboards/kpis", "2.0.0", ui_views.UNKNOWN),
        ("/extractors/tap-acme-api-7", "1.44.0", "/extractors/:extractor"),
        ("/extractors/tap-acme-api-7", "1.45.0", "/extractors/:plugin"),
        ("/-/embed/abc?today=2021-03-04", "2.6.0", "/-/embed/:token"),
        ("/", "1.50.0", ui_views.UNKNOWN),
    ],
)  # fmt: skip
def test_page_route_follows_the_contracts_table(path, version, route):
    assert ui_views.page_route(path, version) == route


def test_project_ids_are_keyed_as_the_tap_rekeys_them():
    ids = [p.project_id for p in projects(DATASET.seed, DATASET.projects)]
    assert any(i != i.lower() for i in ids)
    assert any("-project" in i for i in ids)
    for value in [*ids, NOT_SET, ""]:
        assert ui_views.canonical_project_id(value) == resolve_project_id("", value)[0]


def test_no_event_rows_on_the_ui_view_and_no_pageviews_on_the_cli_view(emulator):
    events = _post(
        emulator,
        _request(
            *MARCH_2021,
            dimensions=("ga:date", "ga:eventCategory", "ga:dimension1"),
            metrics=("ga:totalEvents",),
        ),
    ).json()["reports"][0]
    assert "rows" not in events["data"]
    assert events["data"]["totals"] == [{"values": ["0"]}]
    pageviews = _post(emulator, _request(*MARCH_2021, view=VIEW_ID)).json()
    assert "rows" not in pageviews["reports"][0]["data"]
    cli_events = _post(
        emulator,
        _request(*MARCH_2021, view=VIEW_ID, dimensions=("ga:date",),
                 metrics=("ga:totalEvents",)),
    ).json()  # fmt: skip
    assert cli_events["reports"][0]["data"]["rowCount"] == 31 - 1, "one outage day"


def test_an_unknown_field_is_refused_as_ua_does(emulator):
    response = _post(emulator, _request(*MARCH_2021, dimensions=("ga:pagePat",)))
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Field ga:pagePat is not a valid dimension."
    )


def _report(emulator, **kwargs: Any) -> dict[str, Any]:
    response = _post(emulator, _request(*MARCH_2021, page_size=5000, **kwargs))
    assert response.status_code == 200, response.text
    payload = response.json()
    check_discovery(payload, {"$ref": "GetReportsResponse"})
    return payload["reports"][0]


#: Each fault, and what a client sees of it on the UI view's report.
FAULT_EFFECTS = {
    "sampled": lambda r, n: r["data"]["samplesReadCounts"] == ["499630"],
    "not_golden": lambda r, n: r["data"]["isDataGolden"] is False,
    "other_row": lambda r, n: any(
        row["dimensions"][3] == "(other)" for row in r["data"]["rows"]
    ),
    "drop_rows": lambda r, n: len(r["data"]["rows"]) == n // 2,
    "row_count_changed": lambda r, n: (
        r["data"]["rowCount"] == n + 1
        and r["data"]["rows"][0]["dimensions"][3] == "/late"
    ),
    "totals_mismatch": lambda r, n: all(
        int(t) == s + 1
        for t, s in zip(
            r["data"]["totals"][0]["values"], _sums(r["data"]["rows"]), strict=True
        )
    ),
    "reordered_columns": lambda r, n: (
        r["columnHeader"]["dimensions"]
        == ["ga:date", "ga:dimension2", "ga:dimension1", "ga:pagePath"]
    ),
    "short_row": lambda r, n: len(r["data"]["rows"][0]["dimensions"]) == 3,
    "extra_dimension": lambda r, n: r["data"]["rows"][0]["dimensions"][-1] == "extra",
    "extra_metric": lambda r, n: len(r["data"]["rows"][0]["metrics"][0]["values"]) == 3,
    "no_metric": lambda r, n: r["data"]["rows"][0]["metrics"] == [],
    "no_metric_values": lambda r, n: (
        r["data"]["rows"][0]["metrics"] == [{"values": []}]
    ),
    "count_value": lambda r, n: r["data"]["rows"][0]["metrics"][0]["values"][0] == "x",
    "date_value": lambda r, n: r["data"]["rows"][0]["dimensions"][0] == "x",
}


def _first(report: dict[str, Any]) -> dict[str, Any]:
    return report["data"]["rows"][0]


def _sums(rows: list[dict]) -> list[int]:
    return [sum(int(row["metrics"][0]["values"][i]) for row in rows) for i in range(2)]


@pytest.mark.parametrize("kind", sorted(FAULT_EFFECTS))
def test_faults_break_the_ui_report_as_they_break_events(emulator, kind):
    rows = len(ui_views.rows_in_range(DATASET, UI_VIEW_ID, *MARCH_2021))
    clean = _report(emulator)
    assert clean["data"]["rowCount"] == rows
    assert [int(t) for t in clean["data"]["totals"][0]["values"]] == _sums(
        clean["data"]["rows"]
    )
    emulator.add_fault(kind=kind, api="ua", property_id=UI_VIEW_ID, value="x")
    # Scoped to the UI view: the CLI view's report does not use it up.
    _report(
        emulator, view=VIEW_ID, dimensions=("ga:date",), metrics=("ga:totalEvents",)
    )
    broken = _report(emulator)
    assert FAULT_EFFECTS[kind](broken, rows), broken["data"].get("rows", [])[:2]
    assert _report(emulator) == clean, "a fault fires once"


def test_an_error_fault_on_the_ui_view_uses_googles_envelope(emulator):
    emulator.add_fault(kind="error", status=429, api="ua", property_id=UI_VIEW_ID)
    response = _post(emulator, _request(*MARCH_2021))
    assert response.status_code == 429
    assert response.json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    assert _post(emulator, _request(*MARCH_2021)).status_code == 200


@pytest.mark.parametrize("now", ["2021-04-10T12:00:00Z", "2021-03-31T12:00:00Z"])
def test_the_last_days_are_half_processed_until_final(emulator, now):
    requests.post(f"{emulator.url}/__emulator/clock", json={"now": now}, timeout=5)
    report = _report(emulator)
    planted = ui_views.ui_pageviews(DATASET, *MARCH_2021)
    views = sum(v for v, _ in planted.values())
    served = int(report["data"]["totals"][0]["values"][0])
    golden = now.startswith("2021-04-10")
    assert report["data"]["isDataGolden"] is golden
    assert (served == views) is golden
    assert served <= views


def test_sampling_and_other_rows_cover_pageviews(emulator):
    rows = ui_views.rows_in_range(DATASET, UI_VIEW_ID, *MARCH_2021)
    views = sum(r.pageviews for r in rows)
    emulator.state.dataset = replace(
        DATASET, sampling_threshold=views // 2, cardinality_limit=20
    )
    report = _report(emulator)
    data = report["data"]
    assert data["samplingSpaceSizes"] == [str(views)]
    others = [r for r in data["rows"] if r["dimensions"][3] == "(other)"]
    assert others
    assert len(data["rows"]) == 20 + len(others)
    assert all(
        int(v) >= int(u) for r in data["rows"] for v, u in [r["metrics"][0]["values"]]
    )


def _csv_tables(text: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """The comment block, the report table and the Day Index table of an export."""
    head, report, days = text.split("\n\n")
    return (
        head.splitlines(),
        list(csv.reader(report.splitlines())),
        list(csv.reader(days.splitlines())),
    )


@pytest.mark.parametrize(
    ("language", "locale", "header", "day_index"),
    [
        ("en", "en", "Date,Page,Project ID,Meltano Version,Pageviews,Unique Pageviews",
         ["Day Index", "Pageviews"]),
        ("de", "de", "Datum,Seite,Project ID,Meltano Version,Seitenaufrufe,"
         "Eindeutige Seitenaufrufe", ["Tagesindex", "Seitenaufrufe"]),
    ],
)  # fmt: skip
def test_the_pages_export_is_the_interfaces_flat_table(
    language, locale, header, day_index
):
    first, last = dt.date(2021, 3, 1), dt.date(2021, 5, 31)
    rows = ui_views.rows_in_range(DATASET, UI_VIEW_ID, first, last)
    text = ui_exports.export_pages_csv(
        rows, view_name="Meltano UI", first=first, last=last, language=language,
        locale=locale,
    )  # fmt: skip
    comments, table, days = _csv_tables(text)
    assert comments[1:4] == ["# Meltano UI", "# Pages", "# 20210301-20210531"]
    assert ",".join(table[0]) == header
    assert days[0] == day_index
    separator = ui_exports.SEPARATORS[locale]

    def number(cell: str) -> int:
        return int(cell.replace(separator, ""))

    *body, totals = table[1:]
    assert len(body) == len(rows), "one title per path: nothing to sum"
    views = sum(r.pageviews for r in rows)
    unique = sum(r.unique_pageviews for r in rows)
    assert views > 1000, "the totals need a thousands separator"
    assert totals == ["", "", "", "", f"{views:,}".replace(",", separator),
                      f"{unique:,}".replace(",", separator)]  # fmt: skip
    assert {(r[0], r[1], r[2], r[3]) for r in body} == {
        (r.date, r.page_path, r.dimension1, r.dimension2) for r in rows
    }
    per_day = Counter()
    for r in rows:
        per_day[r.date] += r.pageviews
    assert [number(c) for _, c in days[1:-1]] == [per_day[d] for d in sorted(per_day)]
    assert number(days[-1][1]) == views


def test_the_pages_export_can_name_the_title_and_the_custom_dimensions():
    rows = ui_views.rows_in_range(DATASET, UI_VIEW_ID, *MARCH_2021)
    text = ui_exports.export_pages_csv(
        rows, view_name="Meltano UI", first=MARCH_2021[0], last=MARCH_2021[1],
        page_title=True, custom_dimensions=("project_id", "version"), day_index=False,
    )  # fmt: skip
    _, table = text.split("\n\n")
    header, first, *_ = csv.reader(table.splitlines())
    assert header == ["Date", "Page", "Page Title", "project_id", "version",
                      "Pageviews", "Unique Pageviews"]  # fmt: skip
    assert first[2].startswith("Meltano")


def _ua_data(url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(f"{url}/v4/reports:batchGet", json=body, timeout=30)
    return response.json()["reports"][0]["data"]


def test_the_command_line_serves_the_ui_view_it_is_given():
    # The emulator prints its URLs once it serves: no waiting on a clock.
    with subprocess.Popen(
        [sys.executable, "-m", "ga_emulator", "--ui-view-id", "111"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            url = json.loads(process.stdout.readline())["url"]
            served = _ua_data(url, _request(*MARCH_2021, view="111"))
            default = _ua_data(url, _request(*MARCH_2021))
        finally:
            process.terminate()
    assert served["rowCount"] == len(
        ui_views.rows_in_range(DATASET, UI_VIEW_ID, *MARCH_2021)
    )
    assert "rows" not in default, "188384771 is a CLI view when not named"


def test_the_contracts_request_is_a_valid_ua_request():
    body = _request(*MARCH_2021, dimensions=(*DIMENSIONS, "ga:pageTitle"), token="100")
    check_discovery(body, {"$ref": "GetReportsRequest"})


TEMPLATES = {r.template for r in ui_views.ROUTES} | {ui_views.UNKNOWN}
SEGMENT = st.text(
    st.characters(blacklist_characters="/?", blacklist_categories=("Cs",)), max_size=12
)


@given(
    segments=st.lists(
        st.sampled_from(["pipelines", "create", "extractors", "analyze", "-", "embed"])
        | SEGMENT,
        max_size=6,
    ),
    query=st.text(max_size=20),
    version=st.sampled_from(
        [NOT_SET, *(ui_views.version_text(v) for v, _ in ui_views.RELEASES)]
    ),
)
def test_any_page_path_gets_a_route_whatever_its_slashes_and_query(
    segments, query, version
):
    path = "/" + "/".join(segments)
    route = ui_views.page_route(path, version)
    assert route in TEMPLATES
    assert ui_views.page_route(path + "/", version) == route
    assert ui_views.page_route(f"{path}?{query}", version) == route
