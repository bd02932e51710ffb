"""Backfill tap-ga-legacy: re-pull any date range in one resumable run.

Usage (from the project's virtual environment)::

    .venv/bin/python scripts/backfill.py 2019-06-01 2021-12-31
    .venv/bin/python scripts/backfill.py 2019-06-01 2021-12-31 \\
        --loader target-snowflake --environment prod --transform
    .venv/bin/python scripts/backfill.py 2019-06-01 2021-12-31 --dry-run

The range is ONE ``meltano run --state-id-suffix backfill-<start>-<end>
tap-ga-legacy <loader>`` with TAP_GA_LEGACY_START_DATE / _END_DATE set to it:
its own state id, so the daily job's bookmark is never read or moved. The tap
saves state after every window, so the same command run again after an
interruption continues at the first unfinished window, at once, even after a
SIGKILL (see orchestrate/backfills.py). The Airflow DAG runs the same
backfills, one per data interval, in parallel (docs/airflow.md).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "orchestrate"))

from backfills import (
    PROJECT_ROOT,
    BackfillError,
    date_variables,
    default_environment,
    el_command,
    meltano_executable,
    parse_day,
    run_el,
    shell_line,
    state_id,
    state_suffix,
)

EXTRACTOR = "tap-ga-legacy"
#: Loader -> the dbt utility that builds the models reading its table.
LOADERS = {"target-duckdb": "dbt-duckdb", "target-snowflake": "dbt-snowflake"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backfill.py",
        description="Re-pull START..END (inclusive) of tap-ga-legacy in one run,"
        " without touching the daily job's state; run it again to resume.",
    )
    parser.add_argument("start", help="first day, YYYY-MM-DD")
    parser.add_argument("end", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--loader", choices=sorted(LOADERS), default="target-duckdb")
    parser.add_argument(
        "--environment",
        help="Meltano environment (default: MELTANO_ENVIRONMENT or the project's"
        " default_environment, dev)",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="ignore the backfill's own state and re-pull the whole range",
    )
    parser.add_argument(
        "--transform",
        action="store_true",
        help="then run the loader's dbt build (build-ga-legacy)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="run nothing; print the commands a run would run",
    )
    return parser


def run(argv: list[str] | None = None) -> int:
    """Run the backfill; return the exit code."""
    args = _parser().parse_args(argv)
    start = parse_day("start", args.start)
    end = parse_day("end", args.end)
    if end < start:
        msg = f"end {end} is before start {start}."
        raise BackfillError(msg)
    environment = args.environment or default_environment()
    meltano = meltano_executable()
    job = state_id(environment, EXTRACTOR, args.loader, state_suffix(start, end))
    for name in date_variables(EXTRACTOR, start, end):
        if os.environ.get(name):
            print(f"backfill: ignoring {name}={os.environ[name]} (set by the range)")
    transform = [meltano, f"--environment={environment}", "run"]
    transform.append(f"{LOADERS[args.loader]}:build-ga-legacy")
    if args.dry_run:
        variables, command = el_command(
            meltano,
            environment,
            EXTRACTOR,
            args.loader,
            span=(start, end),
            full_refresh=args.full_refresh,
        )
        print(f"backfill: dry run, nothing was run. In {PROJECT_ROOT}, it would run:")
        print(f"  {shell_line(variables, command)}")
        if args.transform:
            print(f"  {shell_line({}, transform)}")
        return 0
    print(f"backfill: {start}..{end} in one run, state id {job}", flush=True)
    code = run_el(
        meltano,
        environment,
        EXTRACTOR,
        args.loader,
        span=(start, end),
        full_refresh=args.full_refresh,
    )
    if code != 0:
        print(
            f"backfill: {start}..{end} failed (meltano exit {code}); fix the cause and"
            " run the same command again to resume from the last finished window.",
            file=sys.stderr,
        )
        return code
    if args.transform:
        print(f"backfill: {shell_line({}, transform)}", flush=True)
        # A fixed argv, no shell: the project's own Meltano.
        code = subprocess.call(transform, cwd=PROJECT_ROOT)
        if code != 0:
            print(f"backfill: transform failed (exit {code}).", file=sys.stderr)
            return code
    print(f"backfill: {start}..{end} done", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: one error line and exit code 2 for bad input."""
    try:
        return run(argv)
    except BackfillError as exc:
        print(f"backfill: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "backfill: interrupted; run the same command again to resume.",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
