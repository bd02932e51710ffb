"""Google's failures: retried when they pass, stopped with a reason when they don't."""

from __future__ import annotations

import socket
from collections import Counter

import pytest

from tests.conftest import PROPERTY_ID, VIEW_ID, expected_rows, run_tap

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
    emulator.add_fault(kind="error", status=429, api="ga4", times=1)
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "RESOURCE_EXHAUSTED: Exhausted property tokens for a project per hour" in (
        run.stderr
    )


def test_grpc_transport_retries_resource_exhausted(config, emulator, tmp_path):
    emulator.add_fault(kind="error", status=429, api="ga4", times=1)
    grpc = {**config, "transport": "grpc", "api_endpoint": emulator.grpc_url}
    run = run_tap({**grpc, "view_ids": []}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.records) == len(expected_rows(PROPERTY_ID))
    assert "HTTP 429" in run.stderr


def test_slow_response_times_out_and_is_retried(config, emulator, tmp_path):
    emulator.add_fault(kind="slow", api="ua", delay_seconds=3, times=1)
    run = run_tap({**config, "request_timeout_seconds": 0.5}, tmp_path)
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
    assert run.returncode != 0
    assert "The daily quota is used up" in run.stderr
    assert _sent(emulator)["ua"] == 1


def test_unknown_dimension_is_a_clear_error(config, emulator, tmp_path):
    run = run_tap(
        {**config, "dimensions": {"ga4": {"project_dimension": "customEvent:pid"}}},
        tmp_path,
    )
    assert run.returncode != 0
    assert "Field customEvent:pid is not a valid dimension" in run.stderr


@pytest.mark.parametrize(
    ("kind", "api", "warning"),
    [
        pytest.param(
            "sampled", "ga4", "SAMPLED data: 500000 of 2500000", id="ga4-sampled"
        ),
        pytest.param(
            "sampled", "ua", "SAMPLED data: 499630 of 15328013", id="ua-sampled"
        ),
        pytest.param("not_golden", "ua", "isDataGolden=false", id="ua-not-golden"),
        pytest.param("other_row", "ga4", "dataLossFromOtherRow", id="ga4-other"),
        pytest.param("other_row", "ua", "'(other)' rows", id="ua-other"),
    ],
)
def test_data_quality_flags_are_logged(config, emulator, tmp_path, kind, api, warning):
    emulator.add_fault(kind=kind, api=api, times=1)
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr
    assert warning in run.stderr
    assert len(run.records) == ROWS


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
