"""The old pipeline's warehouse table, rebuilt from the emulator's rows.

Before Google deleted UA data, MeltanoLabs tap-google-analytics pulled one
report (ga:date, ga:eventCategory, ga:eventAction, ga:eventLabel /
ga:totalEvents: no custom dimension 1) and pipelinewise-target-snowflake
loaded it into RAW.GOOGLE_ANALYTICS.EVENTS (February to July 2022), then
RAW.TAP_GOOGLE_ANALYTICS.EVENTS. This writes such a table for tests and the
demo: the emulator's rows with the custom dimension aggregated away, and GA's
empty strings stored as NULL, as that loader's CSV files did.

``python -m ga_emulator.old_table DATABASE SCHEMA FIRST LAST`` writes one
into a DuckDB file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from ga_emulator.dataset import DatasetConfig, rows_in_range

if TYPE_CHECKING:
    from collections.abc import Iterable

    from duckdb import DuckDBPyConnection

    from ga_emulator.dataset import Row

#: The old table's columns, in its order.
COLUMNS = (
    "ga_date",
    "ga_eventcategory",
    "ga_eventaction",
    "ga_eventlabel",
    "ga_totalevents",
    "report_start_date",
    "report_end_date",
    "_sdc_extracted_at",
    "_sdc_batched_at",
    "_sdc_deleted_at",
)
#: Its types, as pipelinewise-target-snowflake created them (NUMBER is NUMERIC).
DDL = (
    "ga_date varchar, ga_eventcategory varchar, ga_eventaction varchar,"
    " ga_eventlabel varchar, ga_totalevents numeric(38, 0),"
    " report_start_date varchar, report_end_date varchar,"
    " _sdc_extracted_at timestamp, _sdc_batched_at timestamp,"
    " _sdc_deleted_at timestamp"
)


def old_table_rows(
    rows: Iterable[Row], first: dt.date, last: dt.date, batched_at: dt.datetime
) -> list[tuple]:
    """The old report's rows for first..last, as its loader stored them.

    One per (day, category, action, label): the custom dimension summed away;
    '' stored as NULL.
    """
    totals: defaultdict[tuple[str, str, str, str], int] = defaultdict(int)
    for row in rows:
        day = dt.date(int(row.date[:4]), int(row.date[4:6]), int(row.date[6:]))
        if first <= day <= last:
            totals[(row.date, row.category, row.action, row.label)] += row.count
    return [
        (
            *(value or None for value in key),
            count,
            f"{first}T00:00:00Z",
            f"{last}T00:00:00Z",
            batched_at,
            batched_at,
            None,
        )
        for key, count in sorted(totals.items())
    ]


def write_duckdb(
    database: str, schema: str, view_id: str, first: dt.date, last: dt.date
) -> int:
    """Create SCHEMA.events in a DuckDB file from the emulator's data."""
    import duckdb  # noqa: PLC0415 - only this command needs it

    rows = old_table_rows(
        rows_in_range(DatasetConfig(), view_id, first, last),
        first,
        last,
        dt.datetime(2022, 7, 1, 6, 0),
    )
    with duckdb.connect(database) as con:
        load_duckdb(con, schema, rows)
    return len(rows)


def load_duckdb(con: DuckDBPyConnection, schema: str, rows: list[tuple]) -> None:
    """Create SCHEMA.events (replacing it) holding ``rows`` (old_table_rows)."""
    # One COPY from a CSV file: executemany took 45-67 s for 3,318 rows. The
    # CSV options are all stated (nothing sniffed); every field is quoted and
    # None is written as "", which COPY reads as NULL (no value here is "").
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            csv.writer(file, quoting=csv.QUOTE_ALL).writerows(rows)
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create or replace table {schema}.events ({DDL})")
        con.execute(
            f"copy {schema}.events from '{path}' (format csv, delimiter ',',"
            " quote '\"', escape '\"', header false, nullstr '',"
            " auto_detect false)"
        )


def main() -> None:
    """``python -m ga_emulator.old_table DATABASE SCHEMA FIRST LAST``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="DuckDB file")
    parser.add_argument("schema", help="e.g. tap_google_analytics")
    parser.add_argument("first", type=dt.date.fromisoformat)
    parser.add_argument("last", type=dt.date.fromisoformat)
    parser.add_argument("--view-id", default="188392047")
    args = parser.parse_args()
    count = write_duckdb(
        args.database, args.schema, args.view_id, args.first, args.last
    )
    print(f"{args.schema}.events: {count} rows, {args.first}..{args.last}")


if __name__ == "__main__":
    main()
