"""target-duckdb 0.8.0 whose COPY never guesses anything from the data.

``DbSync.load_rows`` writes each batch to a header-less CSV file and loads it
with ``COPY ... WITH (new_line ...)``, leaving everything else to DuckDB's
sniffer, which guesses from the batch's content. A first row that does not
cast cleanly to the table's types (here: ``2026-01-01T00:00:00Z`` in a
TIMESTAMP column) was taken for a header, so one record per batch was lost
(jwills/target-duckdb#58 adds ``header false`` upstream); and a batch whose
commands held double quotes (``--job_id="<script>"``, written ``""``) was
read with ``'`` as quote and escape, and failed to load. Here the COPY states
every option the writer fixed: delimiter, quote, escape, header, null string,
line end, and ``auto_detect false`` (the column types are the table's), so
whether a batch loads never depends on what it holds.

It also keeps empty strings: target-duckdb turns every falsy value but 0
into None and writes None and ``""`` alike as an empty CSV field, which COPY
reads as NULL, so GA's empty labels became NULL (and the SQL form of the
event_key with them). Here an empty string stays one: every value but None is
quoted, and COPY reads a quoted ``""`` as an empty string
(``allow_quoted_nulls false``), an unquoted empty field as NULL.

And it creates the DuckDB file's directory (e.g. ``output/`` in a fresh
clone), which target-duckdb leaves to the user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

import target_duckdb
from target_duckdb import db_sync

COPY_OPTIONS = "WITH (new_line '\\r\\n')"


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def copy_options(delimiter: str, quote: str) -> str:
    r"""The batch COPY's options: exactly how QuoteAllButNull wrote the file.

    A quote in a value is doubled (escape = quote); None is an unquoted empty
    field (null string ''), an empty string a quoted one. With auto_detect
    false the column types are the table's and timestamps go through
    DuckDB's ISO 8601 cast, as in an INSERT. strict_mode is left at its
    default (true): DuckDB 1.4.4 stated ``strict_mode true`` next to
    ``new_line '\r\n'`` reads a phantom extra row at the end of the file.
    """
    return (
        f"WITH (format csv, delimiter {sql_string(delimiter)},"
        f" quote {sql_string(quote)}, escape {sql_string(quote)},"
        " header false, nullstr '', allow_quoted_nulls false,"
        " new_line '\\r\\n', skip 0, comment '', auto_detect false)"
    )


class QuoteAllButNull:
    """The batch CSV writer: None is an empty field, every other value quoted.

    Stands in for ``csv.writer`` in target-duckdb's ``load_rows`` (same
    arguments); values are written as ``csv.writer`` writes them, ``str()``.
    """

    def __init__(self, file: IO[str], delimiter: str, quotechar: str, **_: Any) -> None:
        self._file, self._delimiter, self._quote = file, delimiter, quotechar

    def writerow(self, row: list[Any]) -> None:
        """Write one record, CRLF-terminated like ``csv.writer``."""
        quote = self._quote
        self._file.write(
            self._delimiter.join(
                ""
                if value is None
                else quote + str(value).replace(quote, quote * 2) + quote
                for value in row
            )
            + "\r\n"
        )


class DeclaredCopy:
    """A DuckDB connection whose batch COPY states every CSV option."""

    def __init__(self, connection: Any, options: str) -> None:
        self._connection, self._options = connection, options

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        """Run a query, the batch COPY with the writer's options."""
        if query.startswith("COPY "):
            if not query.endswith(COPY_OPTIONS):
                msg = (
                    "target-duckdb's COPY statement changed; check whether"
                    f" target-duckdb-patched is still needed: {query}"
                )
                raise RuntimeError(msg)
            query = query.removesuffix(COPY_OPTIONS) + self._options
        return self._connection.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


_load_rows = db_sync.DbSync.load_rows
_record_to_flattened = db_sync.DbSync.record_to_flattened


def _record_to_flattened_keeping_empty(
    self: db_sync.DbSync, record: dict[str, Any]
) -> list[Any]:
    # The tap's records are flat: a column's value is the record's own.
    values = _record_to_flattened(self, record)
    return [
        "" if value is None and record.get(name) == "" else value
        for name, value in zip(self.flatten_schema, values, strict=True)
    ]


def _load_rows_declared(
    self: db_sync.DbSync, records: Any, count: int, temp_dir: str
) -> None:
    connection = self.conn
    self.conn = DeclaredCopy(connection, copy_options(self.delimiter, self.quotechar))
    try:
        _load_rows(self, records, count, temp_dir)
    finally:
        self.conn = connection


def _make_database_directory(argv: list[str]) -> None:
    """Create the parent directory of a local DuckDB file named in --config."""
    if "--config" not in argv[:-1]:
        return
    try:
        config = json.loads(Path(argv[argv.index("--config") + 1]).read_text())
    except (OSError, ValueError):
        return  # target-duckdb reports it
    path = str(config.get("path") or config.get("filepath") or "")
    if path and ":" not in path.split("/", 1)[0]:  # not md:/motherduck:
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def main() -> None:
    """Run target-duckdb with a COPY that guesses nothing, empty strings kept."""
    _make_database_directory(sys.argv)
    db_sync.DbSync.load_rows = _load_rows_declared
    db_sync.DbSync.record_to_flattened = _record_to_flattened_keeping_empty
    db_sync.csv = SimpleNamespace(writer=QuoteAllButNull, QUOTE_MINIMAL=None)
    target_duckdb.main()
