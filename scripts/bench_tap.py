"""Benchmark: tap-ga-legacy on full pages vs ``requests`` + ``json.loads``.

``--apis`` picks what is measured (default ``ga4,ua,pageviews``); ``pageviews``
is the ``pageviews`` stream: the emulator's Meltano UI view over the UI's
whole era (2019-10-16..2022-09-23), as sparse as the UI's real traffic, in
growing windows.

Not a test: it measures and reports. The emulated property is dense (30,000
rows a weekday by default) and each run pulls one window of 10 days, about
280,000 rows: more than one page at every page size. For each API and page
size (GA4 10k/100k/250k, UA 10k/100k):

1. run the tap once, which also fills the emulator's cache of encoded answers
   (generating the data is not what we measure);
2. in a child process, send every request the tap sent again with
   ``requests`` and decode each body with ``json.loads``: the floor any Python
   JSON client pays;
3. run the tap again, its output to /dev/null.

Wall time, CPU and peak RSS come from each child process (``wait4``), start-up
included: about 1.3 s of CPU for the tap's imports, 0.2 s for the baseline's.

    .venv/bin/python scripts/bench_tap.py [--rows-per-day 30000] [--days 10]

The emulator runs in its own process; its time is in the wall figures of both
the tap and the baseline, not in their CPU figures.
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
FIRST_DAY = dt.date(2020, 1, 6)
#: One id for both APIs: the emulator generates (and caches) its rows once.
PROPERTY_ID = "312647579"
PAGE_SIZES = {
    "ga4": (10_000, 100_000, 250_000),
    "ua": (10_000, 100_000),
    "pageviews": (10_000, 100_000),
}
#: The emulator's Meltano UI view and the days the UI sent pageviews.
UI_VIEW_ID = "188384771"
UI_DAYS = (dt.date(2019, 10, 16), dt.date(2022, 9, 23))


def start_emulator(rows_per_day: int, ready: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BIN / "ga-emulator"),
            "--rows-per-day",
            str(rows_per_day),
            "--projects",
            "5000",
            "--cache-pages",
            "1000",
            "--ready-file",
            str(ready),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Up to 60 s: on a busy machine the dataset takes a while to build.
    for _ in range(600):
        if ready.exists() and ready.stat().st_size:
            return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the emulator did not start")


def measure(command: list[str], *, keep_stdout: bool = False) -> tuple[dict, str, str]:
    """Wall and CPU seconds and peak RSS in MB of one child process, and its output.

    The bench itself stays small (the tap's output is not read back): Linux
    counts the parent's peak RSS at fork in the child's peak.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{command[0]} failed:\n{stderr[-2000:]}")
    figures = {
        "wall": elapsed,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss // 1024,
    }
    return figures, stdout, stderr


def run_tap(config: Path, stream: str) -> dict:
    """Wall and CPU seconds, peak RSS in MB and ``stream``'s records of one run."""
    command = [str(BIN / "tap-ga-legacy"), "--config", str(config)]
    figures, _, log = measure(command)
    points = [
        json.loads(line.split("METRIC: ", 1)[1])
        for line in log.splitlines()
        if '"metric":"record_count"' in line
    ]
    # report_windows' records (one per window) are not the report's rows.
    figures["records"] = sum(
        p["value"] for p in points if p["tags"].get("stream") == stream
    )
    return figures


def requests_json_loads(url: str) -> dict:
    """requests + json.loads over the tap's pages, in a child process like the tap."""
    figures, out, _ = measure(
        [sys.executable, __file__, "--replay", url], keep_stdout=True
    )
    requests.delete(f"{url}/__emulator/requests", timeout=60)
    return {**figures, **json.loads(out)}


def replay(url: str) -> None:
    """Send every request the emulator logged again; print rows and requests."""
    log = requests.get(f"{url}/__emulator/requests", timeout=60).json()
    rows = 0
    with requests.Session() as session:
        for entry in log:
            # The tap's compact encoding, byte for byte: the emulator's cache
            # then answers, as it did for the tap.
            body = json.dumps(entry["body"], separators=(",", ":"))
            raw = session.post(
                url + entry["path"],
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=600,
            )
            raw.raise_for_status()
            payload = json.loads(raw.content)
            reports = payload.get("reports")
            rows += len((reports[0]["data"] if reports else payload).get("rows", []))
            del raw, payload
    print(json.dumps({"rows": rows, "requests": len(log)}))


def bench(api: str, page_size: int, url: str, days: int, workdir: Path) -> dict:
    config = workdir / f"{api}-{page_size}.json"
    window = {
        "start_date": str(FIRST_DAY),
        "end_date": str(FIRST_DAY + dt.timedelta(days=days - 1)),
        "window_days": days,
    }
    if api == "pageviews":
        first, last = UI_DAYS
        ids = {"ui_view_ids": [UI_VIEW_ID]}
        window = {"start_date": str(first), "end_date": str(last)}
        window |= {"window_days": 31, "max_window_days": 366}
    else:
        ids = {"property_ids" if api == "ga4" else "view_ids": [PROPERTY_ID]}
    config.write_text(
        json.dumps({**ids, **window, "page_size": page_size, "api_endpoint": url})
    )
    requests.delete(f"{url}/__emulator/requests", timeout=60)
    stream = "pageviews" if api == "pageviews" else "events"
    run_tap(config, stream)  # warms the emulator's cache; logs the requests to replay
    floor = requests_json_loads(url)
    tap = run_tap(config, stream)
    assert tap["records"] == floor["rows"], (tap["records"], floor["rows"])
    rows = floor["rows"]
    return {
        "api": api,
        "page_size": page_size,
        "rows": rows,
        "requests": floor["requests"],
        "tap_records_per_s": round(rows / tap["wall"]),
        "tap_cpu_ms_per_1k": round(1000 * tap["cpu"] / rows * 1000, 1),
        "json_loads_rows_per_s": round(rows / floor["wall"]),
        "json_loads_cpu_ms_per_1k": round(1000 * floor["cpu"] / rows * 1000, 1),
        "tap_peak_rss_mb": tap["peak_mb"],
        "json_loads_peak_rss_mb": floor["peak_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--rows-per-day", type=int, default=30_000)
    parser.add_argument("--apis", default="ga4,ua,pageviews")
    parser.add_argument("--replay", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:
        replay(args.replay)
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        emulator = start_emulator(args.rows_per_day, workdir / "ready.json")
        try:
            url = json.loads((workdir / "ready.json").read_text())["url"]
            for api in args.apis.split(","):
                for page_size in PAGE_SIZES[api]:
                    result = bench(api, page_size, url, args.days, workdir)
                    print(json.dumps(result), flush=True)
                    results.append(result)
        finally:
            emulator.terminate()
            emulator.wait()
    print(
        "\n                                          tap                     "
        "requests + json.loads"
        "\napi       page_size     rows  requests  rec/s  CPU ms/1k  peak MB"
        "   rows/s  CPU ms/1k  peak MB"
    )
    for r in results:
        print(
            f"{r['api']:<9} {r['page_size']:>9} {r['rows']:>8} {r['requests']:>9}"
            f" {r['tap_records_per_s']:>6} {r['tap_cpu_ms_per_1k']:>10}"
            f" {r['tap_peak_rss_mb']:>8} {r['json_loads_rows_per_s']:>8}"
            f" {r['json_loads_cpu_ms_per_1k']:>10} {r['json_loads_peak_rss_mb']:>8}"
        )


if __name__ == "__main__":
    main()
