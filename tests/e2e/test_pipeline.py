"""The daily job, incremental re-runs and backfills, with real Meltano and DuckDB."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests.e2e.meltano_project import (
    DAILY_STATE_ID,
    PROPERTY_ID,
    REPO,
    VIEW_ID,
    Project,
    Workspace,
    date_ranges,
    expected_rows,
    has_dbt,
    kill_group,
)

if TYPE_CHECKING:
    from ga_emulator.server import Emulator

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
    emulator_session: Emulator,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """One run of the daily job `ga-legacy-el`, and what it left behind."""
    workspace = Workspace(
        project, tmp_path_factory.mktemp("daily"), emulator_session.url
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
    expected = expected_rows(DAILY_START, DAILY_END)
    assert daily["result"].loaded() == expected
    assert daily["counts"] == (expected, expected)  # rows, distinct event_key
    assert daily["bookmarks"] == {
        f"ga4:{PROPERTY_ID}": DAILY_END.isoformat(),
        f"ua:{VIEW_ID}": DAILY_END.isoformat(),
    }


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
    assert result.loaded() == expected_rows(window_start, DAILY_END)
    assert workspace.event_counts() == daily["counts"]  # upserted: no duplicate
    assert workspace.bookmarks(DAILY_STATE_ID) == daily["bookmarks"]


def test_backfill_leaves_the_daily_state_untouched(daily: dict) -> None:
    workspace: Workspace = daily["workspace"]
    before = workspace.states()[DAILY_STATE_ID]
    rows_before = workspace.event_counts()[0]
    start, end = dt.date(2022, 2, 1), dt.date(2022, 2, 8)

    result = workspace.backfill(start.isoformat(), end.isoformat(), "--chunk-days=4")
    result.check()

    states = workspace.states()
    assert states[DAILY_STATE_ID] == before
    for first, last in [("2022-02-01", "2022-02-04"), ("2022-02-05", "2022-02-08")]:
        assert set(
            workspace.bookmarks(f"{DAILY_STATE_ID}:backfill-{first}-{last}").values()
        ) == {last}
    rows, keys = workspace.event_counts()
    assert rows == keys == rows_before + expected_rows(start, end)

    again = workspace.backfill(start.isoformat(), end.isoformat(), "--chunk-days=4")
    again.check()
    assert again.output.count("already done, skipping") == 2
    assert "Loading" not in again.output
    assert workspace.states() == states


def test_interrupted_backfill_resumes_after_the_last_finished_chunk(
    workspace: Workspace,
) -> None:
    start, end = dt.date(2022, 1, 3), dt.date(2022, 1, 11)
    argv = workspace.backfill_argv(start.isoformat(), end.isoformat(), "--chunk-days=3")
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
        while not _done_chunks(workspace):
            assert process.poll() is None, "the backfill ended before it was killed"
            assert time.monotonic() < deadline, "no chunk finished within 240 s"
            time.sleep(0.2)
    finally:
        # Chunk 2 is running now: kill the script and its meltano, tap, target.
        kill_group(process)
    finished = _done_chunks(workspace)
    assert 1 <= len(finished) < 3

    result = workspace.backfill(start.isoformat(), end.isoformat(), "--chunk-days=3")
    result.check()

    skipped = result.output.count("already done, skipping")
    assert skipped == len(finished)
    assert len(_done_chunks(workspace)) == 3
    expected = expected_rows(start, end)
    assert workspace.event_counts() == (expected, expected)
    assert DAILY_STATE_ID not in workspace.states()


def _done_chunks(workspace: Workspace) -> list[str]:
    try:
        return list(json.loads(workspace.progress_file.read_text())["done"])
    except (FileNotFoundError, ValueError):
        return []
