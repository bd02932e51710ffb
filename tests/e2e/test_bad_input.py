"""Bad input: one clear line naming the setting, a non-zero exit, no state."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.meltano import Result, Workspace

RUN = ("run", "tap-ga-legacy", "target-duckdb")
SMALL_RANGE = {
    "TAP_GA_LEGACY_START_DATE": "2022-05-01",
    "TAP_GA_LEGACY_END_DATE": "2022-05-03",
}


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _error_lines(result: Result, *words: str) -> list[str]:
    """The tap's log lines containing every word."""
    return [
        line
        for line in result.lines("tap-ga-legacy")
        if all(word in line for word in words) and not line.startswith(" ")
    ]


def _assert_failed_cleanly(workspace: Workspace, result: Result) -> None:
    assert result.returncode != 0
    assert "Extractor failed" in result.output, result.tail()
    assert workspace.states() == {}, "a failed run wrote state"


def test_malformed_date_in_the_environment(workspace: Workspace) -> None:
    result = workspace.meltano(
        *RUN, TAP_GA_LEGACY_START_DATE="2022-13-01", TAP_GA_LEGACY_END_DATE="2022-05-03"
    )
    _assert_failed_cleanly(workspace, result)
    assert _error_lines(result, "start_date", "'2022-13-01'", "YYYY-MM-DD")
    assert "Traceback" not in result.output


def test_unreachable_endpoint(workspace: Workspace) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    result = workspace.meltano(*RUN, TAP_GA_LEGACY_API_ENDPOINT=endpoint, **SMALL_RANGE)
    _assert_failed_cleanly(workspace, result)
    assert _error_lines(result, "api_endpoint", endpoint)


def test_missing_credential_in_prod(workspace: Workspace, tmp_path: Path) -> None:
    # prod reads the service-account key from TAP_GA_LEGACY_CREDENTIALS_JSON,
    # unset here, with no Application Default Credentials to fall back on
    # (empty gcloud config dir, no metadata server). target-duckdb stands in
    # for prod's target-snowflake: the tap must stop before either matters.
    env = {
        "CLOUDSDK_CONFIG": str(tmp_path / "gcloud"),
        "TAP_GA_LEGACY_API_ENDPOINT": "",
        **SMALL_RANGE,
    }
    result = workspace.meltano("--environment=prod", *RUN, **env)
    _assert_failed_cleanly(workspace, result)
    assert _error_lines(result, "No credentials", "credentials_json")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            "2022-13-01",
            "2022-05-03",
            "start '2022-13-01' is not a valid date; use YYYY-MM-DD, e.g. 2021-06-01.",
        ),
        (
            "2022-05-01",
            "2022/05/03",
            "end '2022/05/03' is not a valid date; use YYYY-MM-DD, e.g. 2021-06-01.",
        ),
        ("2022-05-03", "2022-05-01", "end 2022-05-01 is before start 2022-05-03."),
    ],
)
def test_backfill_rejects_bad_dates(
    workspace: Workspace, start: str, end: str, message: str
) -> None:
    result = workspace.backfill(start, end)
    assert result.returncode == 2
    assert result.output.strip().splitlines() == [f"backfill: error: {message}"]
    assert workspace.states() == {}
