"""Google's failures: retried when they pass, stopped with a reason when they don't."""

from __future__ import annotations

import socket
from collections import Counter

import pytest

from tests.support.dataset import PROPERTY_ID, VIEW_ID, expected_rows
from tests.support.tap import run_tap

ROWS = len(expected_rows(PROPERTY_ID)) + len(expected_rows(VIEW_ID))


def _sent(emulator) -> Counter:
    return Counter(request["api"] for request in emulator.state.requests)


@pytest.mark.parametrize("status", [429, 500, 503])
@pytest.mark.parametrize("api", ["ga4", "ua"])
def test_transient_errors_are_retried(config, emulator, tmp_path, status, api):
    emulator.add_fault(kind="error", status=status, api=api, times=2)
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.records) == ROWS
    assert f"HTTP {status}" in run.stderr
    assert "retry 2 of 3" in run.stderr


def test_quota_message_is_logged_on_retry(config, emulator, tmp_path):
    # A 429 that names no token quota (GA4's concurrent requests) passes: retried.
    emulator.add_fault(kind="error", status=429, api="ga4", times=1)
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert (
        f"GA4 property {PROPERTY_ID} (2021-03-04..2021-03-06): HTTP 429:"
        " RESOURCE_EXHAUSTED: Exhausted concurrent requests quota.; retry 1 of 3"
    ) in run.stderr


def test_grpc_transport_retries_resource_exhausted(config, emulator, tmp_path):
    emulator.add_fault(kind="error", status=429, api="ga4", times=1)
    grpc = {**config, "transport": "grpc", "api_endpoint": emulator.grpc_url}
    run = run_tap({**grpc, "view_ids": []}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.records) == len(expected_rows(PROPERTY_ID))
    assert "HTTP 429" in run.stderr


def test_slow_response_times_out_and_is_retried(config, emulator, tmp_path):
    # The answer that times out never comes in the run's time; every other one
    # has 5 s, a hundred times what it takes on a busy machine.
    emulator.add_fault(kind="slow", api="ua", delay_seconds=300, times=1)
    run = run_tap({**config, "request_timeout_seconds": 5}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "ReadTimeout" in run.stderr
    assert len(run.records) == ROWS


def test_gives_up_after_max_retries(config, emulator, tmp_path):
    emulator.add_fault(kind="error", status=503, api="ga4", times=None)
    run = run_tap(config, tmp_path)
    assert run.returncode != 0
    assert "gave up after 4 attempts" in run.stderr
    assert _sent(emulator)["ga4"] == 4


@pytest.mark.parametrize(
    ("status", "api", "message"),
    [
        pytest.param(400, "ga4", "check the id and the field names", id="ga4-400"),
        pytest.param(401, "ua", "The credentials were rejected", id="ua-401"),
        pytest.param(403, "ga4", "anonymous credentials has no access", id="ga4-403"),
        pytest.param(403, "ua", "grant it the Viewer role", id="ua-403"),
    ],
)
def test_client_errors_stop_without_retry(
    config, emulator, tmp_path, status, api, message
):
    emulator.add_fault(kind="error", status=status, api=api, times=None)
    run = run_tap(config, tmp_path)
    assert run.returncode != 0
    assert message in run.stderr
    assert f"HTTP {status}" in run.stderr
    assert _sent(emulator)[api] == 1, "a client error is never retried"


def test_grpc_permission_denied_names_the_property(config, emulator, tmp_path):
    emulator.add_fault(kind="error", status=403, api="ga4", times=None)
    grpc = {**config, "transport": "grpc", "api_endpoint": emulator.grpc_url}
    run = run_tap({**grpc, "view_ids": []}, tmp_path)
    assert run.returncode != 0
    assert f"GA4 property {PROPERTY_ID}" in run.stderr
    assert "has no access" in run.stderr


def test_daily_quota_is_not_retried(config, emulator, tmp_path):
    emulator.add_fault(
        kind="error",
        status=429,
        api="ua",
        times=None,
        message="Quota Error: Number of requests per day per view exceeded.",
    )
    run = run_tap(config, tmp_path)
    assert run.returncode == 1
    (line,) = [line for line in run.stderr.splitlines() if "| ERROR" in line]
    assert (
        f"| UA view {VIEW_ID} (2021-03-04..2021-03-06): quota requests per view per"
        " day used up (HTTP 429: RESOURCE_EXHAUSTED: Quota Error: Number of"
        " requests per day per view exceeded.); it resets at midnight Pacific"
        " time ("
    ) in line
    assert line.endswith(
        "min). State is saved through the last finished window: run again then."
    )
    assert _sent(emulator)["ua"] == 1


def test_unknown_dimension_is_a_clear_error(config, emulator, tmp_path):
    run = run_tap(
        {**config, "dimensions": {"ga4": {"project_dimension": "customEvent:pid"}}},
        tmp_path,
    )
    assert run.returncode == 1
    assert (
        f"| GA4 property {PROPERTY_ID}: dimension customEvent:pid does not exist"
        " on the property: register it in GA4 Admin > Custom definitions > Create"
        " custom dimension (scope Event, event parameter 'pid'), or change the"
        " `dimensions` setting. No report was requested."
    ) in run.stderr
    assert _sent(emulator)["ga4"] == 0, "getMetadata found it before any runReport"


SPLIT = "pulling it again as two halves"


@pytest.mark.parametrize(
    ("kind", "api", "logged"),
    [
        pytest.param(
            "sampled",
            "ga4",
            "SAMPLED (500000 of 2500000 sessions read): " + SPLIT,
            id="ga4-sampled",
        ),
        pytest.param(
            "sampled",
            "ua",
            "SAMPLED (499630 of 15328013 sessions read): " + SPLIT,
            id="ua-sampled",
        ),
        pytest.param("not_golden", "ua", "isDataGolden=false", id="ua-not-golden"),
        pytest.param(
            "other_row",
            "ga4",
            "rows rolled into '(other)' (dataLossFromOtherRow): " + SPLIT,
            id="ga4-other",
        ),
        pytest.param(
            "other_row",
            "ua",
            "rows rolled into '(other)' (dataLossFromOtherRow): " + SPLIT,
            id="ua-other",
        ),
    ],
)
def test_data_quality_flags_are_logged(config, emulator, tmp_path, kind, api, logged):
    """A sampled or (other) first window is split, never written; a window
    GA has not finished is written with a warning (and no bookmark)."""
    emulator.add_fault(kind=kind, api=api, times=1)
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert logged in run.stderr
    assert len({(r["event_key"], r["origin"]) for r in run.records}) == ROWS
    assert len(run.records) == ROWS, "no row of the doubtful window was written"


def test_quota_left_is_logged(config, tmp_path):
    run = run_tap({**config, "ua_use_resource_quotas": True}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "quota remaining tokensPerDay=" in run.stderr
    assert "quota remaining dailyQuotaTokensRemaining=" in run.stderr


def test_unreachable_endpoint_names_the_setting(config, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{closed}"
    run = run_tap({**config, "api_endpoint": endpoint}, tmp_path)
    assert run.returncode == 1
    assert f"cannot connect to {endpoint} (the api_endpoint setting)" in run.stderr
    assert "gave up after 4 attempts" in run.stderr
    assert "Traceback" not in run.stderr
    assert not run.states
