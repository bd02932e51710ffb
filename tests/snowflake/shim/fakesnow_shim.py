"""TEST ONLY: run the real target-snowflake against a local fakesnow server.

tests/snowflake/conftest.py installs the target with ``meltano install`` in a
temporary copy of the project and drops a ``fakesnow_shim.pth`` into that
plugin venv's site-packages, so Python imports this module when the target's
own executable starts (Meltano strips PYTHONPATH from plugin environments).
It does nothing unless FAKESNOW_SHIM_PORT is set (the test environment sets it
for target-snowflake only). It never ships: the production loader
(load/loaders.meltano.yml) is the unmodified meltanolabs-target-snowflake.

It changes two things and nothing else:

1. The connection: target-snowflake has no host/port setting (it builds the
   URL from the account), so ``SnowflakeConnector.get_connect_args`` also
   returns host 127.0.0.1, port $FAKESNOW_SHIM_PORT and protocol http.

2. The statements on Snowflake's *user stage* (``@~``), which fakesnow 0.12.1
   cannot run: its PUT wants an unquoted named stage, it cannot select from a
   stage with a file format, and REMOVE and DROP FILE FORMAT do not parse.
   Rewritten (sync id = ``<stream>-<uuid>``, one per batch):

   - ``put <file> '@~/target-snowflake/<sid>'``
     -> ``put <file> @_FS_SHIM.USER_STAGE/target-snowflake/<sid>``
     (the connector still uploads the gzipped JSONL file over HTTP);
   - ``merge into T d using (select $1:c::TYPE as c, ... from
     '@~/target-snowflake/<sid>'(file_format => F) QUALIFY ROW_NUMBER() OVER
     (PARTITION BY <keys> ORDER BY SEQ8() DESC) = 1) s on ... when ...``
     -> the staged file is copied into ``_FS_SHIM."S_<sid>"`` (one VARIANT
     column V); the target's own select list and QUALIFY run over it into
     ``_FS_SHIM."M_<sid>"`` (``$1:`` read as ``V:``, and SEQ8() taken in an
     inner select, because DuckDB refuses a window function inside a window
     definition); then the target's MERGE text runs unchanged ``using`` that
     table (fakesnow cannot bind a MERGE over a subquery with QUALIFY);
   - ``remove '@~/target-snowflake/<sid>/'`` -> drop those two tables;
   - ``drop file format if exists F`` -> a no-op select.

   Any other ``@~`` statement (e.g. the COPY of load_method append-only or
   overwrite) fails loudly instead of being faked.

3. The sinks drain one at a time. The SDK drains the two streams' sinks
   (events, report_windows) in parallel, each in a transaction of its own;
   fakesnow's one DuckDB runs their statements one at a time but cannot
   commit two transactions that both wrote its catalog (their _FS_SHIM
   tables), and answered HTTP 500 on a MERGE about one CI run in two.
   Snowflake commits both: what this proves is the statements, not their
   concurrency (docs/snowflake.md).
"""

from __future__ import annotations

import os
import re

PUT = re.compile(r"^put (?P<file>\S+) '@~/target-snowflake/(?P<sid>[^']+)'$", re.I)
MERGE = re.compile(
    r"^(?P<head>merge into \S+ d using )\(select (?P<select>.+?) "
    r"from '@~/target-snowflake/(?P<sid>[^']+)'\(file_format => [^)]+\) "
    r"QUALIFY ROW_NUMBER\(\) OVER \(PARTITION BY (?P<keys>.+?) "
    r"ORDER BY SEQ8\(\) DESC\) = 1\) s (?P<tail>on .+)$",
    re.I | re.S,
)
DATABASE = re.compile(r'^merge into (?P<db>"[^"]+"|[^".\s]+)\.', re.I)
REMOVE = re.compile(r"^remove '@~/target-snowflake/(?P<sid>[^']+?)/?'$", re.I)
DROP_FILE_FORMAT = re.compile(r"^drop file format ", re.I)
STAGE = "_FS_SHIM.USER_STAGE"
#: The _FS_SHIM tables of each sync id, for the REMOVE that ends it.
_TABLES: dict[str, tuple[str, str]] = {}


def _rewrite(conn, cursor, statement, parameters, context, executemany):
    """SQLAlchemy before_cursor_execute hook: (statement, parameters) to run."""
    sql = statement.strip()
    if match := PUT.match(sql):
        cursor.execute("create schema if not exists _FS_SHIM")
        cursor.execute(f"create stage if not exists {STAGE}")
        sid = match["sid"]
        return f"put {match['file']} @{STAGE}/target-snowflake/{sid}", parameters
    if match := MERGE.match(sql):
        # The target's database, named: a session target-snowflake opened
        # before the database existed has none current in fakesnow, and an
        # unqualified _FS_SHIM table then fails its CREATE (HTTP 500).
        database = DATABASE.match(match["head"])
        prefix = f"{database['db']}." if database else ""
        staged = f'{prefix}_FS_SHIM."S_{match["sid"]}"'
        merged = f'{prefix}_FS_SHIM."M_{match["sid"]}"'
        _TABLES[match["sid"]] = staged, merged
        cursor.execute(f"create or replace table {staged} (V variant)")
        cursor.execute(
            f"copy into {staged} from @{STAGE}/target-snowflake/{match['sid']}"
            " file_format = (type = json)"
        )
        select = match["select"].replace("$1:", "V:")
        cursor.execute(
            f"create or replace table {merged} as select {select}"
            f" from (select V, seq8() as _FS_SEQ from {staged})"
            f" qualify row_number() over (partition by {match['keys']}"
            " order by _FS_SEQ desc) = 1"
        )
        return f"{match['head']}{merged} s {match['tail']}", parameters
    if match := REMOVE.match(sql):
        sid = match["sid"]
        staged, merged = _TABLES.pop(
            sid, (f'_FS_SHIM."S_{sid}"', f'_FS_SHIM."M_{sid}"')
        )
        cursor.execute(f"drop table if exists {staged}")
        return f"drop table if exists {merged}", parameters
    if DROP_FILE_FORMAT.match(sql):
        return "select 'file format kept (fakesnow shim)'", parameters
    if "@~" in sql:
        msg = f"fakesnow shim: no rewrite for this user-stage statement: {sql[:200]}"
        raise NotImplementedError(msg)
    return statement, parameters


def _install(port: int) -> None:
    try:
        from target_snowflake.connector import SnowflakeConnector
    except ImportError:  # not the target's interpreter
        return
    import singer_sdk.target_base
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    get_connect_args = SnowflakeConnector.get_connect_args

    def redirected(self: SnowflakeConnector) -> dict:
        args = get_connect_args(self)
        args.update(host="127.0.0.1", port=port, protocol="http", network_timeout=60)
        args["session_parameters"]["CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED"] = False
        return args

    SnowflakeConnector.get_connect_args = redirected
    # Read when the target starts: every Target drains with this parallelism.
    singer_sdk.target_base._MAX_PARALLELISM = 1  # see 3. above
    event.listen(Engine, "before_cursor_execute", _rewrite, retval=True)


if os.environ.get("FAKESNOW_SHIM_PORT"):
    _install(int(os.environ["FAKESNOW_SHIM_PORT"]))
