"""The ``pageviews`` stream against the emulator's Meltano UI view.

The same contract as ``events``: every row GA has, exactly once, keyed and
rekeyed; its own state per view; its windows proved in ``report_windows``;
Google's failures retried or stopped with one line and no bookmark.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from ga_emulator.ui_views import rows_in_range
from tap_ga_legacy.rekey import pageview_key, resolve_project_id
from tests.support.dataset import DATASET, END, START, UI_VIEW_ID, VIEW_ID
from tests.support.tap import run_tap

BOOKMARK_KEPT = "The bookmark stays before this window."


def _day(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def _expected(
    view: str = UI_VIEW_ID, start=START, end=END, *, titles: bool = False
) -> dict[str, dict]:
    """What the tap must write per pageview_key: the emulator's rows, summed
    over the titles when none are asked for (GA then returns one row for them)."""
    sums: defaultdict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows_in_range(DATASET, view, start, end):
        title = row.page_title if titles else None
        key = (_day(row.date), row.page_path, title, row.dimension1, row.dimension2)
        sums[key][0] += row.pageviews
        sums[key][1] += row.unique_pageviews
    expected = {}
    for (day, path, title, dimension, version), (views, unique) in sums.items():
        project_id, source = resolve_project_id("", dimension)
        key = pageview_key("ua", view, day, path, title, dimension, version)
        expected[key] = {
            "property_id": view,
            "api": "ua",
            "event_date": day,
            "page_path": path,
            "page_title": title,
            "project_dimension": dimension,
            "meltano_version": version,
            "pageviews": views,
            "unique_pageviews": unique,
            "project_id": project_id,
            "project_id_source": source,
            "origin": "api",
        }
    return expected


def _by_key(records: list[dict]) -> dict[str, dict]:
    keys = Counter(r["pageview_key"] for r in records)
    assert [k for k, n in keys.items() if n > 1] == [], "a pageview_key twice"
    return {
        r["pageview_key"]: {k: v for k, v in r.items() if k != "pageview_key"}
        for r in records
    }


@pytest.fixture
def ui_config(config: dict) -> dict:
    """The UI view alone, a week in windows of three days."""
    return {**config, "property_ids": [], "view_ids": [], "ui_view_ids": [UI_VIEW_ID]}


def test_the_emulator_serves_the_ui_view_a_weeks_worth():
    """The fixtures below mean something: rows, projects, several versions."""
    rows = rows_in_range(DATASET, UI_VIEW_ID, START, END)
    assert len(rows) > 20
    assert len({r.dimension2 for r in rows}) > 1
    assert rows_in_range(DATASET, VIEW_ID, START, END) == []


@pytest.mark.parametrize("page_size", [100_000, 7])
def test_every_pageview_row_arrives_exactly_once(ui_config, tmp_path, page_size):
    run = run_tap({**ui_config, "page_size": page_size}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.records == [], "the UI view feeds pageviews, not events"
    got = _by_key(run.stream_records("pageviews"))
    assert got == _expected()
    windows = run.windows
    assert {w["stream"] for w in windows} == {"pageviews"}
    assert [(w["first_day"], w["last_day"]) for w in windows] == [
        ("2021-03-04", "2021-03-06"),
        ("2021-03-07", "2021-03-09"),
        ("2021-03-10", "2021-03-10"),
    ]
    # The proof holds ga:pageviews, reconciled with GA's own total.
    assert sum(w["events_sum"] for w in windows) == sum(
        r["pageviews"] for r in got.values()
    )
    assert all(w["events_sum"] == w["events_total"] for w in windows)
    if page_size == 7:
        assert sum(w["requests"] for w in windows) > len(windows)


def test_page_titles_split_rows_when_asked_for(ui_config, tmp_path):
    run = run_tap({**ui_config, "ui_page_titles": True}, tmp_path)
    assert run.returncode == 0, run.stderr
    got = _by_key(run.stream_records("pageviews"))
    assert got == _expected(titles=True)
    assert None not in {r["page_title"] for r in got.values()}


def test_the_cli_view_has_no_pageviews(ui_config, tmp_path):
    run = run_tap({**ui_config, "ui_view_ids": [VIEW_ID]}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stream_records("pageviews") == []
    assert {w["rows"] for w in run.windows} == {0}


def test_each_stream_keeps_its_own_state_per_view(config, tmp_path):
    both = {**config, "ui_view_ids": [UI_VIEW_ID]}
    first = run_tap({**both, "end_date": "2021-03-06"}, tmp_path)
    assert first.returncode == 0, first.stderr
    state = first.states[-1]
    pageviews = state["bookmarks"]["pageviews"]["partitions"]
    assert [(p["context"], p["replication_key_value"]) for p in pageviews] == [
        ({"api": "ua", "property_id": UI_VIEW_ID}, "2021-03-06")
    ]
    events = {
        p["context"]["api"]: p["replication_key_value"]
        for p in state["bookmarks"]["events"]["partitions"]
    }
    assert events == {"ga4": "2021-03-06", "ua": "2021-03-06"}
    # The next run goes on from each bookmark: lookback 0, so no day twice.
    second = run_tap({**both, "lookback_days": 0}, tmp_path, state=state)
    assert second.returncode == 0, second.stderr
    got = _by_key(
        first.stream_records("pageviews") + second.stream_records("pageviews")
    )
    assert got == _expected()
    assert min(r["event_date"] for r in second.stream_records("pageviews")) == (
        "2021-03-07"
    )
    # A pageviews bookmark alone: events start over, pageviews do not.
    only = {"bookmarks": {"pageviews": state["bookmarks"]["pageviews"]}}
    third = run_tap({**both, "lookback_days": 0}, tmp_path, state=only)
    assert third.returncode == 0, third.stderr
    assert min(r["event_date"] for r in third.records) == START.isoformat()
    assert min(r["event_date"] for r in third.stream_records("pageviews")) == (
        "2021-03-07"
    )


def test_a_bad_pageviews_bookmark_stops_before_any_report(
    ui_config, emulator, tmp_path
):
    state = {
        "bookmarks": {
            "pageviews": {
                "partitions": [
                    {
                        "context": {"api": "ua", "property_id": UI_VIEW_ID},
                        "replication_key": "event_date",
                        "replication_key_value": "03/06/2021",
                    }
                ]
            }
        }
    }
    run = run_tap(ui_config, tmp_path, state=state)
    assert run.returncode == 1
    assert (
        f"UA view {UI_VIEW_ID}: the state's bookmark '03/06/2021' is not a day as"
        " the tap writes it (YYYY-MM-DD)."
    ) in run.stderr
    assert emulator.state.requests == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_errors_are_retried(ui_config, emulator, tmp_path, status):
    emulator.add_fault(kind="error", status=status, api="ua", times=2)
    run = run_tap(ui_config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert _by_key(run.stream_records("pageviews")) == _expected()
    assert f"UA view {UI_VIEW_ID} (2021-03-04..2021-03-06): HTTP {status}" in run.stderr
    assert "retry 2 of 3" in run.stderr


def _error_lines(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if "| ERROR" in line]


def _bookmarks(run) -> list[str]:
    """Every pageviews bookmark any STATE message set (events' have none here)."""
    return [
        p["replication_key_value"]
        for state in run.states
        for p in state["bookmarks"].get("pageviews", {}).get("partitions", [])
        if p.get("replication_key_value")
    ]


def test_a_client_error_stops_with_one_line(ui_config, emulator, tmp_path):
    emulator.add_fault(kind="error", status=400, api="ua", times=None)
    run = run_tap(ui_config, tmp_path)
    assert run.returncode == 1
    (line,) = _error_lines(run)
    assert f"UA view {UI_VIEW_ID} (2021-03-04..2021-03-06): HTTP 400" in line
    assert "Traceback" not in run.stderr
    assert _bookmarks(run) == []


def test_totals_that_do_not_add_up_stop_without_a_bookmark(
    ui_config, emulator, tmp_path
):
    emulator.add_fault(kind="totals_mismatch", api="ua", times=1)
    run = run_tap(ui_config, tmp_path)
    assert run.returncode == 1
    last = START + dt.timedelta(days=2)
    views = sum(r["pageviews"] for r in _expected(end=last).values())
    (line,) = _error_lines(run)
    assert line.endswith(
        f"| UA view {UI_VIEW_ID} ({START}..{last}): the rows add up to {views}"
        f" pageviews, GA's total for the window is {views + 1}: GA changed or"
        " dropped rows while they were read. Run again; if it persists, lower"
        f" window_days and report it. {BOOKMARK_KEPT}"
    ), line
    assert _bookmarks(run) == []
    assert run.windows == []


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        pytest.param(
            "short_row",
            None,
            "row 1: values: expected 4 dimension values and 2 metric values, got"
            " 3 dimension values and 2 metric values.",
            id="short-row",
        ),
        pytest.param(
            "count_value",
            "+7",
            "row 1: ga:pageviews: expected an integer 0..9223372036854775807 in"
            " ASCII digits, got '+7'.",
            id="count",
        ),
        pytest.param(
            "date_value",
            "20210230",
            "row 1: ga:date: expected a day 2021-03-04..2021-03-06 as YYYYMMDD,"
            " got '20210230'.",
            id="date",
        ),
        pytest.param(
            "reordered_columns",
            None,
            "columns: expected ['ga:date', 'ga:dimension1', 'ga:dimension2',"
            " 'ga:pagePath', 'ga:pageviews', 'ga:uniquePageviews'], got",
            id="columns",
        ),
    ],
)
def test_a_malformed_page_stops_with_one_line(
    ui_config, emulator, tmp_path, kind, value, message
):
    emulator.add_fault(
        kind=kind, api="ua", times=1, **({"value": value} if value else {})
    )
    run = run_tap(ui_config, tmp_path)
    assert run.returncode == 1
    (line,) = _error_lines(run)
    assert f"UA view {UI_VIEW_ID} (2021-03-04..2021-03-06), page 1" in line
    assert message in line, line
    assert line.endswith(BOOKMARK_KEPT)
    assert _bookmarks(run) == []
    assert run.stream_records("pageviews") == [], "nothing of the window"


def test_a_sampled_window_is_split_and_pulled_again(ui_config, emulator, tmp_path):
    emulator.add_fault(kind="sampled", api="ua", times=1)
    run = run_tap(ui_config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "pulling it again as two halves" in run.stderr
    assert _by_key(run.stream_records("pageviews")) == _expected()
    assert max(w["split_depth"] for w in run.windows) == 1


def test_windows_grow_after_easy_ones(ui_config, tmp_path):
    grow = {**ui_config, "window_days": 1, "max_window_days": 4}
    run = run_tap(grow, tmp_path)
    assert run.returncode == 0, run.stderr
    sizes = [
        (
            dt.date.fromisoformat(w["last_day"]) - dt.date.fromisoformat(w["first_day"])
        ).days
        + 1
        for w in run.windows
    ]
    assert sizes == [1, 2, 4]
    assert _by_key(run.stream_records("pageviews")) == _expected()
