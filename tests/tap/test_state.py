"""State: per-property bookmarks saved window by window, resumable, never ahead."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
from collections import Counter

import pytest
import requests

from tests.support.dataset import END, PROPERTY_ID, START, VIEW_ID, expected_rows
from tests.support.tap import TAP, TapRun, run_tap

GA4, UA = f"ga4:{PROPERTY_ID}", f"ua:{VIEW_ID}"


def _state(**bookmarks: str) -> dict:
    ids = {"ga4": PROPERTY_ID, "ua": VIEW_ID}
    return {
        "bookmarks": {
            "events": {
                "partitions": [
                    {
                        "context": {"api": api, "property_id": ids[api]},
                        "replication_key": "event_date",
                        "replication_key_value": value,
                    }
                    for api, value in bookmarks.items()
                ]
            }
        }
    }


def _date_ranges(emulator, api: str) -> list[tuple[str, str]]:
    ranges = []
    for request in emulator.state.requests:
        if request["api"] != api:
            continue
        body = request["body"]
        if api == "ua":
            body = body["reportRequests"][0]
        (date_range,) = body["dateRanges"]
        ranges.append((date_range["startDate"], date_range["endDate"]))
    return ranges


def test_first_run_bookmarks_each_property_at_end_date(config, tmp_path):
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.bookmarks() == {GA4: str(END), UA: str(END)}
    # One STATE per finished window (3 windows of 3 days) per property, at least.
    assert len(run.states) >= 6


def test_incremental_run_repulls_only_the_lookback_window(config, emulator, tmp_path):
    later = END + dt.timedelta(days=4)
    run = run_tap(
        {**config, "end_date": str(later), "lookback_days": 3},
        tmp_path,
        state=_state(ga4=str(END), ua=str(END)),
    )
    assert run.returncode == 0, run.stderr
    resume = str(END - dt.timedelta(days=2))  # 3 days up to and including END
    assert min(r["event_date"] for r in run.records) == resume
    assert _date_ranges(emulator, "ga4")[0][0] == resume
    assert _date_ranges(emulator, "ua")[0][0] == resume
    expected = len(expected_rows(PROPERTY_ID, dt.date.fromisoformat(resume), later))
    assert Counter(r["api"] for r in run.records)["ga4"] == expected
    assert run.bookmarks() == {GA4: str(later), UA: str(later)}


def test_up_to_date_property_sends_no_request(config, emulator, tmp_path):
    run = run_tap(
        {**config, "lookback_days": 0},
        tmp_path,
        state=_state(ga4=str(END), ua=str(END)),
    )
    assert run.returncode == 0, run.stderr
    assert run.records == []
    assert emulator.state.requests == []
    assert "up to date" in run.stderr


def test_bookmarks_are_independent_per_property(config, emulator, tmp_path):
    run = run_tap(config, tmp_path, state=_state(ua=str(END - dt.timedelta(days=1))))
    assert run.returncode == 0, run.stderr
    assert _date_ranges(emulator, "ga4")[0][0] == str(START)
    assert _date_ranges(emulator, "ua")[0][0] == str(END - dt.timedelta(days=3))


def test_lookback_never_reaches_before_start_date(config, emulator, tmp_path):
    run = run_tap(
        {**config, "lookback_days": 30}, tmp_path, state=_state(ga4=str(START))
    )
    assert run.returncode == 0, run.stderr
    assert _date_ranges(emulator, "ga4")[0][0] == str(START)


def test_failed_run_resumes_after_the_last_finished_window(config, emulator, tmp_path):
    """Windows of 3 days; the third GA4 request fails: state covers two windows."""
    emulator.add_fault(kind="error", status=403, api="ga4", after=2)
    config = {**config, "lookback_days": 0}
    first = run_tap(config, tmp_path)
    assert first.returncode != 0
    assert "HTTP 403" in first.stderr
    saved = first.states[-1]
    window_end = str(START + dt.timedelta(days=5))
    assert first.bookmarks(saved) == {GA4: window_end}

    second = run_tap(config, tmp_path, state=saved)
    assert second.returncode == 0, second.stderr
    ga4 = [r for r in first.records + second.records if r["api"] == "ga4"]
    keys = Counter(r["event_key"] for r in ga4)
    assert len(keys) == len(expected_rows(PROPERTY_ID)), "nothing lost"
    assert max(keys.values()) == 1, "nothing pulled twice"


def test_killed_run_resumes_from_its_last_state(config, emulator, tmp_path):
    """SIGKILL while a request hangs: the last STATE printed is a safe restart."""
    emulator.add_fault(kind="slow", api="ga4", delay_seconds=60, after=1)
    config = {**config, "lookback_days": 0, "view_ids": []}
    (tmp_path / "config.json").write_text(json.dumps(config))
    lines = []
    with subprocess.Popen(
        [TAP, "--config", str(tmp_path / "config.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        for line in process.stdout:
            lines.append(line)
            if '"type":"STATE"' in line:  # first window done, second request hangs
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=30)
    first = TapRun(-9, "".join(lines), "")
    assert first.bookmarks() == {GA4: str(START + dt.timedelta(days=2))}
    emulator.state.faults.clear()

    second = run_tap(config, tmp_path, state=first.states[-1])
    assert second.returncode == 0, second.stderr
    keys = Counter(r["event_key"] for r in first.records + second.records)
    assert len(keys) == len(expected_rows(PROPERTY_ID))
    assert max(keys.values()) == 1


@pytest.mark.parametrize(
    ("bookmark", "problem"),
    [
        ("not-a-date", "'not-a-date' is not a day as the tap writes it (YYYY-MM-DD)"),
        (
            "2022-03-05T00:00:00+00:00",
            "'2022-03-05T00:00:00+00:00' is not a day as the tap writes it",
        ),
        (20220305, "20220305 is not a day as the tap writes it (YYYY-MM-DD)"),
        ("2021-02-30", "'2021-02-30' is not a day as the tap writes it"),
        ("2099-01-01", "2099-01-01 is after today ("),
        ("2021-03-11", f"2021-03-11 is after end_date {END}: nothing would be pulled"),
    ],
)
def test_unusable_bookmark_stops_before_any_report(
    config, emulator, tmp_path, bookmark, problem
):
    run = run_tap(config, tmp_path, state=_state(ua=bookmark))
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    (line,) = [line for line in run.stderr.splitlines() if "| ERROR" in line]
    assert f"| UA view {VIEW_ID}: the state's bookmark {problem}" in line, line
    assert line.endswith(
        "Reset it: `meltano state clear <state id>` (`meltano state list` shows"
        " the ids), or run with a --state file without it."
    )
    assert not run.stdout, "no record, no state"
    checks = {"ga4:getMetadata", "ga4:checkCompatibility"}
    assert {r["api"] for r in emulator.state.requests} <= checks, "no report"


def _set_clock(emulator, now: str) -> None:
    requests.post(f"{emulator.url}/__emulator/clock", json={"now": now}, timeout=5)


@pytest.mark.parametrize("route", ["ua", "ga4-rest", "ga4-grpc"])
def test_default_end_date_is_yesterday_by_googles_clock(
    config, emulator, tmp_path, route
):
    """Without end_date: through yesterday in the property's zone (UTC for UA),
    by the Date Google answers with, whatever this machine's clock says."""
    _set_clock(emulator, "2021-03-11T12:00:00Z")
    api = route.split("-")[0]
    run_config = {k: v for k, v in config.items() if k != "end_date"}
    run_config["property_ids" if api == "ua" else "view_ids"] = []
    if route == "ga4-grpc":
        run_config |= {"transport": "grpc", "api_endpoint": emulator.grpc_url}
    run = run_tap(run_config, tmp_path)
    assert run.returncode == 0, run.stderr
    ranges = _date_ranges(emulator, api)
    # The emulator's properties are in UTC-8: its yesterday is 03-10 too.
    assert max(end for _, end in ranges) == "2021-03-10", ranges
    assert {r["event_date"] for r in run.records} <= {
        str(START + dt.timedelta(days=n)) for n in range(7)
    }
    # Finality by the same clock: GA4's last final day ends 72 h before
    # 2021-03-11T04:00 in UTC-8 (03-07); UA's window 03-07..09 is not golden
    # yet (the emulator finishes a day 48 h after its end).
    final = {"ga4": "2021-03-07", "ua": "2021-03-06"}[api]
    assert run.bookmarks() == {(GA4 if api == "ga4" else UA): final}
