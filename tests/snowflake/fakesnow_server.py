"""A fakesnow server on a free loopback port: three server-side fixes, two shortcuts.

Run with the fakesnow virtualenv's Python (tests/snowflake/conftest.py does):
``python fakesnow_server.py READY_FILE``. Writes the connect kwargs as JSON to
READY_FILE once the server accepts connections, and stops on SIGTERM/SIGINT.
The server keeps one in-memory DuckDB for its lifetime.

The fixes (fakesnow 0.12.1 bugs; Snowflake behaves as patched):

* a NULL TIMESTAMP_* read through the server came back as 1970-01-01;
* ``describe table DB.SCHEMA.T`` returned no rows when DB is not the session's
  current database (dbt's unit tests describe the RAW sources from PROD);
* statements of concurrent sessions ran at once on the one DuckDB, whose
  optimistic transactions then failed a MERGE with HTTP 500: target-snowflake
  drains its two streams' sinks (events, report_windows) in parallel. They
  run one at a time here, as Snowflake's own locking would order them.

Two shortcuts do the same work once instead of twice (the server spends most
of its time in sqlglot, and dbt's unit tests send statements of up to 160 KB):

* the request handler parses each statement for its type, then the cursor
  parses the same text again: the cursor takes the handler's tree instead;
* the result's column types came from re-parsing the DuckDB SQL fakesnow had
  just generated and running ``DESCRIBE`` on the regenerated text: DuckDB
  describes the generated text itself.
"""

from __future__ import annotations

import contextvars
import importlib
import json
import signal
import sys
import threading
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import fakesnow
import fakesnow.arrow
import fakesnow.cursor
import fakesnow.dialect
import fakesnow.transforms.transforms
import pyarrow as pa

if TYPE_CHECKING:
    from collections.abc import Callable

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


#: ``fakesnow.server`` is the function that serves; importing the module of the
#: same name replaces that attribute, so keep the function first.
serve = fakesnow.server
_server_module = importlib.import_module("fakesnow.server")
_in_threadpool = _server_module.run_in_threadpool
_one_at_a_time = threading.Lock()


async def _serialised(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    def locked() -> Any:
        with _one_at_a_time:
            return func(*args, **kwargs)

    return await _in_threadpool(locked)


_server_module.run_in_threadpool = _serialised

#: The statement the current request parsed, as [text, tree] until a cursor
#: takes it. A request runs in a task of its own and its thread-pool calls in
#: copies of that task's context, so requests never see each other's; the
#: list is shared by the copies, so a tree is taken once (fakesnow's
#: transforms change it in place), even by a batch's repeated executes.
_parsed: contextvars.ContextVar[list[Any]] = contextvars.ContextVar("parsed")


def _parse_for_request(command: str) -> Any:
    expression = fakesnow.dialect.parse_one(command)
    _parsed.set([command, expression])
    return expression


def _parse_for_cursor(command: str) -> Any:
    pending = _parsed.get(None)
    if pending and pending[0] == command:
        expression = pending[1]
        pending.clear()
        return expression
    return fakesnow.dialect.parse_one(command)


_server_module.parse_one = _parse_for_request
fakesnow.cursor.parse_one = _parse_for_cursor


_describe_regenerated = fakesnow.cursor.FakeSnowflakeCursor._describe_last_sql


def _describe_last_sql(self: fakesnow.cursor.FakeSnowflakeCursor) -> list[Any]:
    """DuckDB's DESCRIBE of the last statement, on the session's connection as
    fakesnow's own, without the sqlglot round trip of a text fakesnow had just
    generated for DuckDB."""
    last = self._last_transformed
    if last is not None and last.args.get("seed"):
        # The text starts with a setseed() statement of its own.
        return _describe_regenerated(self)
    return self._duck_conn.execute(
        f"DESCRIBE {self._last_sql}",
        self._last_params,
    ).fetchall()


fakesnow.cursor.FakeSnowflakeCursor._describe_last_sql = _describe_last_sql


def main() -> None:
    """Serve until SIGTERM or SIGINT."""
    ready = Path(sys.argv[1])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with serve(host="127.0.0.1") as kwargs:
        tmp = ready.with_suffix(".tmp")
        tmp.write_text(json.dumps(kwargs))
        tmp.replace(ready)
        stop.wait()


if __name__ == "__main__":
    main()
