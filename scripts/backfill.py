"""Re-pull a long date range of tap-ga-legacy in chunks, resumably.

Usage (from the project's virtual environment)::

    .venv/bin/python scripts/backfill.py 2019-06-01 2021-12-31
    .venv/bin/python scripts/backfill.py 2019-06-01 2021-12-31 --chunk-days 14 \\
        --loader target-snowflake --environment prod --transform

Each chunk is one ``meltano run --state-id-suffix backfill-<start>-<end>
tap-ga-legacy <loader>`` with the chunk passed as TAP_GA_LEGACY_START_DATE /
TAP_GA_LEGACY_END_DATE, run one after another. Because of the suffix a chunk
reads and writes only its own state id (``<env>:tap-ga-legacy-to-<loader>:
backfill-...``): the daily job's bookmark is never read, moved or clobbered.
Loaders upsert on event_key, so a chunk that runs twice leaves no duplicate.

Finished chunks are recorded in ``.meltano/backfills/<...>.json``. Run the same
command again after an interruption and it continues with the first unfinished
chunk; a chunk killed half-way resumes from its own state (its last finished
tap window). ``--restart`` forgets the progress and re-pulls every chunk in
full (``--full-refresh``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXTRACTOR = "tap-ga-legacy"
#: Loader -> the dbt utility that builds the models reading its table.
LOADERS = {"target-duckdb": "dbt-duckdb", "target-snowflake": "dbt-snowflake"}
#: The tap's own date variables: a backfill sets them per chunk.
DATE_VARIABLES = ("TAP_GA_LEGACY_START_DATE", "TAP_GA_LEGACY_END_DATE")


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


def chunks(start: dt.date, end: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive chunks of at most ``days`` days covering start..end."""
    spans = []
    while start <= end:
        last = min(start + dt.timedelta(days=days - 1), end)
        spans.append((start, last))
        start = last + dt.timedelta(days=1)
    return spans


def chunk_id(start: dt.date, end: dt.date) -> str:
    """The chunk's name, used in its state id suffix and the progress file."""
    return f"backfill-{start.isoformat()}-{end.isoformat()}"


class Progress:
    """Finished chunks of one backfill, saved after each one (atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, str] = {}
        if path.exists():
            try:
                self.done = json.loads(path.read_text())["done"]
            except (ValueError, KeyError, TypeError):
                msg = (
                    f"{path} is not a backfill progress file; remove it to start over."
                )
                raise BackfillError(msg) from None

    def mark_done(self, chunk: str) -> None:
        """Record a finished chunk."""
        self.done[chunk] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": self.done}, indent=2) + "\n")
        tmp.replace(self.path)

    def forget(self) -> None:
        """Start over."""
        self.done = {}
        self.path.unlink(missing_ok=True)


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backfill.py",
        description="Re-pull START..END (inclusive) of tap-ga-legacy in chunks,"
        " without touching the daily job's state; re-run to resume.",
    )
    parser.add_argument("start", help="first day, YYYY-MM-DD")
    parser.add_argument("end", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument(
        "--chunk-days", type=int, default=30, help="days per chunk (default 30)"
    )
    parser.add_argument("--loader", choices=sorted(LOADERS), default="target-duckdb")
    parser.add_argument(
        "--environment",
        help="Meltano environment (default: MELTANO_ENVIRONMENT or the project's"
        " default_environment, dev)",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="forget finished chunks and re-pull each chunk in full",
    )
    parser.add_argument(
        "--transform",
        action="store_true",
        help="after the last chunk, run the loader's dbt build (build-ga-legacy)",
    )
    parser.add_argument(
        "--progress-file",
        type=Path,
        help="where finished chunks are recorded (default: .meltano/backfills/"
        "<environment>--tap-ga-legacy-to-<loader>--<start>--<end>--<n>d.json)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the chunks and commands only"
    )
    return parser


def _check_env_dates() -> None:
    """The chunk dates win over these; say so rather than silently ignore them."""
    for name in DATE_VARIABLES:
        if os.environ.get(name):
            print(f"backfill: ignoring {name}={os.environ[name]} (set per chunk)")


def run(argv: list[str] | None = None) -> int:
    """Run the backfill; return the exit code."""
    args = _parser().parse_args(argv)
    start = parse_day("start", args.start)
    end = parse_day("end", args.end)
    if end < start:
        msg = f"end {end} is before start {start}."
        raise BackfillError(msg)
    if args.chunk_days < 1:
        msg = f"--chunk-days {args.chunk_days} must be at least 1."
        raise BackfillError(msg)
    environment = (
        args.environment or os.environ.get("MELTANO_ENVIRONMENT") or _default_env()
    )
    spans = chunks(start, end, args.chunk_days)
    progress = Progress(
        args.progress_file
        or PROJECT_ROOT
        / ".meltano"
        / "backfills"
        / (
            f"{environment}--{EXTRACTOR}-to-{args.loader}--{start}--{end}"
            f"--{args.chunk_days}d.json"
        )
    )
    if args.restart and not args.dry_run:
        progress.forget()
    _check_env_dates()
    meltano = meltano_executable()
    print(
        f"backfill: {start}..{end} in {len(spans)} chunk(s) of up to"
        f" {args.chunk_days} days; environment {environment}, loader {args.loader};"
        f" progress in {progress.path}",
        flush=True,
    )
    for number, (first, last) in enumerate(spans, start=1):
        name = chunk_id(first, last)
        label = f"chunk {number}/{len(spans)} {first}..{last}"
        if name in progress.done and not args.restart:
            print(f"backfill: {label}: already done, skipping", flush=True)
            continue
        command = [
            meltano,
            f"--environment={environment}",
            "run",
            f"--state-id-suffix={name}",
            *(["--full-refresh"] if args.restart else []),
            EXTRACTOR,
            args.loader,
        ]
        env = {
            **os.environ,
            "TAP_GA_LEGACY_START_DATE": first.isoformat(),
            "TAP_GA_LEGACY_END_DATE": last.isoformat(),
        }
        print(f"backfill: {label}: {' '.join(command[1:])}", flush=True)
        if args.dry_run:
            continue
        code = subprocess.call(command, cwd=PROJECT_ROOT, env=env)
        if code != 0:
            print(
                f"backfill: {label} failed (meltano exit {code}); fix the cause and"
                " run the same command again to resume from this chunk.",
                file=sys.stderr,
            )
            return code
        progress.mark_done(name)
        print(f"backfill: {label}: done", flush=True)
    if args.transform and not args.dry_run:
        utility = LOADERS[args.loader]
        command = [
            meltano,
            f"--environment={environment}",
            "run",
            f"{utility}:build-ga-legacy",
        ]
        print(f"backfill: transform: {' '.join(command[1:])}", flush=True)
        code = subprocess.call(command, cwd=PROJECT_ROOT)
        if code != 0:
            print(f"backfill: transform failed (exit {code}).", file=sys.stderr)
            return code
    print(f"backfill: {start}..{end} complete", flush=True)
    return 0


def _default_env() -> str:
    """The project's default_environment from meltano.yml (dev if unreadable)."""
    try:
        for line in (PROJECT_ROOT / "meltano.yml").read_text().splitlines():
            if line.startswith("default_environment:"):
                return line.split(":", 1)[1].strip() or "dev"
    except OSError:
        pass
    return "dev"


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
