"""A fakesnow server on a free loopback port, with two server-side fixes.

Run with the fakesnow virtualenv's Python (tests/snowflake/conftest.py does):
``python fakesnow_server.py READY_FILE``. Writes the connect kwargs as JSON to
READY_FILE once the server accepts connections, and stops on SIGTERM/SIGINT.
The server keeps one in-memory DuckDB for its lifetime.

The fixes (fakesnow 0.12.1 bugs; Snowflake behaves as patched):

* a NULL TIMESTAMP_* read through the server came back as 1970-01-01;
* ``describe table DB.SCHEMA.T`` returned no rows when DB is not the session's
  current database (dbt's unit tests describe the RAW sources from PROD).
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from string import Template

import fakesnow
import fakesnow.arrow
import fakesnow.transforms.transforms
import pyarrow as pa

_to_struct = fakesnow.arrow.timestamp_to_sf_struct


def timestamp_to_sf_struct(ts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """fakesnow 0.12.1's conversion, plus the validity mask it forgets.

    Without the mask a NULL TIMESTAMP_* reaches the client as 1970-01-01.
    """
    if isinstance(ts, pa.ChunkedArray):
        ts = ts.combine_chunks()
    out = _to_struct(ts)
    if ts.null_count:
        out = pa.StructArray.from_arrays(
            arrays=out.flatten(), fields=list(out.type), mask=ts.is_null()
        )
    return out


fakesnow.arrow.timestamp_to_sf_struct = timestamp_to_sf_struct

# DESCRIBE read the current database's column view, which only lists that
# database's tables; the global view lists every database's.
_describe = fakesnow.transforms.transforms.SQL_DESCRIBE_TABLE.template
assert "FROM _fs_information_schema._fs_columns" in _describe
fakesnow.transforms.transforms.SQL_DESCRIBE_TABLE = Template(
    _describe.replace(
        "FROM _fs_information_schema._fs_columns",
        "FROM _fs_global._fs_information_schema._fs_columns",
    )
)


def main() -> None:
    """Serve until SIGTERM or SIGINT."""
    ready = Path(sys.argv[1])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with fakesnow.server(host="127.0.0.1") as kwargs:
        tmp = ready.with_suffix(".tmp")
        tmp.write_text(json.dumps(kwargs))
        tmp.replace(ready)
        stop.wait()


if __name__ == "__main__":
    main()
