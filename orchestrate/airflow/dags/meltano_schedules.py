"""Airflow DAGs generated from the Meltano schedules, with date-windowed runs.

Every schedule that names a job (``meltano schedule list --format=json``, as
``make schedules`` wrote it to orchestrate/airflow/schedules.json) becomes a
DAG with the schedule's name and cron interval, and one task per job step, each
``meltano run <step>`` in the project directory, one after another.
Settings come from the environment Meltano runs in (``MELTANO_ENVIRONMENT``,
``.env``, the worker's variables); this file holds no secret.

How a run pulls data depends on the DAG run (see docs/airflow.md):

* **scheduled** runs are the Meltano schedule: the daily state id, so the tap
  continues from its bookmark (plus its lookback).
* **backfill** and **manual** runs (``airflow dags backfill``, ``airflow dags
  test``, "Trigger DAG") are backfills of their data interval [start, end),
  exactly as ``scripts/backfill.py`` runs them: first day = start, last day =
  end - 1 day (the tap's end date is inclusive), state id suffix
  ``backfill-<first>-<last>``. Intervals are independent: they can run in
  parallel, in any order, any number of times (the loaders upsert on
  event_key and origin), and none reads or moves the daily bookmark.
* ``{"mode": "incremental"}`` or ``{"mode": "interval"}`` in the run's conf
  overrides that choice; ``{"full_refresh": true}`` ignores the saved state.

Either way a windowed extractor's step runs through orchestrate/backfills.py,
which resumes a run that was killed (its heartbeat stopped) at once with
``--force`` and refuses to start while a run of the same state id is alive.

Variables read here, all optional (docs/airflow.md): MELTANO_PROJECT_ROOT (set
by `meltano invoke airflow`), MELTANO_DAGS_EXECUTABLE,
MELTANO_DAGS_WINDOWED_EXTRACTORS, MELTANO_DAGS_EXTRACT_POOL,
MELTANO_DAGS_MAX_ACTIVE_RUNS and MELTANO_DAGS_RETRIES.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import jinja2
import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

# The backfill module shared with scripts/backfill.py (standard library only),
# two levels up in orchestrate/: not a package Airflow's venv installs.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import backfills

BACKFILLS = Path(backfills.__file__)

PROJECT_ROOT = Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())
#: The Meltano job schedules, as ``make schedules`` wrote them.
SCHEDULES_FILE = Path(__file__).resolve().parents[1] / "schedules.json"
#: Extractors whose steps take a date window: `<NAME>_START_DATE`/`_END_DATE`.
WINDOWED_EXTRACTORS = frozenset(
    os.environ.get("MELTANO_DAGS_WINDOWED_EXTRACTORS", "tap-ga-legacy").split(",")
)
#: The Airflow pool of the windowed extractors' steps: it caps how many of them
#: call the API at once, over all DAG runs (docs/airflow.md, quota arithmetic).
EXTRACT_POOL = os.environ.get("MELTANO_DAGS_EXTRACT_POOL", "default_pool")
MAX_ACTIVE_RUNS = int(os.environ.get("MELTANO_DAGS_MAX_ACTIVE_RUNS", "4"))
RETRIES = int(os.environ.get("MELTANO_DAGS_RETRIES", "1"))
#: Far enough back for any backfill; scheduled runs never catch up to it.
START_DATE = pendulum.datetime(1970, 1, 1, tz="UTC")
RUN_MODES = ("incremental", "interval")


def meltano_executable() -> str:
    """Meltano: MELTANO_DAGS_EXECUTABLE, the project's run/bin link, or PATH's.

    ``.meltano/run/bin`` is the link Meltano keeps to the executable that last
    ran in the project, which is the one `meltano invoke airflow` ran.
    """
    configured = os.environ.get("MELTANO_DAGS_EXECUTABLE")
    if configured:
        return configured
    link = PROJECT_ROOT / ".meltano" / "run" / "bin"
    if link.exists():
        return str(link)
    return shutil.which("meltano") or "meltano"


def meltano_schedules() -> list[dict[str, Any]]:
    """The project's job schedules, from the committed SCHEDULES_FILE.

    Airflow parses this file every 30 s, and once more in each task process,
    with a 30 s import timeout: starting Meltano here (``meltano schedule
    list`` took 23 s on a busy scheduler) made the DAGs vanish. The file is
    written from ``meltano schedule list --format=json`` by ``make schedules``
    (scripts/airflow_schedules.py), and tests/airflow check it is current.
    """
    try:
        document = json.loads(SCHEDULES_FILE.read_text())
    except (OSError, ValueError) as error:
        msg = f"cannot read {SCHEDULES_FILE} ({error}): run `make schedules`"
        raise RuntimeError(msg) from None
    return document["schedules"]


def interval_days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) of the data interval [start, end).

    A daily cron interval [D 06:00, D+1 06:00) is the day D. An interval shorter
    than a day still pulls the day it starts in.
    """
    first = start.date()
    return first, max(first, (end - dt.timedelta(days=1)).date())


def run_mode(run_type: str, conf: dict[str, Any] | None) -> str:
    """``incremental`` for scheduled runs, ``interval`` otherwise, or the conf's."""
    mode = (conf or {}).get("mode")
    if mode is None:
        return "incremental" if run_type == "scheduled" else "interval"
    if mode not in RUN_MODES:
        msg = f"conf mode {mode!r} is not one of {', '.join(RUN_MODES)}"
        raise ValueError(msg)
    return mode


def step_command(
    step: str,
    *,
    mode: str,
    start: dt.datetime,
    end: dt.datetime,
    executable: str,
    full_refresh: bool = False,
) -> str:
    """The shell command of one job step in a run of the given mode.

    A windowed extractor's ``<extractor> <loader>`` step runs through
    orchestrate/backfills.py, as scripts/backfill.py does: the daily job, or
    the backfill of the interval, with a killed earlier run resumed at once.
    """
    blocks = step.split()
    if blocks[0] not in WINDOWED_EXTRACTORS or len(blocks) != 2:
        return shlex.join([executable, "run", *blocks])
    span: list[str] = []
    if mode == "interval":
        first, last = interval_days(start, end)
        span = [f"--first={first.isoformat()}", f"--last={last.isoformat()}"]
    return shlex.join(
        [
            sys.executable,
            str(BACKFILLS),
            f"--executable={executable}",
            *span,
            *(["--full-refresh"] if full_refresh else []),
            *blocks,
        ]
    )


@jinja2.pass_context
def meltano_run(context: jinja2.runtime.Context, step: str) -> str:
    """Jinja macro: the command of ``step`` for the DAG run being rendered."""
    dag_run = context["dag_run"]
    return step_command(
        step,
        mode=run_mode(str(dag_run.run_type), dag_run.conf),
        start=context["data_interval_start"],
        end=context["data_interval_end"],
        executable=meltano_executable(),
        full_refresh=bool((dag_run.conf or {}).get("full_refresh")),
    )


def task_id(step: str) -> str:
    """``tap-ga-legacy target-duckdb`` -> ``tap-ga-legacy_target-duckdb``."""
    return re.sub(r"[^\w.-]+", "_", step).strip("_")


def build_dag(schedule: dict[str, Any]) -> DAG:
    """One DAG for a Meltano schedule: its job's steps, one task each, in order."""
    job = schedule["job"]
    dag = DAG(
        dag_id=schedule["name"],
        description=f"meltano job {job['name']} (schedule {schedule['name']})",
        schedule=schedule["cron_interval"],
        start_date=START_DATE,
        # History is pulled with `airflow dags backfill` (parallel interval
        # runs), not by catching up with incremental scheduled runs.
        catchup=False,
        max_active_runs=MAX_ACTIVE_RUNS,
        user_defined_macros={"meltano_run": meltano_run},
        default_args={
            "owner": "meltano",
            "depends_on_past": False,
            "retries": RETRIES,
            "retry_delay": dt.timedelta(minutes=5),
        },
        tags=["meltano", f"schedule:{schedule['name']}", f"job:{job['name']}"],
    )
    previous = None
    for raw in job["tasks"]:
        step = raw if isinstance(raw, str) else " ".join(raw)
        windowed = step.split()[0] in WINDOWED_EXTRACTORS
        task = BashOperator(
            dag=dag,
            task_id=task_id(step),
            bash_command="{{ meltano_run(params.step) }}",
            params={"step": step},
            cwd=str(PROJECT_ROOT),
            pool=EXTRACT_POOL if windowed else "default_pool",
        )
        if previous is not None:
            previous >> task
        previous = task
    return dag


for _schedule in meltano_schedules():
    if _schedule.get("job"):
        globals()[_schedule["name"]] = build_dag(_schedule)
