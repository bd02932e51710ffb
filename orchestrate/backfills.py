"""Backfills and resumable extract-load runs: one concept, one module.

A **backfill** re-pulls the days ``first..last`` (inclusive) of a windowed
extractor as ONE ``meltano run`` under a state id of its own::

    <environment>:<extractor>-to-<loader>:backfill-<first>-<last>

with ``<EXTRACTOR>_START_DATE`` / ``<EXTRACTOR>_END_DATE`` set to the range.
It never reads or moves the daily job's bookmark. Run again, it resumes from
its own state: a killed run continues at its first unfinished tap window, a
finished one re-pulls only the tap's lookback days; ``--full-refresh`` starts
it over. The loaders upsert on the primary key, so nothing is ever duplicated.

``scripts/backfill.py`` runs one backfill of any range; the Airflow DAG
(orchestrate/airflow/dags/meltano_schedules.py) runs one per data interval, in
parallel, and its scheduled runs are the daily job. Both start the run through
``main`` below, which also resumes a run that was killed (SIGKILL, OOM, a lost
pod): Meltano keeps such a run marked RUNNING for five minutes and refuses
another run of its state id meanwhile. A live run writes its heartbeat into
the system database every second, so a heartbeat that stands still for a few
seconds means the run is dead, and ``--force`` is safe; a moving one means a
run is alive, and a second one is refused.

Standard library only (SQLAlchemy, imported when a non-SQLite system database
is used, is in Meltano's and in Airflow's venv): Airflow's venv imports this
module without the tap's dependencies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Meltano writes a running job's heartbeat every second (meltano.core.job);
#: a run whose heartbeat stood still this long is taken for dead. Long enough
#: that a live run on a busy machine shows a beat, far below the five minutes
#: Meltano itself waits.
HEARTBEAT_CHECK_SECONDS = 10.0
STATE_SUFFIX_PREFIX = "backfill"


class BackfillError(Exception):
    """A problem worth one line to the user, not a traceback."""


def parse_day(name: str, value: str) -> dt.date:
    """A strict ``YYYY-MM-DD`` date, or a BackfillError naming the argument."""
    day = None
    # fromisoformat alone would also take 20210601 or 2021-W22-2.
    if len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        msg = f"{name} {value!r} is not a valid date; use YYYY-MM-DD, e.g. 2021-06-01."
        raise BackfillError(msg)
    return day


def state_suffix(first: dt.date, last: dt.date) -> str:
    """The ``--state-id-suffix`` of the backfill of first..last."""
    return f"{STATE_SUFFIX_PREFIX}-{first.isoformat()}-{last.isoformat()}"


def state_id(environment: str, extractor: str, loader: str, suffix: str = "") -> str:
    """The state id Meltano 4 gives ``meltano run [--state-id-suffix] <ex> <lo>``."""
    base = f"{environment}:{extractor}-to-{loader}"
    return f"{base}:{suffix}" if suffix else base


def date_variables(extractor: str, first: dt.date, last: dt.date) -> dict[str, str]:
    """The extractor's start/end date variables, as Meltano names them."""
    prefix = re.sub(r"\W", "_", extractor).upper()
    return {
        f"{prefix}_START_DATE": first.isoformat(),
        f"{prefix}_END_DATE": last.isoformat(),
    }


def project_variable(name: str, root: Path = PROJECT_ROOT) -> str:
    """A variable as Meltano sees it: the process environment, else ``.env``."""
    if os.environ.get(name):
        return os.environ[name]
    try:
        lines = (root / ".env").read_text().splitlines()
    except OSError:
        return ""
    for line in lines:
        key, _, value = line.removeprefix("export ").partition("=")
        if key.strip() == name:
            return value.strip().strip("'\"")
    return ""


def default_environment(root: Path = PROJECT_ROOT) -> str:
    """MELTANO_ENVIRONMENT, else meltano.yml's default_environment, else dev."""
    if found := project_variable("MELTANO_ENVIRONMENT", root):
        return found
    try:
        for line in (root / "meltano.yml").read_text().splitlines():
            if line.startswith("default_environment:"):
                return line.split(":", 1)[1].strip() or "dev"
    except OSError:
        pass
    return "dev"


def meltano_executable() -> str:
    """The meltano next to this interpreter (the project's .venv), else PATH's."""
    local = Path(sys.executable).with_name("meltano")
    if local.exists():
        return str(local)
    found = shutil.which("meltano")
    if not found:
        msg = "meltano not found: run `make install` and use .venv/bin/python."
        raise BackfillError(msg)
    return found


def el_command(
    executable: str,
    environment: str,
    extractor: str,
    loader: str,
    *,
    span: tuple[dt.date, dt.date] | None = None,
    full_refresh: bool = False,
    force: bool = False,
) -> tuple[dict[str, str], list[str]]:
    """(variables, argv) of one run: the daily job, or the backfill of ``span``."""
    variables = date_variables(extractor, *span) if span else {}
    argv = [
        executable,
        f"--environment={environment}",
        "run",
        *([f"--state-id-suffix={state_suffix(*span)}"] if span else []),
        *(["--full-refresh"] if full_refresh else []),
        *(["--force"] if force else []),
        extractor,
        loader,
    ]
    return variables, argv


def shell_line(variables: dict[str, str], argv: list[str]) -> str:
    """A command line to paste into a shell: the variables, then the command."""
    return shlex.join([*(f"{k}={v}" for k, v in variables.items()), *argv])


def database_uri(root: Path = PROJECT_ROOT) -> str:
    """Meltano's system database: MELTANO_DATABASE_URI or the project default.

    A ``database_uri`` written in meltano.yml is not read: set the variable.
    """
    return project_variable("MELTANO_DATABASE_URI", root) or (
        f"sqlite:///{root / '.meltano' / 'meltano.db'}"
    )


def running_heartbeats(uri: str, job_name: str) -> dict[int, str]:
    """{run id: last heartbeat} of the runs Meltano records as RUNNING."""
    query = (
        "select id, last_heartbeat_at from runs"
        " where job_name = :job and state = 'RUNNING'"
    )
    if uri.startswith("sqlite:///"):
        path = Path(uri.removeprefix("sqlite:///"))
        if not path.exists():
            return {}
        with sqlite3.connect(path) as con:
            try:
                found = con.execute(query, {"job": job_name}).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):  # nothing ran here yet
                    return {}
                msg = f"cannot read Meltano's system database {path}: {exc}"
                raise BackfillError(msg) from None
    else:
        import sqlalchemy  # noqa: PLC0415 - only for a non-SQLite system database

        try:
            url = sqlalchemy.engine.make_url(uri)
        except (ValueError, sqlalchemy.exc.ArgumentError):
            # Its message could quote the URI, password and all.
            msg = (
                "MELTANO_DATABASE_URI is not a database URL"
                " (dialect://user:password@host:port/database, the port a number)"
            )
            raise BackfillError(msg) from None
        try:
            engine = sqlalchemy.create_engine(url)
            try:
                with engine.connect() as con:
                    found = con.execute(sqlalchemy.text(query), {"job": job_name}).all()
            finally:
                engine.dispose()
        except Exception as exc:
            # The URI holds the password: name the host only.
            host = url.host or "?"
            msg = (
                f"cannot read Meltano's system database on {host}: {type(exc).__name__}"
            )
            raise BackfillError(msg) from None
    return {run: str(heartbeat) for run, heartbeat in found}


def needs_force(uri: str, job_name: str, wait: float = HEARTBEAT_CHECK_SECONDS) -> bool:
    """Whether a killed run of ``job_name`` blocks Meltano (then force is safe).

    Raises BackfillError when a run of it is alive: two runs of one state id
    at once would interleave their bookmarks.
    """
    before = running_heartbeats(uri, job_name)
    if not before:
        return False
    # A live run beats every second: stop looking at the first beat.
    deadline = time.monotonic() + wait
    alive: list[int] = []
    after = before
    while not alive and time.monotonic() < deadline:
        time.sleep(1.0)
        after = running_heartbeats(uri, job_name)
        alive = [run for run, beat in after.items() if before.get(run) != beat]
    if alive:
        msg = (
            f"a run of {job_name} is still running (its heartbeat moved);"
            " not starting a second one. Wait for it, or stop it first."
        )
        raise BackfillError(msg)
    return bool(after)


def run_el(
    executable: str,
    environment: str,
    extractor: str,
    loader: str,
    *,
    span: tuple[dt.date, dt.date] | None = None,
    full_refresh: bool = False,
    root: Path = PROJECT_ROOT,
    log_prefix: str = "backfill",
) -> int:
    """Run the daily job or a backfill, resuming a killed run at once."""
    job = state_id(environment, extractor, loader, state_suffix(*span) if span else "")
    force = needs_force(database_uri(root), job)
    if force:
        print(  # noqa: T201 - a command-line tool's progress
            f"{log_prefix}: the last run of {job} was killed (its heartbeat stopped);"
            " resuming it now with --force",
            flush=True,
        )
    variables, argv = el_command(
        executable,
        environment,
        extractor,
        loader,
        span=span,
        full_refresh=full_refresh,
        force=force,
    )
    print(f"{log_prefix}: {shell_line(variables, argv)}", flush=True)  # noqa: T201
    # A fixed argv, no shell: the executable is the project's own Meltano.
    return subprocess.call(argv, cwd=root, env={**os.environ, **variables})  # noqa: S603


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backfills.py",
        description="One extract-load step of a DAG run: the daily job, or the"
        " backfill of --first..--last; a killed run of it is resumed at once.",
    )
    parser.add_argument("extractor")
    parser.add_argument("loader")
    parser.add_argument("--executable", default=None, help="meltano to run")
    parser.add_argument("--environment", default=None)
    parser.add_argument("--first", help="first day of the backfill, YYYY-MM-DD")
    parser.add_argument("--last", help="last day of the backfill, YYYY-MM-DD")
    parser.add_argument("--full-refresh", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """The Airflow task's entry point: one error line and exit code 2."""
    args = _parser().parse_args(argv)
    try:
        span = None
        if args.first or args.last:
            span = (
                parse_day("--first", args.first or ""),
                parse_day("--last", args.last or ""),
            )
        return run_el(
            args.executable or meltano_executable(),
            args.environment or default_environment(),
            args.extractor,
            args.loader,
            span=span,
            full_refresh=args.full_refresh,
            log_prefix="meltano-step",
        )
    except BackfillError as exc:
        print(f"meltano-step: error: {exc}", file=sys.stderr)  # noqa: T201
        return 2


if __name__ == "__main__":
    sys.exit(main())
