"""Every row GA has, exactly once: paging edge cases through the real clients."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from ga_emulator.dataset import is_outage
from tap_ga_legacy.rekey import event_key, resolve_project_id
from tests.support.dataset import (
    DATASET,
    END,
    OUTAGE_DAY,
    PROPERTY_ID,
    START,
    VIEW_ID,
    expected_rows,
)
from tests.support.tap import run_tap


def _expected_records(
    api: str, property_id: str, start=START, end=END
) -> dict[str, dict]:
    records = {}
    for row in expected_rows(property_id, start, end):
        day = dt.datetime.strptime(row.date, "%Y%m%d").date().isoformat()
        project_id, source = resolve_project_id(row.label, row.dimension1)
        key = event_key(
            api, property_id, day, row.category, row.action, row.label, row.dimension1
        )
        records[key] = {
            "event_date": day,
            "event_category": row.category,
            "event_action": row.action,
            "event_label": row.label,
            "project_dimension": row.dimension1,
            "event_count": row.count,
            "project_id": project_id,
            "project_id_source": source,
            "origin": "api",
        }
    return records


def _by_key(records: list[dict], api: str) -> dict[str, dict]:
    mine = [r for r in records if r["api"] == api]
    keys = Counter(r["event_key"] for r in mine)
    assert not [k for k, n in keys.items() if n > 1], "duplicate event_key"
    return {
        r["event_key"]: {k: v for k, v in r.items() if k not in {"event_key", "api"}}
        for r in mine
    }


def _strip_property(records: dict[str, dict]) -> dict[str, dict]:
    return {
        k: {f: v for f, v in r.items() if f != "property_id"}
        for k, r in records.items()
    }


@pytest.mark.parametrize("transport", ["rest", "grpc"])
def test_ga4_rows_arrive_exactly_once(config, emulator, tmp_path, transport):
    endpoint = emulator.url if transport == "rest" else emulator.grpc_url
    config = {
        **config,
        "view_ids": [],
        "transport": transport,
        "api_endpoint": endpoint,
    }
    run = run_tap({**config, "page_size": 97}, tmp_path)
    assert run.returncode == 0, run.stderr
    got = _by_key(run.records, "ga4")
    assert _strip_property(got) == _expected_records("ga4", PROPERTY_ID)
    assert {r["property_id"] for r in got.values()} == {PROPERTY_ID}


def test_ua_rows_arrive_exactly_once(config, tmp_path):
    run = run_tap({**config, "property_ids": [], "page_size": 97}, tmp_path)
    assert run.returncode == 0, run.stderr
    got = _strip_property(_by_key(run.records, "ua"))
    assert got == _expected_records("ua", VIEW_ID)


#: The requests a GA4 property costs before its first report (ga4.py check).
GA4_CHECKS = {"ga4:getMetadata": 1, "ga4:checkCompatibility": 1}


@pytest.mark.parametrize(
    ("page_size", "requests"),
    [
        pytest.param(60, 2, id="rowCount-twice-the-page"),
        pytest.param(120, 1, id="rowCount-equals-page"),
        pytest.param(7, 18, id="last-page-partial"),
        pytest.param(1000, 1, id="page-larger-than-day"),
    ],
)
def test_page_boundaries(config, emulator, tmp_path, page_size, requests):
    day = dt.date(2021, 3, 10)  # a Wednesday: exactly 120 rows per property
    assert len(expected_rows(PROPERTY_ID, day, day)) == 120
    assert len(expected_rows(VIEW_ID, day, day)) == 120
    run = run_tap(
        {
            **config,
            "start_date": str(day),
            "end_date": str(day),
            "page_size": page_size,
        },
        tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert Counter(r["api"] for r in run.records) == {"ga4": 120, "ua": 120}
    sent = Counter(request["api"] for request in emulator.state.requests)
    # No extra request for an empty page after an exact multiple; GA4's
    # checks go once before the first report.
    assert sent == {"ga4": requests, "ua": requests, **GA4_CHECKS}


def test_empty_day_gives_no_rows_but_moves_the_bookmark(config, emulator, tmp_path):
    assert is_outage(DATASET, OUTAGE_DAY)
    day = str(OUTAGE_DAY)
    run = run_tap({**config, "start_date": day, "end_date": day}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.records == []
    assert run.bookmarks() == {f"ga4:{PROPERTY_ID}": day, f"ua:{VIEW_ID}": day}
    sent = Counter(request["api"] for request in emulator.state.requests)
    assert sent == {"ga4": 1, "ua": 1, **GA4_CHECKS}


def test_requests_ask_for_a_total_order(config, emulator, tmp_path):
    """Offset paging is only stable with orderBys over every dimension."""
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    ga4 = next(r["body"] for r in emulator.state.requests if r["api"] == "ga4")
    names = [d["name"] for d in ga4["dimensions"]]
    assert [o["dimension"]["dimensionName"] for o in ga4["orderBys"]] == names
    assert names[0] == "date"
    ua = next(r["body"] for r in emulator.state.requests if r["api"] == "ua")
    (report,) = ua["reportRequests"]
    assert report["orderBys"][0]["fieldName"] == "ga:date"


@pytest.mark.parametrize("api", ["ga4", "ua"])
def test_missing_rows_are_detected(config, emulator, tmp_path, api):
    """A page shorter than announced must stop the run, not lose rows silently."""
    emulator.add_fault(kind="drop_rows", api=api, times=None)
    run = run_tap({**config, "page_size": 50}, tmp_path)
    assert run.returncode != 0
    assert "rows received in all pages (rowCount): expected " in run.stderr
    assert f"{api}:" not in "".join(run.bookmarks()), "no bookmark for that window"


def test_row_count_changing_between_pages_stops_the_run(config, emulator, tmp_path):
    emulator.add_fault(kind="row_count_changed", api="ga4", after=1)
    run = run_tap({**config, "view_ids": [], "page_size": 50}, tmp_path)
    assert run.returncode == 1
    first_window = len(expected_rows(PROPERTY_ID, START, START + dt.timedelta(days=2)))
    changed = (
        f"GA4 property {PROPERTY_ID} ({START}..{START + dt.timedelta(days=2)}),"
        f" page 2: rowCount changed while paging: expected {first_window},"
        f" got {first_window + 1}. GA was still processing this window: run again"
        " later. The bookmark stays before this window."
    )
    assert changed in run.stderr
    assert not run.states, "the window was not finished: no bookmark"
