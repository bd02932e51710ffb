"""The installed Meltano project and its workspaces (e2e, Airflow, Snowflake tests).

The project is copied to a temporary directory once per session and
``meltano install`` runs there once; every test then gets a *workspace*: its
own Meltano system database (MELTANO_DATABASE_URI) and its own DuckDB file
(TARGET_DUCKDB_FILEPATH / DBT_DUCKDB_PATH), so tests share the plugin venvs but
no state or rows. The GA API emulator runs in-process on a free port.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MELTANO = str(BIN / "meltano")
DAILY_STATE_ID = "dev:tap-ga-legacy-to-target-duckdb"
#: What the e2e copy of the project needs: the Meltano files, the tap's source
#: (installed with `pip_url: -e .`), the dbt project and the scripts.
PROJECT_FILES = (
    "meltano.yml",
    "extract",
    "load",
    "transform",
    "orchestrate",
    "environments",
    # The versions the plugins' pip_urls are constrained to.
    "constraints",
    "scripts",
    "tap_ga_legacy",
    # The uv workspace's dev-only members: the tap's pyproject names them.
    "packages",
    "pyproject.toml",
    "README.md",
)
#: Variables from the caller's shell that would change what a run does.
FOREIGN_ENV = re.compile(
    r"^(TAP_GA_LEGACY_|TARGET_DUCKDB_|TARGET_SNOWFLAKE_|DBT_|SNOWFLAKE_|MELTANO_"
    r"|GOOGLE_|GCE_|CLOUDSDK_)"
)
#: A log line of `meltano run`: timestamp, level, then the plugin's name.
LOG_LINE = re.compile(r"^\S+ \[(?P<level>\w+)\s*\] (?P<source>\S+)\s+(?P<text>.*)$")


def copy_project(root: Path) -> None:
    """Copy the project's files (not its build output or plugin venvs) to root."""
    ignore = shutil.ignore_patterns(
        "__pycache__", "target", "logs", "dbt_packages", ".meltano", "*.egg-info"
    )
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, root / name)


def has_dbt() -> bool:
    """Whether the dbt project is there (the job's dbt step needs it)."""
    return (REPO / "transform" / "dbt_project.yml").exists()


def base_env() -> dict[str, str]:
    """The caller's environment minus anything that configures the pipeline."""
    env = {k: v for k, v in os.environ.items() if not FOREIGN_ENV.match(k)}
    # Plugins run from the copy, with the project's .venv first on PATH.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # No Google metadata-server probe when looking for default credentials.
    env["NO_GCE_CHECK"] = "true"
    return env


@dataclass
class Result:
    """How a command ended and what it printed (stdout and stderr merged)."""

    args: list[str]
    returncode: int
    output: str

    def lines(self, source: str | None = None) -> list[str]:
        """The text of each log line, optionally only those of one plugin."""
        texts = []
        for line in self.output.splitlines():
            match = LOG_LINE.match(line)
            if match and source in (None, match["source"]):
                texts.append(match["text"])
            elif not match and source is None:
                texts.append(line)
        return texts

    def loaded(self, stream: str = "events") -> int:
        """Rows of one stream target-duckdb reported loading, over all batches."""
        pattern = rf"Loading (\d+) rows into '[^']*\b{stream}\b\"?'"
        return sum(int(n) for n in re.findall(pattern, self.output))

    def tail(self, lines: int = 40) -> str:
        """The command and the end of its output, for failure messages."""
        end = "\n".join(self.output.splitlines()[-lines:])
        return f"{' '.join(self.args[1:])} exited {self.returncode}:\n{end}"

    def check(self) -> Result:
        """Fail with the output's tail if the command failed."""
        if self.returncode != 0:
            pytest.fail(self.tail())
        return self


@dataclass
class Project:
    """A copy of the Meltano project (copy_project) with plugins installed."""

    root: Path


def install_project(root: Path, *plugins: str, env: dict[str, str]) -> Project:
    """Copy the project to ``root`` and ``meltano install`` these plugins there."""
    copy_project(root)
    done = subprocess.run(
        [MELTANO, "install", *plugins],
        cwd=root,
        # Bytecode written once here, not compiled again by each of the
        # session's runs where Python writes none (PYTHONDONTWRITEBYTECODE).
        env=env | {"UV_COMPILE_BYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"meltano install failed:\n{done.stdout[-5000:]}")
    return Project(root)


@dataclass
class Workspace:
    """One test's system database and DuckDB file in the shared project."""

    project: Project
    directory: Path
    endpoint: str
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.env = base_env() | {
            "MELTANO_DATABASE_URI": f"sqlite:///{self.directory / 'meltano.db'}",
            "TARGET_DUCKDB_FILEPATH": str(self.warehouse),
            "DBT_DUCKDB_PATH": str(self.warehouse),
            "TAP_GA_LEGACY_API_ENDPOINT": self.endpoint,
            # dev reads the GA export `make demo` writes; a pattern that
            # matches no file stops the tap, and these runs have none.
            "TAP_GA_LEGACY_ARCHIVE_FILES": "[]",
            # dev already retries once with short backoffs; say so explicitly.
            "TAP_GA_LEGACY_MAX_RETRIES": "1",
            "TAP_GA_LEGACY_BACKOFF_MAX_SECONDS": "1",
        }

    @property
    def warehouse(self) -> Path:
        """The DuckDB file the loader writes."""
        return self.directory / "warehouse.duckdb"

    def run(self, *args: str, timeout: float = 300, **env: str) -> Result:
        """Run a command in the project (``meltano`` resolves to the .venv's)."""
        argv = [MELTANO if args[0] == "meltano" else args[0], *args[1:]]
        done = subprocess.run(
            argv,
            cwd=self.project.root,
            env=self.env | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(argv, done.returncode, done.stdout)

    def meltano(self, *args: str, **env: str) -> Result:
        """``meltano <args>``."""
        return self.run("meltano", *args, **env)

    def backfill(self, *args: str, **env: str) -> Result:
        """``scripts/backfill.py <args>`` in the project copy."""
        return self.run(*self.backfill_argv(*args), **env)

    def backfill_argv(self, *args: str) -> list[str]:
        """The command line of a backfill."""
        return [
            sys.executable,
            str(self.project.root / "scripts" / "backfill.py"),
            *args,
        ]

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run SQL against the DuckDB file (read-only)."""
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def windows(self) -> list[tuple[Any, ...]]:
        """The loaded report_windows: (api, first_day, last_day, rows,
        events_sum, events_total, final_through, stream), in order."""
        return self.query(
            "select api, cast(first_day as date), cast(last_day as date), rows,"
            " events_sum, events_total, cast(final_through as date),"
            " coalesce(stream, 'events')"
            " from tap_ga_legacy.report_windows"
            " order by stream, api, first_day, extracted_at"
        )

    def event_counts(self) -> tuple[int, int]:
        """(rows, distinct event_key) in the loaded table."""
        rows, keys = self.query(
            "select count(*), count(distinct event_key) from tap_ga_legacy.events"
        )[0]
        return rows, keys

    def states(self) -> dict[str, dict[str, Any]]:
        """Every state id in the system database with its merged state."""
        database = self.directory / "meltano.db"
        if not database.exists():
            return {}
        with sqlite3.connect(database) as con:
            try:
                found = con.execute(
                    "select state_id, partial_state, completed_state from state"
                ).fetchall()
            except sqlite3.OperationalError:  # no table: nothing ever ran
                return {}
        return {
            state_id: {
                "partial": json.loads(partial or "{}"),
                "completed": json.loads(completed or "{}"),
            }
            for state_id, partial, completed in found
        }

    def bookmarks(self, state_id: str) -> dict[str, str]:
        """``{"ga4:312647579": "2022-05-15", ...}`` of one state id.

        The API partitions only: an archive_files partition (the dev
        environment has one) keeps the files it read, not a bookmark.
        """
        state = self.states()[state_id]["completed"]
        partitions = state["singer_state"]["bookmarks"]["events"]["partitions"]
        return {
            f"{p['context']['api']}:{p['context']['property_id']}": p[
                "replication_key_value"
            ]
            for p in partitions
            if "origin" not in p["context"]
        }

    def load_snowplow_sample(self) -> None:
        """The raw Snowplow table the blended dbt models read next to GA's."""
        self.run(
            sys.executable,
            "-m",
            "snowplow_sample",
            "--database",
            str(self.warehouse),
        ).check()


def date_ranges(requests: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(api, startDate, endDate) of every report request the emulator got."""
    ranges = set()
    for request in requests:
        body = request["body"]
        for report in body.get("reportRequests", [body]):
            for span in report.get("dateRanges", []):
                ranges.add((request["api"], span["startDate"], span["endDate"]))
    return ranges


def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL a process started with start_new_session, and its children."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
