"""The daily job, incremental re-runs and backfills, with real Meltano and DuckDB."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import time
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests.support.dataset import PROPERTY_ID, VIEW_ID, dev_rows
from tests.support.meltano import (
    DAILY_STATE_ID,
    MELTANO,
    REPO,
    Project,
    Workspace,
    date_ranges,
    has_dbt,
    kill_group,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ga_emulator.server import Emulator
    from tests.support.emulator import Emulators

#: The daily job runs on the dev environment's own range (no override): the
#: blended dbt models expect GA coverage like the demo's.
DAILY_START, DAILY_END = dt.date(2022, 3, 1), dt.date(2022, 5, 31)
LOOKBACK_DAYS = 3  # the tap's default, not overridden in dev


def test_the_daily_range_is_the_dev_environments() -> None:
    dev = yaml.safe_load((REPO / "environments" / "dev.meltano.yml").read_text())
    (tap,) = dev["environments"][0]["config"]["plugins"]["extractors"]
    assert tap["config"]["start_date"] == DAILY_START.isoformat()
    assert tap["config"]["end_date"] == DAILY_END.isoformat()


@pytest.fixture(scope="module")
def daily(
    project: Project,
    emulators: Emulators,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """One run of the daily job `ga-legacy-el`, and what it left behind."""
    workspace = Workspace(
        project, tmp_path_factory.mktemp("daily"), emulators.serving().url
    )
    if has_dbt():
        workspace.load_snowplow_sample()
        job = ("ga-legacy-el",)
    else:
        job = ("tap-ga-legacy", "target-duckdb")
    result = workspace.meltano("run", *job).check()
    return {
        "workspace": workspace,
        "result": result,
        "counts": workspace.event_counts(),
        "bookmarks": workspace.bookmarks(DAILY_STATE_ID),
    }


def test_daily_job_loads_exactly_what_the_emulator_served(daily: dict) -> None:
    expected = dev_rows(DAILY_START, DAILY_END)
    assert daily["result"].loaded() == expected
    assert daily["counts"] == (expected, expected)  # rows, distinct event_key
    assert daily["bookmarks"] == {
        f"ga4:{PROPERTY_ID}": DAILY_END.isoformat(),
        f"ua:{VIEW_ID}": DAILY_END.isoformat(),
    }


def test_daily_job_loads_the_proof_next_to_events(daily: dict) -> None:
    """report_windows in the same schema: the kept windows tile the range and
    each adds up to GA's total and to what events holds for its days."""
    workspace: Workspace = daily["workspace"]
    windows = workspace.windows()
    assert daily["result"].loaded("report_windows") == len(windows)
    # The dev environment pulls the UI view too: its windows are pageviews'.
    for api in ("ga4", "ua"):
        kept = [w for w in windows if w[0] == api and w[-1] == "events"]
        assert kept[0][1] == DAILY_START
        assert kept[-1][2] == DAILY_END
        for (_, _, last, *_), (_, first, *_) in itertools.pairwise(kept):
            assert first == last + dt.timedelta(days=1), "no gap, no overlap"
        assert all(w[4] == w[5] for w in kept), "events_sum is GA's total"
        assert all(w[6] == w[2] for w in kept), "every day final"
        (events,) = workspace.query(
            "select sum(event_count) from tap_ga_legacy.events"
            f" where api = '{api}' and origin = 'api'"
        )[0]
        assert sum(w[4] for w in kept) == events


@pytest.mark.skipif(not has_dbt(), reason="no dbt project in transform/")
def test_daily_job_builds_the_models_that_read_the_table(daily: dict) -> None:
    workspace: Workspace = daily["workspace"]
    assert any("Completed successfully" in t for t in daily["result"].lines())
    (staged,) = workspace.query(
        "select table_schema from information_schema.tables"
        " where table_name = 'stg_ga_legacy__events'"
    )[0]
    (rows,) = workspace.query(f"select count(*) from {staged}.stg_ga_legacy__events")[0]
    assert rows == daily["counts"][0]


@pytest.mark.skipif(not has_dbt(), reason="no dbt project in transform/")
def test_hub_metrics_publish_writes_the_hub_files(daily: dict, tmp_path: Path) -> None:
    """The job: the mart for an as_of, the two files, the copy (dev: a folder)."""
    workspace: Workspace = daily["workspace"]
    out = tmp_path / "hub_metrics"
    workspace.meltano(
        "run",
        "hub-metrics-publish",
        HUB_METRICS_AS_OF=DAILY_END.isoformat(),
        HUB_METRICS_DATABASE=str(workspace.warehouse),
        HUB_METRICS_BUILD_DIR=str(tmp_path / "build"),
        HUB_METRICS_DESTINATION=str(out),
    ).check()
    text = (out / "variant_metrics.yml").read_text()
    assert text.startswith(
        "# MeltanoHub usage metrics for the three months up to 2022-05-31"
        " (2022-03-01..2022-05-31)."
    )
    metrics = yaml.safe_load(text)["metrics"]
    (repos,) = workspace.query(
        "select count(distinct repo) from analytics_marts.fct_hub_variant_metrics"
    )[0]
    assert len(metrics) == repos > 1000
    audit = yaml.safe_load((out / "audit.yml").read_text())["audit_log"]
    assert audit["github_metrics"] == {"UPDATED_DATE": None}
    (latest,) = workspace.query(
        "select max(metrics_updated_at) from analytics_marts.fct_hub_variant_metrics"
    )[0]
    updated = audit["meltano_metrics"]["UPDATED_DATE"]
    assert updated is None if latest is None else updated.replace(tzinfo=None) == latest


def test_second_run_repulls_only_the_lookback_window(
    daily: dict, emulator: Emulator
) -> None:
    workspace: Workspace = daily["workspace"]
    result = workspace.meltano("run", "tap-ga-legacy", "target-duckdb")
    result.check()

    window_start = DAILY_END - dt.timedelta(days=LOOKBACK_DAYS - 1)
    assert date_ranges(emulator.state.requests) == {
        ("ga4", window_start.isoformat(), DAILY_END.isoformat()),
        ("ua", window_start.isoformat(), DAILY_END.isoformat()),
    }
    assert result.loaded() == dev_rows(window_start, DAILY_END)
    assert workspace.event_counts() == daily["counts"]  # upserted: no duplicate
    assert workspace.bookmarks(DAILY_STATE_ID) == daily["bookmarks"]


def test_backfill_is_one_run_under_its_own_state_id(
    daily: dict, emulator: Emulator
) -> None:
    workspace: Workspace = daily["workspace"]
    before = workspace.states()[DAILY_STATE_ID]
    rows_before = workspace.event_counts()[0]
    start, end = dt.date(2022, 2, 1), dt.date(2022, 2, 8)
    backfill_id = f"{DAILY_STATE_ID}:backfill-2022-02-01-2022-02-08"

    result = workspace.backfill(start.isoformat(), end.isoformat())
    result.check()

    assert result.output.count("Running job with name") == 1  # one meltano run
    states = workspace.states()
    assert set(states) == {DAILY_STATE_ID, backfill_id}
    assert states[DAILY_STATE_ID] == before
    assert set(workspace.bookmarks(backfill_id).values()) == {end.isoformat()}
    rows, keys = workspace.event_counts()
    assert rows == keys == rows_before + dev_rows(start, end)

    # Run again, it continues from its own bookmark: only the lookback days.
    emulator.state.requests.clear()
    again = workspace.backfill(start.isoformat(), end.isoformat())
    again.check()
    lookback_start = (end - dt.timedelta(days=LOOKBACK_DAYS - 1)).isoformat()
    assert date_ranges(emulator.state.requests) == {
        ("ga4", lookback_start, end.isoformat()),
        ("ua", lookback_start, end.isoformat()),
    }
    assert workspace.event_counts() == (rows, keys)
    assert workspace.states()[DAILY_STATE_ID] == before


def test_dry_run_runs_nothing_and_prints_complete_commands(
    workspace: Workspace, emulator: Emulator
) -> None:
    result = workspace.backfill("2021-01-01", "2021-12-31", "--dry-run", "--transform")
    result.check()

    root = workspace.project.root
    assert result.output.splitlines() == [
        f"backfill: dry run, nothing was run. In {root}, it would run:",
        "  TAP_GA_LEGACY_START_DATE=2021-01-01 TAP_GA_LEGACY_END_DATE=2021-12-31"
        f" {MELTANO} --environment=dev run"
        " --state-id-suffix=backfill-2021-01-01-2021-12-31"
        " tap-ga-legacy target-duckdb",
        f"  {MELTANO} --environment=dev run dbt-duckdb:build-ga-legacy",
    ]
    assert emulator.state.requests == []
    assert workspace.states() == {}


def test_killed_backfill_resumes_at_once_and_never_runs_twice(
    workspace: Workspace, emulator: Emulator
) -> None:
    """SIGKILL while the tap pulls; the same command resumes without waiting."""
    start, end = dt.date(2022, 1, 3), dt.date(2022, 1, 16)
    backfill_id = f"{DAILY_STATE_ID}:backfill-2022-01-03-2022-01-16"
    # One day per window, a loader batch about that size (target-duckdb passes
    # the tap's state on after each batch it writes) and a slow API: the run
    # has saved some windows and is still pulling when it is killed.
    workspace.env["TAP_GA_LEGACY_WINDOW_DAYS"] = "1"
    workspace.env["TARGET_DUCKDB_BATCH_SIZE_ROWS"] = "100"
    emulator.add_fault(kind="slow", delay_seconds=0.5, times=None)
    argv = workspace.backfill_argv(start.isoformat(), end.isoformat())
    process = subprocess.Popen(
        argv,
        cwd=workspace.project.root,
        env=workspace.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not _saved_windows(workspace, backfill_id):
            assert process.poll() is None, "the backfill ended before it was killed"
            assert time.monotonic() < deadline, "no window finished within 240 s"
            time.sleep(0.2)
        # A second backfill of the same range while the first is alive: refused.
        second = workspace.backfill(start.isoformat(), end.isoformat())
        assert process.poll() is None, "the backfill ended before it was killed"
    finally:
        kill_group(process)
    assert second.returncode == 2, second.tail()
    assert second.lines()[-1] == (
        f"backfill: error: a run of {backfill_id} is still running (its heartbeat"
        " moved); not starting a second one. Wait for it, or stop it first."
    )
    saved = _saved_windows(workspace, backfill_id)
    assert saved, "killed before any window was saved"

    # Plain Meltano refuses for five minutes: the killed run is still RUNNING.
    plain = workspace.meltano(
        "run", "--state-id-suffix=backfill-2022-01-03-2022-01-16",
        "tap-ga-legacy", "target-duckdb",
        TAP_GA_LEGACY_START_DATE=start.isoformat(),
        TAP_GA_LEGACY_END_DATE=end.isoformat(),
    )  # fmt: skip
    assert plain.returncode != 0
    assert f"Another '{backfill_id}' pipeline is already running" in plain.output

    emulator.state.faults.clear()
    emulator.state.requests.clear()
    result = workspace.backfill(start.isoformat(), end.isoformat())
    result.check()

    assert (
        f"backfill: the last run of {backfill_id} was killed (its heartbeat"
        " stopped); resuming it now with --force"
    ) in result.lines()
    # It resumed from each saved bookmark (minus the tap's lookback days).
    for api, bookmark in saved.items():
        firsts = [s for a, s, _ in date_ranges(emulator.state.requests) if a == api]
        resumed = max(start, bookmark - dt.timedelta(days=LOOKBACK_DAYS - 1))
        assert min(firsts) == resumed.isoformat()
    expected = dev_rows(start, end)
    assert workspace.event_counts() == (expected, expected)  # every row once
    assert set(workspace.bookmarks(backfill_id).values()) == {end.isoformat()}
    assert DAILY_STATE_ID not in workspace.states()


def _saved_windows(workspace: Workspace, state_id: str) -> dict[str, dt.date]:
    """{api: bookmark} a (possibly still running) run has saved so far."""
    state = workspace.states().get(state_id)
    if not state:
        return {}
    merged = state["partial"] or state["completed"]
    partitions = (
        merged.get("singer_state", {})
        .get("bookmarks", {})
        .get("events", {})
        .get("partitions", [])
    )
    return {
        p["context"]["api"]: dt.date.fromisoformat(p["replication_key_value"])
        for p in partitions
        if p.get("replication_key_value")
    }
