"""``ga-report``: build the analysts' HTML report from the DuckDB marts."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ga_report.build import ReportError, build_report


def main(argv: list[str] | None = None) -> int:
    """Build the report; print where to open it, or one error line."""
    parser = argparse.ArgumentParser(prog="ga-report", description=__doc__)
    parser.add_argument(
        "--database",
        type=Path,
        default=Path("output/warehouse.duckdb"),
        help="the DuckDB warehouse dbt built (default: %(default)s)",
    )
    parser.add_argument(
        "--schema",
        default="analytics_marts",
        help="schema of the dbt marts (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("output/report"),
        help="folder for the HTML pages (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        pages = build_report(args.database, args.out, args.schema)
    except ReportError as exc:
        print(f"ga-report: {exc}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in pages)
    print(
        f"ga-report: {len(pages)} pages, {size / 1024:.0f} KiB, in"
        f" {time.perf_counter() - started:.1f} s; open {pages[0].resolve().as_uri()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
