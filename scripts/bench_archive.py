"""Benchmark: the tap's peak memory reading one large GA interface export.

Not a test: it measures and reports. It writes one export of about 200 MB
(``--rows`` distinct rows over ``--days`` days, written one row at a time by
ga_emulator.ui_exports.write_large_export), then runs the tap on it through
``archive_files``, its output to /dev/null, and prints the tap's wall time,
CPU time and peak RSS (``wait4``, start-up included) with the records it
counted. The goal is the API path's: under 150 MB whatever the file's size.

    .venv/bin/python scripts/bench_archive.py [--rows 1900000] [--days 365]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from bench_tap import measure

from ga_emulator.ui_exports import write_large_export

BIN = Path(sys.executable).parent
FIRST_DAY = dt.date(2021, 1, 1)
VIEW_ID = "188392047"
GOAL_MB = 150


def main() -> None:
    """Write the export, run the tap on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_900_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        last = FIRST_DAY + dt.timedelta(days=args.days - 1)
        with path.open("w", encoding="utf-8", newline="") as handle:
            write_large_export(handle, rows=args.rows, first=FIRST_DAY, last=last)
        size_mb = path.stat().st_size / 1e6  # MB as the issue counts them
        config = Path(folder) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "start_date": str(FIRST_DAY),
                    "archive_files": [{"path": str(path), "view_id": VIEW_ID}],
                }
            )
        )
        figures, _, log = measure([str(BIN / "tap-ga-legacy"), "--config", str(config)])
    records = sum(
        json.loads(line.split("METRIC: ", 1)[1])["value"]
        for line in log.splitlines()
        if '"metric":"record_count"' in line
    )
    print(
        f"archive_files, one export of {size_mb:.0f} MB ({args.rows:,} rows):"
        f" {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU,"
        f" peak RSS {figures['peak_mb']} MB (goal < {GOAL_MB} MB),"
        f" {records:,} records"
    )


if __name__ == "__main__":
    main()
