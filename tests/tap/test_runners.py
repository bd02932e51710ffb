"""The in-process runner tells what the CLI tells: the tap tests can trust it.

Most tap tests call the tap's click command in-process (tests/support/tap.py)
to save a process start each. Here the same runs go through both runners:
the exit code, the Singer messages and the log lines must agree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.emulator import reset
from tests.support.tap import TapRun, run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from ga_emulator.server import Emulator

#: What differs between two runs of the same thing: the clock, the process
#: id, and the durations and timestamps in metrics and records.
_VARIES = re.compile(
    r"^\S+ \S+ \| |\"pid\":\d+|\"value\":\d+\.\d+(e-?\d+)?"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"
)


def _log(run: TapRun) -> list[str]:
    return [_VARIES.sub("", line) for line in run.stderr.splitlines()]


def _messages(run: TapRun) -> list[dict[str, Any]]:
    """The messages, with the times that differ between two runs removed."""
    kept = []
    for sent in run.messages:
        message = {k: v for k, v in sent.items() if k != "time_extracted"}
        if message.get("stream") == "report_windows" and "record" in message:
            record = dict(message["record"])
            record.pop("extracted_at", None)
            message["record"] = record
        kept.append(message)
    return kept


@pytest.mark.parametrize(
    ("change", "fault", "code"),
    [
        pytest.param({}, None, 0, id="a-good-run"),
        pytest.param({"window_days": 0}, None, 1, id="bad-config"),
        pytest.param(
            {"max_retries": 0},
            {"kind": "error", "status": 500, "api": "ua", "times": 1},
            1,
            id="an-explained-failure",
        ),
    ],
)
def test_both_runners_give_the_same_run(
    config: dict,
    emulator: Emulator,
    tmp_path: Path,
    change: dict,
    fault: dict | None,
    code: int,
) -> None:
    runs = []
    for cli, folder in ((False, "in-process"), (True, "cli")):
        reset(emulator)  # the same quotas left and faults pending for both
        if fault:
            emulator.add_fault(**fault)
        (tmp_path / folder).mkdir()
        runs.append(run_tap({**config, **change}, tmp_path / folder, cli=cli))
    inside, cli = runs
    assert inside.returncode == cli.returncode == code, cli.stderr[-2000:]
    assert _messages(inside) == _messages(cli)
    assert _log(inside) == _log(cli)
    assert "Traceback" not in inside.stderr + cli.stderr
