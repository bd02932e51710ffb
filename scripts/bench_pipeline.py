"""End-to-end times of the pipeline on this machine, with real Meltano and dbt.

Usage (``make bench`` runs it after scripts/bench_tap.py)::

    .venv/bin/python scripts/bench_pipeline.py [--years 4] [--rows-per-day 400]

Measures, in the project with its installed plugins (``meltano install`` is run
first and not timed), against its own GA emulator, DuckDB file and Meltano
system database in a temporary directory:

1. **backfill**: ``scripts/backfill.py`` over ``--years`` years of one dense GA4
   property (EL, one ``meltano run``), then one dbt build (``build-ga-legacy``),
   with the emulator's answers computed beforehand (see warm_up);
2. **daily job**: ``meltano run ga-legacy-el`` (EL + dbt) on the dev range,
   incremental: timed on its second run, as it runs every day;
3. **make demo**: its second run (the first installs and loads everything).

It prints one table; figures are wall-clock seconds. Start-up shares are read
from the timestamps of Meltano's own log lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PROPERTY_ID = "312647579"
#: The emulator serves days up to this one (Meltano 2.0 stopped sending GA).
LAST_DAY = dt.date(2022, 6, 3)
#: Variables of the caller's shell that would change what a run does.
FOREIGN = re.compile(r"^(TAP_GA_LEGACY_|TARGET_DUCKDB_|DBT_|MELTANO_)")
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z \[")


def start_emulator(first: dt.date, rows_per_day: int, workdir: Path) -> tuple:
    """A GA emulator serving first..LAST_DAY; (process, url)."""
    ready = workdir / "emulator.json"
    process = subprocess.Popen(
        [
            str(BIN / "ga-emulator"),
            "--port=0",
            f"--first-day={first.isoformat()}",
            f"--last-day={LAST_DAY.isoformat()}",
            f"--rows-per-day={rows_per_day}",
            # Every answer of the backfill stays cached (see warm_up).
            "--cache-pages=1000",
            f"--ready-file={ready}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if ready.exists() and ready.stat().st_size:
            return process, json.loads(ready.read_text())["url"]
        time.sleep(0.1)
    process.kill()
    raise SystemExit("bench: the emulator did not start within 30 s")


def warm_up(url: str, first: dt.date, workdir: Path) -> None:
    """Pull the range once with the tap alone, so the emulator has every answer.

    The emulator draws its synthetic rows in Python on the same two cores
    (about 24 s of CPU for four dense years): Google's time, not the pipeline's.
    The requests match the backfill's: dev's 31-day windows, default pages.
    """
    config = workdir / "warm-up.json"
    config.write_text(
        json.dumps(
            {
                "api_endpoint": url,
                "property_ids": [PROPERTY_ID],
                "start_date": first.isoformat(),
                "end_date": LAST_DAY.isoformat(),
                "window_days": 31,
            }
        )
    )
    subprocess.run(
        [str(BIN / "tap-ga-legacy"), f"--config={config}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )


def timed(argv: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run argv in the project: (wall-clock s, CPU s of it and its children).

    CPU time is what the step costs whatever else the machine runs: the wall
    clock of a shared 2-core machine also counts other people's work.
    """
    started, cpu = time.monotonic(), _children_cpu()
    with log.open("w") as out:
        code = subprocess.call(argv, cwd=ROOT, env=env, stdout=out, stderr=out)
    seconds, cpu = time.monotonic() - started, _children_cpu() - cpu
    if code != 0:
        tail = "\n".join(log.read_text().splitlines()[-20:])
        raise SystemExit(f"bench: {' '.join(argv)} failed ({code}):\n{tail}")
    return seconds, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def phases(log: Path) -> dict[str, float]:
    """Seconds between the milestones of a `meltano run` log that has them."""
    marks: dict[str, dt.datetime] = {}
    milestones = {
        "tap": "Beginning sync of",
        "block": "Block run completed",
        "dbt": "Running with dbt=",
        "dbt_found": "Found ",
        "dbt_done": "Completed successfully",
    }
    for line in log.read_text().splitlines():
        stamp = LOG_TIME.match(line)
        if not stamp:
            continue
        marks.setdefault("start", dt.datetime.fromisoformat(stamp[1]))
        for name, text in milestones.items():
            if name not in marks and text in line:
                marks[name] = dt.datetime.fromisoformat(stamp[1])
    # dbt starts when the EL block ends, or with the run if there is none.
    dbt_start = "block" if "tap" in marks else "start"
    spans = {
        "meltano start + tap start": ("start", "tap"),
        "tap + target": ("tap", "block"),
        "dbt start + parse": (dbt_start, "dbt_found"),
        "dbt build": ("dbt_found", "dbt_done"),
    }
    return {
        name: (marks[b] - marks[a]).total_seconds()
        for name, (a, b) in spans.items()
        if a in marks and b in marks
    }


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements and print the table."""
    parser = argparse.ArgumentParser(prog="bench_pipeline.py")
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--rows-per-day", type=int, default=400)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args(argv)
    first = LAST_DAY - dt.timedelta(days=round(365.25 * args.years) - 1)
    meltano = str(BIN / "meltano")
    results: list[tuple[str, tuple[float, float], str]] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        work = Path(tmp)
        warehouse = work / "warehouse.duckdb"
        env = {k: v for k, v in os.environ.items() if not FOREIGN.match(k)}
        env |= {
            "MELTANO_ENVIRONMENT": "dev",
            "MELTANO_DATABASE_URI": f"sqlite:///{work / 'meltano.db'}",
            "TARGET_DUCKDB_FILEPATH": str(warehouse),
            "DBT_DUCKDB_PATH": str(warehouse),
            # dbt's partial parse is kept per profile: a target path of its own
            # keeps the benchmark from re-parsing the demo's (and vice versa).
            "DBT_TARGET_PATH": str(ROOT / "output" / "bench-dbt-target"),
        }
        plugins = ["tap-ga-legacy", "target-duckdb", "dbt-duckdb"]
        timed([meltano, "install", *plugins], env, work / "install.log")
        timed(
            [str(BIN / "snowplow-sample"), f"--database={warehouse}"],
            env,
            work / "snowplow.log",
        )
        # As on any day after the first: the parsed project is saved.
        timed([meltano, "invoke", "dbt-duckdb", "parse"], env, work / "parse.log")
        emulator, url = start_emulator(first, args.rows_per_day, work)
        try:
            env["TAP_GA_LEGACY_API_ENDPOINT"] = url
            warm_up(url, first, work)
            backfill = {
                **env,
                "TAP_GA_LEGACY_PROPERTY_IDS": json.dumps([PROPERTY_ID]),
                "TAP_GA_LEGACY_VIEW_IDS": "[]",
            }
            log = work / "backfill.log"
            el = timed(
                [sys.executable, str(ROOT / "scripts" / "backfill.py"),
                 first.isoformat(), LAST_DAY.isoformat()],
                backfill,
                log,
            )  # fmt: skip
            loaded = re.findall(r"Loading (\d+) rows", log.read_text())
            rows = sum(int(n) for n in loaded)
            dbt = timed(
                [meltano, "run", "dbt-duckdb:build-ga-legacy"], env, work / "dbt.log"
            )
            name = f"backfill EL, {args.years} years, {rows:,} rows"
            results += [
                (f"{name}, {len(loaded)} loader batches", el, _fmt(phases(log))),
                ("backfill dbt build", dbt, _fmt(phases(work / "dbt.log"))),
                (
                    "backfill end to end",
                    (el[0] + dbt[0], el[1] + dbt[1]),
                    "goal < 60 s",
                ),
            ]
            job = [meltano, "run", "ga-legacy-el"]
            timed(job, env, work / "daily-first.log")
            daily = timed(job, env, work / "daily.log")
            note = f"{_fmt(phases(work / 'daily.log'))}; goal < 15 s"
            results.append(("daily job (incremental)", daily, note))
        finally:
            emulator.terminate()
            emulator.wait()
    if not args.skip_demo:
        results.append(("make demo (second run)", bench_demo(), "goal < 30 s"))
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(f"\nEnd to end ({os.cpu_count()} cores, {dt.date.today()}, {load}):\n")
    print("| step | wall s | CPU s | where the wall time goes |")
    print("|---|---:|---:|---|")
    for name, (seconds, cpu), note in results:
        print(f"| {name} | {seconds:.1f} | {cpu:.1f} | {note} |")
    return 0


def bench_demo() -> tuple[float, float]:
    """`make demo` run twice (the first may install and load): the second."""
    env = {k: v for k, v in os.environ.items() if not FOREIGN.match(k)}
    log = ROOT / "output" / "bench-demo.log"
    log.parent.mkdir(exist_ok=True)
    timed(["make", "demo"], env, log)
    return timed(["make", "demo"], env, log)


def _fmt(split: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in split.items())


if __name__ == "__main__":
    sys.exit(main())
