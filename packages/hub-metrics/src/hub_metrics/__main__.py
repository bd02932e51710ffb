"""``hub-metrics``: MeltanoHub's usage metrics files from the warehouse.

``hub-metrics write`` reads fct_hub_variant_metrics (DuckDB by default;
``--warehouse snowflake`` with the SNOWFLAKE_* and DBT_SNOWFLAKE_* variables
dbt-snowflake reads) and writes variant_metrics.yml and audit.yml into the
build folder. ``hub-metrics copy`` copies them to the destination: a folder,
or an s3:// URI (AWS credentials from the environment only). The
HUB_METRICS_* variables (the Meltano utility's settings) give each option's
default; HUB_METRICS_AS_OF is also the dbt var hub_metrics_as_of.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ga_report.warehouse import ReportError, duckdb_warehouse, snowflake_warehouse
from hub_metrics.copy import copy_files
from hub_metrics.files import parse_as_of, read_metrics, write_files


def _parser() -> argparse.ArgumentParser:
    env = os.environ
    parser = argparse.ArgumentParser(prog="hub-metrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_dir = {
        "type": Path,
        "default": Path(env.get("HUB_METRICS_BUILD_DIR") or ".meltano/run/hub-metrics"),
        "help": "where `write` puts the files and `copy` takes them"
        " (default: %(default)s)",
    }

    write = commands.add_parser("write", help="write the two files from the mart")
    write.add_argument(
        "--warehouse",
        choices=("duckdb", "snowflake"),
        default=env.get("HUB_METRICS_WAREHOUSE") or "duckdb",
        help="where the mart is (default: %(default)s)",
    )
    write.add_argument(
        "--database",
        type=Path,
        default=Path(env.get("HUB_METRICS_DATABASE") or "output/warehouse.duckdb"),
        help="DuckDB: the warehouse file dbt built (default: %(default)s)",
    )
    write.add_argument(
        "--schema",
        default=env.get("HUB_METRICS_SCHEMA") or None,
        help="schema of the dbt marts (default: analytics_marts on DuckDB,"
        " <DBT_SNOWFLAKE_SCHEMA>_MARTS on Snowflake)",
    )
    write.add_argument(
        "--as-of",
        default=env.get("HUB_METRICS_AS_OF") or None,
        help="the day the mart must have been built for (dbt var"
        " hub_metrics_as_of); default: whatever it was built for",
    )
    write.add_argument("--build-dir", **build_dir)

    copy = commands.add_parser("copy", help="copy the two files to the destination")
    copy.add_argument("--build-dir", **build_dir)
    copy.add_argument(
        "--destination",
        default=env.get("HUB_METRICS_DESTINATION") or "output/hub_metrics",
        help="a folder or s3://<bucket>/<prefix>/ (default: %(default)s)",
    )
    return parser


def _write(args: argparse.Namespace) -> str:
    as_of = parse_as_of(args.as_of)
    warehouse = (
        snowflake_warehouse(os.environ, args.schema)
        if args.warehouse == "snowflake"
        else duckdb_warehouse(args.database, args.schema or "analytics_marts")
    )
    with warehouse as marts:
        metrics = read_metrics(marts, as_of)
    paths = write_files(metrics, args.build_dir)
    used = sum(1 for m in metrics.metrics.values() if m["all_projects"])
    return (
        f"wrote {', '.join(str(p) for p in paths)}: {len(metrics.metrics)} repos,"
        f" {used} with projects, as_of {metrics.as_of or 'none'}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run one command; print what it did, or one error line."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "write":
            done = _write(args)
        else:
            done = "copied to " + ", ".join(
                copy_files(args.build_dir, args.destination)
            )
    except ReportError as exc:
        print(f"hub-metrics: {exc}", file=sys.stderr)
        return 1
    print(f"hub-metrics: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
