"""Shared fixtures: a running GA API emulator, and a way to run the real tap CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from ga_emulator.dataset import DatasetConfig, Row, rows_in_range
from ga_emulator.server import Emulator

# Application Default Credentials would probe the GCE metadata server, an
# address outside this machine: tests (and every process they start) never do.
os.environ["NO_GCE_CHECK"] = "true"
os.environ["GCE_METADATA_HOST"] = os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"

# Hypothesis's deadline and its too_slow check time the machine: on a busy
# one they fail tests whose code is right. No test may depend on speed.
settings.register_profile(
    "any-speed", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("any-speed")

TAP = str(Path(sys.executable).with_name("tap-ga-legacy"))
VIEW_ID = "188392047"
PROPERTY_ID = "312647579"
DATASET = DatasetConfig()
#: A week with a weekend and an outage day (2021-03-05: no data at all) in it.
START, END = dt.date(2021, 3, 4), dt.date(2021, 3, 10)
OUTAGE_DAY = dt.date(2021, 3, 5)


#: Each folder of tests/ is a marker, so a run can pick what it tests:
#: ``pytest -m "tap or emulator"`` is ``make test-fast``.
SUITES = ("tap", "emulator", "e2e", "transform", "snowflake", "airflow", "docs")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with the folder it lives in (see SUITES)."""
    root = Path(__file__).parent
    for item in items:
        suite = item.path.relative_to(root).parts[0]
        if suite in SUITES:
            item.add_marker(getattr(pytest.mark, suite))


@dataclass
class TapRun:
    """What one run of the tap CLI printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line]

    @property
    def records(self) -> list[dict[str, Any]]:
        """The ``events`` records."""
        return self.stream_records("events")

    @property
    def windows(self) -> list[dict[str, Any]]:
        """The ``report_windows`` records: one per window kept."""
        return self.stream_records("report_windows")

    def stream_records(self, stream: str) -> list[dict[str, Any]]:
        return [
            m["record"]
            for m in self.messages
            if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    def bookmarks(self, state: dict[str, Any] | None = None) -> dict[str, str]:
        """``{"ga4:123": "2021-03-16", ...}`` from the last (or a given) state."""
        value = state if state is not None else (self.states or [{}])[-1]
        partitions = value.get("bookmarks", {}).get("events", {}).get("partitions", [])
        return {
            f"{p['context']['api']}:{p['context']['property_id']}": p.get(
                "replication_key_value"
            )
            for p in partitions
        }


def run_tap(
    config: dict[str, Any],
    tmp_path: Path,
    *,
    state: dict[str, Any] | None = None,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> TapRun:
    """Run ``tap-ga-legacy`` as a user would, in a subprocess."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    command = [TAP, "--config", str(config_file), *args]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        command += ["--state", str(state_file)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return TapRun(done.returncode, done.stdout, done.stderr)


def expected_rows(
    property_id: str, start: dt.date = START, end: dt.date = END
) -> list[Row]:
    """What the emulator serves for one property and range."""
    return rows_in_range(DATASET, property_id, start, end)


@pytest.fixture(scope="session")
def emulator_session() -> Emulator:
    with Emulator(DATASET, grpc_port=0) as emulator:
        yield emulator


@pytest.fixture
def emulator(emulator_session: Emulator) -> Emulator:
    """The shared emulator, with no pending fault and an empty request log,
    its clock on real time, its GA4 token quotas full at their sizes and its
    dataset the default one (a test may swap in a variant)."""
    state = emulator_session.state
    state.dataset = DATASET
    state.faults.clear()
    state.requests.clear()
    state.clock.reset()
    state.quota.reset()
    yield emulator_session
    state.dataset = DATASET
    state.faults.clear()
    state.clock.reset()
    state.quota.reset()


@pytest.fixture
def config(emulator: Emulator) -> dict[str, Any]:
    """A working config for both APIs over one week, with fast retries."""
    return {
        "property_ids": [PROPERTY_ID],
        "view_ids": [VIEW_ID],
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "api_endpoint": emulator.url,
        "backoff_base_seconds": 0.01,
        "backoff_max_seconds": 0.05,
        "max_retries": 3,
        "window_days": 3,
        "max_window_days": 3,
    }
