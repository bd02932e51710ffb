"""Issue 11 through the real tap CLI against the emulator: what the tap keeps
is complete, unsampled and final, or the run says why not.

Each case is produced by the emulator's data and clock (a sampling threshold,
a cardinality limit, GA's processing lag, token quotas, an unregistered
custom dimension), never by a mock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import requests

from tap_ga_legacy.tap import TapGaLegacy
from tests.support.dataset import (
    DATASET,
    END,
    PROPERTY_ID,
    START,
    VIEW_ID,
    expected_rows,
)
from tests.support.tap import TapRun, run_tap

if TYPE_CHECKING:
    from ga_emulator.dataset import Row
    from ga_emulator.server import Emulator

MARCH = (dt.date(2021, 3, 1), dt.date(2021, 3, 31))
BOOKMARK_KEPT = "The bookmark stays before this window."


def _row(r: Row) -> tuple[Any, ...]:
    day = f"{r.date[:4]}-{r.date[4:6]}-{r.date[6:]}"
    return (day, r.category, r.action, r.label, r.dimension1, r.count)


def _written(run: TapRun, api: str) -> list[tuple[Any, ...]]:
    fields = ("event_date", "event_category", "event_action", "event_label")
    fields += ("project_dimension", "event_count")
    return sorted(tuple(r[f] for f in fields) for r in run.records if r["api"] == api)


def _exact(property_id: str, first: dt.date, last: dt.date) -> list[tuple[Any, ...]]:
    return sorted(_row(r) for r in expected_rows(property_id, first, last))


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _set_clock(emulator: Emulator, now: str) -> None:
    requests.post(f"{emulator.url}/__emulator/clock", json={"now": now}, timeout=5)


def _set_quota(emulator: Emulator, **sizes: int) -> None:
    requests.post(f"{emulator.url}/__emulator/quota", json=sizes, timeout=5)


def _covered_once(windows: list[dict[str, Any]], first: dt.date, last: dt.date):
    """The kept windows of one property tile first..last: no gap, no overlap."""
    days = Counter(
        day
        for w in windows
        for day in _days(
            dt.date.fromisoformat(w["first_day"]), dt.date.fromisoformat(w["last_day"])
        )
    )
    assert days == Counter(_days(first, last))


def _error_lines(run: TapRun) -> list[str]:
    return [line for line in run.stderr.splitlines() if "| ERROR" in line]


def test_sampled_month_ends_as_unsampled_days(config, emulator, tmp_path):
    """GA samples a month but no single day: the tap halves down to what GA
    answers whole, and keeps exactly the emulator's rows."""
    day_sums = [
        sum(r.count for r in expected_rows(p, day, day))
        for p in (PROPERTY_ID, VIEW_ID)
        for day in _days(*MARCH)
    ]
    emulator.state.dataset = replace(DATASET, sampling_threshold=max(day_sums))
    first, last = MARCH
    run = run_tap(
        {
            **config,
            "start_date": str(first),
            "end_date": str(last),
            "window_days": 31,
            "max_window_days": 31,
        },
        tmp_path,
    )
    assert run.returncode == 0, run.stderr
    for api, property_id in (("ga4", PROPERTY_ID), ("ua", VIEW_ID)):
        assert _written(run, api) == _exact(property_id, first, last)
        kept = [w for w in run.windows if w["api"] == api]
        _covered_once(kept, first, last)
        assert not any(w["sampled"] for w in kept)
        assert all(w["events_sum"] == w["events_total"] for w in kept)
        assert max(w["split_depth"] for w in kept) >= 1
    assert f"{first}..{last}: SAMPLED (" in run.stderr
    assert run.bookmarks() == {
        f"ga4:{PROPERTY_ID}": str(last),
        f"ua:{VIEW_ID}": str(last),
    }


def test_other_week_is_split(config, emulator, tmp_path):
    """Past a cardinality limit GA rolls rows into (other): never kept."""
    per_day = [
        len(expected_rows(p, day, day))
        for p in (PROPERTY_ID, VIEW_ID)
        for day in _days(START, END)
    ]
    emulator.state.dataset = replace(DATASET, cardinality_limit=max(per_day))
    run = run_tap({**config, "window_days": 7, "max_window_days": 7}, tmp_path)
    assert run.returncode == 0, run.stderr
    for label in (f"GA4 property {PROPERTY_ID}", f"UA view {VIEW_ID}"):
        assert (
            f"{label}: {START}..{END}: rows rolled into '(other)'"
            " (dataLossFromOtherRow): pulling it again as two halves"
        ) in run.stderr
    for api, property_id in (("ga4", PROPERTY_ID), ("ua", VIEW_ID)):
        assert _written(run, api) == _exact(property_id, START, END)
        kept = [w for w in run.windows if w["api"] == api]
        _covered_once(kept, START, END)
        assert all(w["split_depth"] >= 1 for w in kept)
        assert not any(w["data_loss_from_other_row"] for w in kept)
        assert all(w["other_rows"] == 0 for w in kept)


def test_totals_mismatch_stops_without_a_bookmark(config, emulator, tmp_path):
    emulator.add_fault(kind="totals_mismatch", api="ga4", times=1)
    run = run_tap({**config, "view_ids": []}, tmp_path)
    assert run.returncode == 1
    last = START + dt.timedelta(days=2)
    rows = sum(r.count for r in expected_rows(PROPERTY_ID, START, last))
    (line,) = _error_lines(run)
    assert line.endswith(
        f"| GA4 property {PROPERTY_ID} ({START}..{last}): the rows add up to"
        f" {rows} events, GA's total for the window is {rows + 1}: GA changed or"
        " dropped rows while they were read. Run again; if it persists, lower"
        f" window_days and report it. {BOOKMARK_KEPT}"
    )
    assert "Traceback" not in run.stderr
    assert not run.states, "no bookmark for a window that did not add up"
    assert run.windows == [], "no proof for it either"


def test_non_final_days_are_pulled_again_without_lookback(config, emulator, tmp_path):
    """GA still processes the last days: emitted, not bookmarked, pulled again."""
    # 2021-03-11 04:00 in Los Angeles: GA4's 72 h make 03-07 the last final
    # day for the tap; the emulator serves 03-09 and 03-10 half processed.
    _set_clock(emulator, "2021-03-11T12:00:00Z")
    config = {**config, "lookback_days": 0}
    first = run_tap(config, tmp_path)
    assert first.returncode == 0, first.stderr
    # UA says so per window: 03-07..03-09 is not golden (03-09 is not done).
    assert first.bookmarks() == {
        f"ga4:{PROPERTY_ID}": "2021-03-07",
        f"ua:{VIEW_ID}": "2021-03-06",
    }
    late = dt.date(2021, 3, 9)
    assert _written(first, "ga4") != _exact(PROPERTY_ID, START, END)
    assert {w["final_through"] for w in first.windows if w["api"] == "ga4"} == {
        "2021-03-06",
        "2021-03-07",
        None,
    }

    _set_clock(emulator, "2021-03-20T12:00:00Z")
    second = run_tap(config, tmp_path, state=first.states[-1])
    assert second.returncode == 0, second.stderr
    assert _written(second, "ga4") == _exact(PROPERTY_ID, dt.date(2021, 3, 8), END)
    assert _written(second, "ua") == _exact(VIEW_ID, dt.date(2021, 3, 7), END)
    assert any(r[0] == str(late) for r in _written(second, "ga4"))
    assert second.bookmarks() == {
        f"ga4:{PROPERTY_ID}": str(END),
        f"ua:{VIEW_ID}": str(END),
    }


def test_hourly_quota_is_waited_out(config, emulator, monkeypatch, capsys, caplog):
    """The hourly quota runs out: the tap waits for the hour instead of
    failing, and every row comes once.

    The emulator's clock is frozen and moves only when the tap sleeps (the
    tap runs in this process, its sleep replaced by the clock's advance): the
    hour turns when the tap has waited for it, however slow the machine.
    """
    # Two tokens an hour, three requests (windows 03-04..06, 07..09, 10): the
    # second leaves none, so the tap waits for 10:00 once.
    clock = emulator.state.clock
    clock.set(dt.datetime(2021, 3, 20, 9, 59, 50, tzinfo=dt.UTC), frozen=True)
    _set_quota(emulator, tokensPerHour=2)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    monkeypatch.setattr("tap_ga_legacy.report_client.sleep", sleep)
    tap = TapGaLegacy(
        config={**config, "view_ids": [], "max_quota_wait_seconds": 60},
        parse_env_config=False,
    )
    # The SDK's logger writes to the stderr of its first Tap in this process.
    tap.logger.addHandler(caplog.handler)
    tap.sync_all()
    run = TapRun(0, capsys.readouterr().out, "")
    assert (
        f"GA4 property {PROPERTY_ID} (2021-03-07..2021-03-09): tokensPerHour has"
        " 0 tokens left, less than the last request cost (1); waiting 11 s for it"
        " to come back at 10:00 UTC (max_quota_wait_seconds 60)"
    ) in caplog.text
    # 10 s to the hour by the server's Date, and one for its whole seconds.
    assert waits == [11.0]
    written = _written(run, "ga4")
    assert written == _exact(PROPERTY_ID, START, END)
    assert len(written) == len(set(written)), "every row once"
    assert run.bookmarks() == {f"ga4:{PROPERTY_ID}": str(END)}
    assert [r["api"] for r in emulator.state.requests].count("ga4") == 3


def test_hourly_quota_beyond_the_wait_allowed_stops(config, emulator, tmp_path):
    """Through the CLI: a quota back in 11 s with 0 s allowed stops the run
    with one line saying when it comes back."""
    # Frozen: the hour is 10 s away whenever the tap asks.
    emulator.state.clock.set(
        dt.datetime(2021, 3, 20, 9, 59, 50, tzinfo=dt.UTC), frozen=True
    )
    _set_quota(emulator, tokensPerHour=1)
    run = run_tap({**config, "view_ids": [], "max_quota_wait_seconds": 0}, tmp_path)
    assert run.returncode == 1
    (line,) = _error_lines(run)
    assert (
        f"| GA4 property {PROPERTY_ID} ({START}..2021-03-06): quota tokensPerHour"
        " used up (tokensPerHour has 0 tokens left, less than the last request"
        " cost (1)); it resets at 2021-03-20 10:00 UTC, in "
    ) in line
    assert line.endswith(
        "in 11 s, longer than max_quota_wait_seconds (0). State is saved"
        " through the last finished window: run again then."
    )


def test_daily_quota_stops_and_the_next_run_finishes(config, emulator, tmp_path):
    _set_clock(emulator, "2021-03-20T12:00:00Z")
    _set_quota(emulator, tokensPerDay=2)
    config = {**config, "view_ids": [], "lookback_days": 0}
    first = run_tap(config, tmp_path)
    assert first.returncode == 1
    (line,) = _error_lines(first)
    assert (
        f"| GA4 property {PROPERTY_ID} ({END}..{END}): quota tokensPerDay used up"
        " (HTTP 429: RESOURCE_EXHAUSTED: Exhausted property tokens per day. These"
        " quota tokens will return in under a day.); it resets at midnight Pacific"
        " time (2021-03-21 07:00 UTC, in "
    ) in line
    assert line.endswith(
        "State is saved through the last finished window: run again then."
    )
    assert first.bookmarks() == {f"ga4:{PROPERTY_ID}": "2021-03-09"}

    _set_clock(emulator, "2021-03-21T12:00:00Z")  # the next Pacific day
    second = run_tap(config, tmp_path, state=first.states[-1])
    assert second.returncode == 0, second.stderr
    assert _written(second, "ga4") == _exact(PROPERTY_ID, END, END)
    both = sorted(_written(first, "ga4") + _written(second, "ga4"))
    assert both == _exact(PROPERTY_ID, START, END)
    assert second.bookmarks() == {f"ga4:{PROPERTY_ID}": str(END)}


def test_every_property_is_checked_before_any_report(config, emulator, tmp_path):
    """The second property's problem is found before the first one's reports,
    and listed with the first one's: one line each, no runReport at all."""
    second = "312647580"
    emulator.state.dataset = replace(
        DATASET,
        unregistered=(
            (PROPERTY_ID, "customEvent:event_label"),
            (second, "customEvent:project_id"),
        ),
    )
    run = run_tap({**config, "property_ids": [PROPERTY_ID, second]}, tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = _error_lines(run)
    assert [line.split("| ")[-1].split(":")[0] for line in lines] == [
        f"GA4 property {PROPERTY_ID}",
        f"GA4 property {second}",
    ]
    assert "dimension customEvent:event_label does not exist" in lines[0]
    assert "dimension customEvent:project_id does not exist" in lines[1]
    assert [r["api"] for r in emulator.state.requests] == ["ga4:getMetadata"] * 2
    assert run.records == []
    assert not run.states


def test_missing_custom_dimension_fails_before_any_report(config, emulator, tmp_path):
    emulator.state.dataset = replace(
        DATASET, unregistered=((PROPERTY_ID, "customEvent:project_id"),)
    )
    run = run_tap({**config, "view_ids": []}, tmp_path)
    assert run.returncode == 1
    (line,) = _error_lines(run)
    assert line.endswith(
        f"| GA4 property {PROPERTY_ID}: dimension customEvent:project_id does not"
        " exist on the property: register it in GA4 Admin > Custom definitions >"
        " Create custom dimension (scope Event, event parameter 'project_id'), or"
        " change the `dimensions` setting. No report was requested."
    )
    assert [r["api"] for r in emulator.state.requests] == ["ga4:getMetadata"]
    assert run.records == []
