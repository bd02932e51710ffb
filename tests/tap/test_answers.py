"""Malformed or shifting answers from GA: one clear line, never a wrong row.

Each fault is served by the emulator on page 2 of the first window (page 1 is
whole), through the real tap CLI, for UA and for GA4 over REST and gRPC.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tap_ga_legacy.settings import GA4_DEFAULT_FIELDS, UA_DEFAULT_FIELDS
from tests.support.dataset import PROPERTY_ID, START, VIEW_ID, expected_rows
from tests.support.tap import run_tap

PAGE = 50
LAST = START + dt.timedelta(days=2)  # the first window (window_days 3)
ROUTES = ("ga4-rest", "ga4-grpc", "ua")
BOOKMARK_KEPT = "The bookmark stays before this window."


def _setup(config, emulator, route):
    api = route.split("-")[0]
    if api == "ua":
        return "ua", {**config, "property_ids": [], "page_size": PAGE}
    endpoint = emulator.grpc_url if route == "ga4-grpc" else emulator.url
    transport = route.split("-")[1]
    run_config = {
        **config,
        "view_ids": [],
        "page_size": PAGE,
        "transport": transport,
        "api_endpoint": endpoint,
    }
    return "ga4", run_config


def _where(api: str, page: int = 2, row: int | None = 1) -> str:
    noun = "GA4 property" if api == "ga4" else "UA view"
    id_ = PROPERTY_ID if api == "ga4" else VIEW_ID
    at = f", row {row}" if row else ""
    return f"{noun} {id_} ({START}..{LAST}), page {page}{at}"


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "| ERROR" in line]


def _assert_stopped(run, api: str, message: str) -> None:
    """Exit 1, one error line (the tap's), page 1 written, no bookmark."""
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    (line,) = _error_lines(run.stderr)
    assert line.endswith(f"| {message}"), line
    assert run.stderr.rstrip("\n").endswith(message)
    window = expected_rows(PROPERTY_ID if api == "ga4" else VIEW_ID, START, LAST)
    page_1 = sorted(
        (r.date, r.category, r.action, r.label, r.dimension1, r.count) for r in window
    )[:PAGE]
    written = [
        (
            r["event_date"].replace("-", ""),
            r["event_category"],
            r["event_action"],
            r["event_label"],
            r["project_dimension"],
            r["event_count"],
        )
        for r in run.records
    ]
    assert written == page_1, "page 1 as GA sent it, nothing after the deviation"
    assert not run.states, "the window was not finished: no bookmark"


def _fields(api: str) -> list[str]:
    return list((GA4_DEFAULT_FIELDS if api == "ga4" else UA_DEFAULT_FIELDS).values())


SHAPES = {
    "short_row": "4 dimension values and 1 metric value",
    "extra_dimension": "6 dimension values and 1 metric value",
    "extra_metric": "5 dimension values and 2 metric values",
    "no_metric": "5 dimension values and 0 metric values",
    "no_metric_values": "5 dimension values and 0 metric values",
}


@pytest.mark.parametrize("kind", list(SHAPES))
@pytest.mark.parametrize("route", ROUTES)
def test_row_with_wrong_number_of_values_stops(config, emulator, tmp_path, route, kind):
    api, run_config = _setup(config, emulator, route)
    emulator.add_fault(kind=kind, api=api, after=1)
    run = run_tap(run_config, tmp_path)
    _assert_stopped(
        run,
        api,
        f"{_where(api)}: values: expected 5 dimension values and 1 metric value,"
        f" got {SHAPES[kind]}. {BOOKMARK_KEPT}",
    )


@pytest.mark.parametrize("route", ROUTES)
def test_columns_reordered_on_a_later_page_stop(config, emulator, tmp_path, route):
    api, run_config = _setup(config, emulator, route)
    emulator.add_fault(kind="reordered_columns", api=api, after=1)
    run = run_tap(run_config, tmp_path)
    asked = _fields(api)
    came = [asked[0], asked[2], asked[1], *asked[3:]]
    _assert_stopped(
        run,
        api,
        f"{_where(api, row=None)}: columns: expected {asked}, got {came}."
        f" {BOOKMARK_KEPT}",
    )


#: Parsing is shared by every route: each value once, each route at least once.
COUNTS = [" 7", "+7", "1_000", "\u0667", "-1", "", "7.0", "9223372036854775808"]


@pytest.mark.parametrize(
    ("route", "value"),
    [("ga4-rest", v) for v in COUNTS] + [("ga4-grpc", "+7"), ("ua", "\u0667")],
)
def test_lenient_counts_stop(config, emulator, tmp_path, route, value):
    api, run_config = _setup(config, emulator, route)
    emulator.add_fault(kind="count_value", api=api, after=1, value=value)
    run = run_tap(run_config, tmp_path)
    _assert_stopped(
        run,
        api,
        f"{_where(api)}: {_fields(api)[-1]}: expected an integer"
        f" 0..9223372036854775807 in ASCII digits, got {value!r}. {BOOKMARK_KEPT}",
    )


def test_count_of_5000_digits_stops_with_one_line(config, emulator, tmp_path):
    """Python's int() refuses over 4,300 digits: the tap's own check comes first."""
    api, run_config = _setup(config, emulator, "ua")
    value = "9" * 5000
    emulator.add_fault(kind="count_value", api=api, after=1, value=value)
    run = run_tap(run_config, tmp_path)
    _assert_stopped(
        run,
        api,
        f"{_where(api)}: {_fields(api)[-1]}: expected an integer"
        f" 0..9223372036854775807 in ASCII digits, got {value[:40]!r}..."
        f" (5,000 characters). {BOOKMARK_KEPT}",
    )


def test_largest_int64_count_is_kept(config, emulator, tmp_path):
    """Parsed and written exactly; then GA's own total, which it is not part
    of, stops the run: the sum past int64 is compared exactly too."""
    api, run_config = _setup(config, emulator, "ua")
    emulator.add_fault(kind="count_value", api=api, value=str(2**63 - 1))
    run = run_tap(run_config, tmp_path)
    assert run.records[0]["event_count"] == 2**63 - 1
    window = expected_rows(VIEW_ID, START, LAST)
    total = sum(r.count for r in window)
    first = min(window, key=lambda r: (r.date, r.category, r.action, r.label))
    rows_sum = total - first.count + 2**63 - 1
    assert run.returncode == 1, run.stderr
    (line,) = _error_lines(run.stderr)
    assert line.endswith(
        f"| UA view {VIEW_ID} ({START}..{LAST}): the rows add up to {rows_sum}"
        f" events, GA's total for the window is {total}: GA changed or dropped"
        " rows while they were read. Run again; if it persists, lower"
        f" window_days and report it. {BOOKMARK_KEPT}"
    ), line
    assert not run.states, "the window did not add up: no bookmark"


FULLWIDTH = "\uff12\uff10\uff12\uff11\uff10\uff13\uff10\uff14"  # 20210304
DATES = [
    ("ua", FULLWIDTH, ""),
    ("ua", "20210230", ""),
    ("ua", "20210307", ""),
    ("ua", "2021-03-04", ""),
    ("ua", "(other)", " Lower window_days to avoid '(other)' rows."),
    ("ga4-rest", FULLWIDTH, ""),
    ("ga4-grpc", "20210303", ""),
]


@pytest.mark.parametrize(("route", "value", "hint"), DATES)
def test_dates_that_are_not_days_of_the_window_stop(
    config, emulator, tmp_path, route, value, hint
):
    api, run_config = _setup(config, emulator, route)
    emulator.add_fault(kind="date_value", api=api, after=1, value=value)
    run = run_tap(run_config, tmp_path)
    _assert_stopped(
        run,
        api,
        f"{_where(api)}: {_fields(api)[0]}: expected a day {START}..{LAST} as"
        f" YYYYMMDD, got {value!r}.{hint} {BOOKMARK_KEPT}",
    )


@pytest.mark.parametrize("route", ROUTES)
def test_row_inserted_while_paging_stops(config, emulator, tmp_path, route):
    """Issue 10: UA emitted a, a, b and moved the bookmark."""
    api, run_config = _setup(config, emulator, route)
    emulator.add_fault(kind="row_count_changed", api=api, after=1, times=None)
    run = run_tap(run_config, tmp_path)
    rows = len(expected_rows(PROPERTY_ID if api == "ga4" else VIEW_ID, START, LAST))
    _assert_stopped(
        run,
        api,
        f"{_where(api, row=None)}: rowCount changed while paging: expected {rows},"
        f" got {rows + 1}. GA was still processing this window: run again later."
        f" {BOOKMARK_KEPT}",
    )


@pytest.mark.parametrize("route", ROUTES)
def test_googles_multi_line_message_is_one_line(config, emulator, tmp_path, route):
    api, run_config = _setup(config, emulator, route)
    emulator.add_fault(
        kind="error", status=400, api=api, message="Bad field.\r\nSee the docs"
    )
    run = run_tap(run_config, tmp_path)
    assert run.returncode == 1
    (line,) = _error_lines(run.stderr)
    assert line.endswith(
        f"| {_where(api, page=1, row=None).removesuffix(', page 1')}: HTTP 400:"
        f" {'INVALID_ARGUMENT: ' if route != 'ga4-grpc' else ''}Bad field. See the"
        " docs. Google rejected the request: check the id and the field names in"
        " the `dimensions` setting (GA4 custom dimensions must be registered on the"
        " property)."
    ), line
    assert "An unhandled error occurred" not in run.stderr
    assert run.stderr.count("\n") == len(run.stderr.splitlines())
    assert "See the docs" in run.stderr.splitlines()[-1]
