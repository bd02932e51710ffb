"""Benchmark: GA4 requests and tokens per year of history, fixed vs adaptive windows.

Not a test: it measures and reports. The tap pulls one year (2021) of one GA4
property from the emulator twice per property shape: with fixed 7-day windows
(``max_window_days: 7``) and with adaptive ones (the defaults: start at 7
days, double after a window under a quarter page, up to 31). A sparse
property has few rows a day, a dense one fills more than a page a week at
``page_size`` 10,000. Requests are the
``runReport`` calls the emulator received; tokens are what its quota meter
charged the property (GA4 Standard's cost grows with the rows a report
covers: 1 + rows // 10,000 in the emulator).

    .venv/bin/python scripts/bench_windows.py [--sparse 20] [--dense 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from ga_emulator.dataset import DatasetConfig
from ga_emulator.server import Emulator

BIN = Path(sys.executable).parent
PROPERTY_ID = "312647579"
YEAR = (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
#: The Data API's own default limit: a dense week then takes two pages, and
#: "a quarter page" (what lets a window grow) is 2,500 rows.
PAGE_SIZE = 10_000
#: Window settings compared: fixed weeks, and the tap's defaults.
MODES = {
    "fixed 7-day": {"window_days": 7, "max_window_days": 7},
    "adaptive 7..31": {"window_days": 7, "max_window_days": 31},
}


def pull_year(emulator: Emulator, windows: dict[str, int], workdir: Path) -> dict:
    """Run the tap over the year; what it cost the property."""
    state = emulator.state
    state.requests.clear()
    state.quota.reset()
    config = workdir / "config.json"
    config.write_text(
        json.dumps(
            {
                "property_ids": [PROPERTY_ID],
                "start_date": YEAR[0].isoformat(),
                "end_date": YEAR[1].isoformat(),
                "api_endpoint": emulator.url,
                "page_size": PAGE_SIZE,
                **windows,
            }
        )
    )
    done = subprocess.run(
        [str(BIN / "tap-ga-legacy"), "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(done.stderr.strip().splitlines()[-1])
    records = [json.loads(line) for line in done.stdout.splitlines()]
    return {
        "requests": sum(r["api"] == "ga4" for r in state.requests),
        "tokens": sum(
            used
            for (property_id, bucket, _), used in state.quota.used.items()
            if property_id == PROPERTY_ID and bucket == "day"
        ),
        "windows": sum(
            r.get("type") == "RECORD" and r["stream"] == "report_windows"
            for r in records
        ),
        "rows": sum(
            r.get("type") == "RECORD" and r["stream"] == "events" for r in records
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sparse", type=int, default=20, help="rows a day")
    parser.add_argument("--dense", type=int, default=2000, help="rows a day")
    args = parser.parse_args()
    print(f"GA4, one year ({YEAR[0]}..{YEAR[1]}), page_size {PAGE_SIZE:,}")
    print(
        f"{'property':<20} {'windows':<15} {'requests':>8} {'tokens':>7}"
        f" {'kept windows':>12} {'rows':>8}"
    )
    for shape, rows_per_day in (("sparse", args.sparse), ("dense", args.dense)):
        dataset = DatasetConfig(rows_per_day=rows_per_day)
        with Emulator(dataset) as emulator, tempfile.TemporaryDirectory() as tmp:
            for mode, windows in MODES.items():
                cost = pull_year(emulator, windows, Path(tmp))
                print(
                    f"{f'{shape} ({rows_per_day}/day)':<20}"
                    f" {mode:<15} {cost['requests']:>8} {cost['tokens']:>7}"
                    f" {cost['windows']:>12} {cost['rows']:>8,}"
                )


if __name__ == "__main__":
    main()
