"""``ga-report``: build the analysts' HTML report from the dbt marts.

DuckDB (dev) by default; ``--warehouse snowflake`` (prod) reads the marts
dbt-snowflake built, with the SNOWFLAKE_* and DBT_SNOWFLAKE_* variables
dbt-snowflake reads. The GA_REPORT_* variables (the Meltano utility's
settings) give each option's default.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ga_report.build import build_report
from ga_report.warehouse import ReportError, duckdb_warehouse, snowflake_warehouse


def main(argv: list[str] | None = None) -> int:
    """Build the report; print where to open it, or one error line."""
    env = os.environ
    parser = argparse.ArgumentParser(prog="ga-report", description=__doc__)
    parser.add_argument(
        "--warehouse",
        choices=("duckdb", "snowflake"),
        default=env.get("GA_REPORT_WAREHOUSE") or "duckdb",
        help="where the marts are (default: %(default)s)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(env.get("GA_REPORT_DATABASE") or "output/warehouse.duckdb"),
        help="DuckDB: the warehouse file dbt built (default: %(default)s)",
    )
    parser.add_argument(
        "--schema",
        default=env.get("GA_REPORT_SCHEMA") or None,
        help="schema of the dbt marts (default: analytics_marts on DuckDB,"
        " <DBT_SNOWFLAKE_SCHEMA>_MARTS on Snowflake)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(env.get("GA_REPORT_OUT") or "output/report"),
        help="folder for the HTML pages (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        warehouse = (
            snowflake_warehouse(env, args.schema)
            if args.warehouse == "snowflake"
            else duckdb_warehouse(args.database, args.schema or "analytics_marts")
        )
        with warehouse as marts:
            report = build_report(marts, args.out)
    except ReportError as exc:
        print(f"ga-report: {exc}", file=sys.stderr)
        return 1
    pages = report.pages
    for title, missing in report.missing_marts.items():
        print(f"ga-report: {title}: no {', '.join(missing)} yet", file=sys.stderr)
    size = sum(p.stat().st_size for p in pages)
    print(
        f"ga-report: {len(pages)} pages, {size / 1024:.0f} KiB, in"
        f" {time.perf_counter() - started:.1f} s; open {pages[0].resolve().as_uri()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
