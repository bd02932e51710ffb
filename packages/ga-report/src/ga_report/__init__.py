"""The analysts' report: static HTML pages of charts built from the dbt marts.

Every chart is Vega-Lite rendered to inline SVG at build time, but one: the
project page draws any project after the top one in the browser, from the
compact data the page holds. A page opens from disk or any static host with
nothing fetched at view time.
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
