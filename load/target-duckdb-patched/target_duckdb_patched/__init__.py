"""target-duckdb 0.8.0 whose COPY never takes the first CSV row for a header.

``DbSync.load_rows`` writes each batch to a header-less CSV file and loads it
with ``COPY ... WITH (new_line ...)``. DuckDB's COPY FROM sniffs for a
header when none is declared, and a first row that does not cast cleanly to the
table's types (here: ``2026-01-01T00:00:00Z`` in a TIMESTAMP column) is taken
for one, so one record per batch was lost. This adds ``header false``, as
jwills/target-duckdb#58 does upstream.

It also creates the DuckDB file's directory (e.g. ``output/`` in a fresh
clone), which target-duckdb leaves to the user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import target_duckdb
from target_duckdb import db_sync

COPY_OPTIONS = "WITH (new_line '\\r\\n')"
FIXED_COPY_OPTIONS = "WITH (new_line '\\r\\n', header false)"


class HeaderlessCopy:
    """A DuckDB connection whose CSV COPY statements declare no header."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        """Run a query, adding ``header false`` to the batch COPY."""
        if query.startswith("COPY "):
            if not query.endswith(COPY_OPTIONS):
                msg = (
                    "target-duckdb's COPY statement changed; check whether"
                    f" target-duckdb-patched is still needed: {query}"
                )
                raise RuntimeError(msg)
            query = query.removesuffix(COPY_OPTIONS) + FIXED_COPY_OPTIONS
        return self._connection.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


_load_rows = db_sync.DbSync.load_rows


def _load_rows_without_header(
    self: db_sync.DbSync, records: Any, count: int, temp_dir: str
) -> None:
    connection = self.conn
    self.conn = HeaderlessCopy(connection)
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
    """Run target-duckdb with the fixed COPY."""
    _make_database_directory(sys.argv)
    db_sync.DbSync.load_rows = _load_rows_without_header
    target_duckdb.main()
