"""Benchmark: tap-ga-legacy over >= 1,000,000 emulated rows vs plain json.loads.

Not a test: it measures and reports. Steps, for each API benchmarked:

1. start the GA emulator in its own process, keeping encoded answers cached;
2. run the tap once to warm that cache (the generator is not what we measure);
3. fetch every page the tap asked for again and time ``json.loads`` alone on
   each (the floor any JSON client pays);
4. run the tap again, output to /dev/null, and time it; peak RSS comes from
   the tap process itself (``wait4``).

Memory is measured on two range lengths: flat means the same peak for both.

    .venv/bin/python scripts/bench_tap.py [--days 560] [--rows-per-day 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
FIRST_DAY = dt.date(2020, 1, 1)


def start_emulator(rows_per_day: int, ready: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BIN / "ga-emulator"),
            "--rows-per-day",
            str(rows_per_day),
            "--projects",
            "5000",
            "--cache-pages",
            "100000",
            "--ready-file",
            str(ready),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if ready.exists() and ready.stat().st_size:
            return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the emulator did not start")


def run_tap(config: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB, and records written by one tap run."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(BIN / "tap-ga-legacy"), "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode()
    if process.returncode:
        raise SystemExit(f"tap failed:\n{text[-2000:]}")
    records = sum(
        json.loads(line.split("METRIC: ", 1)[1])["value"]
        for line in text.splitlines()
        if '"metric":"record_count"' in line
    )
    return elapsed, usage.ru_maxrss // 1024, records


def json_loads_rate(url: str) -> tuple[int, float]:
    """Rows and seconds of json.loads over every page the tap requested."""
    log = requests.get(f"{url}/__emulator/requests", timeout=60).json()
    rows, seconds = 0, 0.0
    with requests.Session() as session:
        for entry in log:
            raw = session.post(url + entry["path"], json=entry["body"], timeout=600)
            raw.raise_for_status()
            content = raw.content
            started = time.perf_counter()
            payload = json.loads(content)
            seconds += time.perf_counter() - started
            reports = payload.get("reports")
            page = reports[0]["data"] if reports else payload
            rows += len(page.get("rows", []))
    requests.delete(f"{url}/__emulator/requests", timeout=60)
    return rows, seconds


def bench(api: str, url: str, days: int, workdir: Path) -> dict:
    key = "property_ids" if api == "ga4" else "view_ids"
    config = workdir / f"{api}-{days}.json"
    config.write_text(
        json.dumps(
            {
                key: ["312647579" if api == "ga4" else "188392047"],
                "start_date": str(FIRST_DAY),
                "end_date": str(FIRST_DAY + dt.timedelta(days=days - 1)),
                "api_endpoint": url,
            }
        )
    )
    requests.delete(f"{url}/__emulator/requests", timeout=60)
    run_tap(config)  # warm the emulator's cache
    rows, loads_seconds = json_loads_rate(url)
    elapsed, peak_mb, records = run_tap(config)
    assert records == rows, (records, rows)
    return {
        "api": api,
        "days": days,
        "rows": rows,
        "tap_seconds": round(elapsed, 2),
        "tap_records_per_s": round(rows / elapsed),
        "json_loads_rows_per_s": round(rows / loads_seconds),
        "tap_vs_json_loads": round((rows / loads_seconds) / (rows / elapsed), 2),
        "tap_peak_rss_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=560)
    parser.add_argument("--rows-per-day", type=int, default=2000)
    parser.add_argument("--apis", default="ga4,ua")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        emulator = start_emulator(args.rows_per_day, workdir / "ready.json")
        try:
            url = json.loads((workdir / "ready.json").read_text())["url"]
            for api in args.apis.split(","):
                for days in (args.days // 4, args.days):
                    result = bench(api, url, days, workdir)
                    print(json.dumps(result), flush=True)
                    results.append(result)
        finally:
            emulator.terminate()
            emulator.wait()
    print("\napi  days     rows   tap rec/s  json.loads rows/s  ratio  peak RSS MB")
    for r in results:
        print(
            f"{r['api']:<4} {r['days']:>4} {r['rows']:>8} {r['tap_records_per_s']:>11}"
            f" {r['json_loads_rows_per_s']:>18} {r['tap_vs_json_loads']:>6}"
            f" {r['tap_peak_rss_mb']:>12}"
        )


if __name__ == "__main__":
    main()
