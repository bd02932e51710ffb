"""Two ways to run the tap, with one result: in-process (the default) and as a CLI.

``run_tap`` calls the tap's click command in this process, with stdout,
stderr and the environment swapped for the run: the same arguments, messages,
log lines and exit code as the CLI, without paying ~0.9 s of imports per run
(tests/tap/test_runners.py compares the two). ``run_tap(..., cli=True)``
starts the installed ``tap-ga-legacy`` executable, for what only a real
process shows: its exit status as a shell sees it, what reaches its stderr
before logging is set up, and a traceback that escapes everything.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tap_ga_legacy.tap import TapGaLegacy

if TYPE_CHECKING:
    from collections.abc import Iterator

TAP = str(Path(sys.executable).with_name("tap-ga-legacy"))


@dataclass
class TapRun:
    """What one run of the tap printed and how it ended."""

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


def _arguments(
    config: dict[str, Any],
    tmp_path: Path,
    state: dict[str, Any] | None,
    args: tuple[str, ...],
) -> list[str]:
    """``--config FILE [args] [--state FILE]``, the files written to tmp_path."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    arguments = ["--config", str(config_file), *args]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        arguments += ["--state", str(state_file)]
    return arguments


def _run_cli(arguments: list[str], env: dict[str, str]) -> TapRun:
    """Run the ``tap-ga-legacy`` executable as a user would, in a subprocess."""
    done = subprocess.run(
        [TAP, *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **env},
    )
    return TapRun(done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``env`` on top, as it was afterwards."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _exit_code(command: click.Command, arguments: list[str]) -> int:
    """Run the click command as its console script would; its exit status.

    What click's standalone mode and the interpreter do with what escapes it:
    a click error is printed as the CLI prints it, an exception as a traceback.
    """
    try:
        # Without standalone mode, click returns an Exit's code.
        code = command.main(arguments, prog_name="tap-ga-legacy", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except Exception:
        traceback.print_exc()
        return 1
    return code if isinstance(code, int) else 0


def run_tap(
    config: dict[str, Any],
    tmp_path: Path,
    *,
    state: dict[str, Any] | None = None,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    cli: bool = False,
) -> TapRun:
    """Run the tap with this config (and state): what it printed, its exit code.

    In this process, unless ``cli``: then the installed executable runs in a
    subprocess. In-process, the SDK adds a stderr handler to the root logger
    on each run; it is bound to this run's stderr and removed after it, as
    are the levels.
    """
    arguments = _arguments(config, tmp_path, state, args)
    if cli:
        return _run_cli(arguments, env or {})
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with (
            _environment(env or {}),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = _exit_code(TapGaLegacy.cli, arguments)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    out.flush()
    return TapRun(code, out.buffer.getvalue().decode(), err.getvalue())
