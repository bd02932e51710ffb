"""The analysts' report: static HTML pages of charts built from the dbt marts.

Every chart is Vega-Lite rendered to inline SVG at build time, so a page opens
from disk or any static host with nothing fetched at view time.
"""

from ga_report.build import PAGES, build_report
from ga_report.warehouse import ReportError, duckdb_warehouse, snowflake_warehouse

__all__ = [
    "PAGES",
    "ReportError",
    "build_report",
    "duckdb_warehouse",
    "snowflake_warehouse",
]
