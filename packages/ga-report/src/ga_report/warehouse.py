"""The marts' warehouse: DuckDB in dev, Snowflake in prod, one way to query both.

Snowflake is configured from the variables dbt-snowflake reads
(transform/profiles/profiles.yml), so the report needs nothing of its own and
no secret ever reaches a file, an argument or a message.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

Rows = list[dict[str, Any]]


class ReportError(Exception):
    """A report that cannot be built; the message is one line for the user."""


class QueryError(Exception):
    """A query the warehouse refused; the message is its first line."""


@dataclass(frozen=True)
class Warehouse:
    """Where the marts are (for messages) and how to query them."""

    where: str
    query: Callable[[str], Rows]


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (drivers add tracebacks)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _plain(value: Any) -> Any:
    """Dates as ISO strings and numbers as int/float: what Vega-Lite and JSON take."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _fetch(cursor: Any) -> Rows:
    # Snowflake names unquoted columns in upper case.
    names = [d[0].lower() for d in cursor.description]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


@contextmanager
def duckdb_warehouse(database: Path, schema: str) -> Iterator[Warehouse]:
    """The DuckDB file dbt-duckdb built, read-only, in ``schema``."""
    if not database.is_file():
        msg = f"no warehouse at {database}: run `make demo` first"
        raise ReportError(msg)
    try:
        con = duckdb.connect(str(database), read_only=True)
        con.execute("set schema = ?", [schema])
    except duckdb.Error as exc:
        # A lock held by a running dbt or loader, or no such schema.
        msg = f"cannot read schema {schema} in {database}: {first_line(exc)}"
        raise ReportError(msg) from exc

    def query(sql: str) -> Rows:
        try:
            return _fetch(con.execute(sql))
        except duckdb.Error as exc:
            raise QueryError(first_line(exc)) from exc

    with con:
        yield Warehouse(f"{database} (schema {schema})", query)


#: Required, as dbt-snowflake's prod target requires them.
SNOWFLAKE_REQUIRED = (
    "SNOWFLAKE_ACCOUNT",
    "SNOWFLAKE_USER",
    "SNOWFLAKE_ROLE",
    "SNOWFLAKE_WAREHOUSE",
    "DBT_SNOWFLAKE_DATABASE",
)


def snowflake_schema(env: Mapping[str, str]) -> str | None:
    """Where dbt-snowflake builds the marts: ``<DBT_SNOWFLAKE_SCHEMA>_MARTS``."""
    base = env.get("DBT_SNOWFLAKE_SCHEMA")
    return f"{base}_MARTS" if base else None


def _private_key(env: Mapping[str, str]) -> bytes | None:
    """SNOWFLAKE_PRIVATE_KEY (PEM, or base64 of it) as the DER the connector takes."""
    text = env.get("SNOWFLAKE_PRIVATE_KEY", "").strip()
    if not text:
        return None
    # The connector's own dependency: installed with ga-report[snowflake].
    from cryptography.exceptions import UnsupportedAlgorithm  # noqa: PLC0415
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    passphrase = env.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE") or None
    try:
        pem = (
            text.encode()
            if text.startswith("-----")
            else base64.b64decode(text, validate=True)
        )
        key = serialization.load_pem_private_key(
            pem, password=passphrase.encode() if passphrase else None
        )
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # Said in the tap's words: a library's message could quote the input.
        # binascii.Error (bad base64) is a ValueError; so is a non-ASCII key.
        msg = (
            "SNOWFLAKE_PRIVATE_KEY cannot be read: it is neither an unencrypted"
            " PEM private key nor the base64 of one, or"
            " SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not open it"
            f" ({type(exc).__name__})"
        )
        raise ReportError(msg) from None
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def snowflake_connect_args(env: Mapping[str, str], schema: str) -> dict[str, Any]:
    """The connector's arguments from dbt-snowflake's variables.

    Key-pair auth when SNOWFLAKE_PRIVATE_KEY is set, else the password.
    SNOWFLAKE_HOST, SNOWFLAKE_PORT and SNOWFLAKE_PROTOCOL (optional) point
    at another endpoint, e.g. PrivateLink or the test suite's fakesnow.
    """
    missing = [name for name in SNOWFLAKE_REQUIRED if not env.get(name)]
    if missing:
        msg = f"{', '.join(missing)} not set (docs/snowflake.md)"
        raise ReportError(msg)
    args: dict[str, Any] = {
        "account": env["SNOWFLAKE_ACCOUNT"],
        "user": env["SNOWFLAKE_USER"],
        "role": env["SNOWFLAKE_ROLE"],
        "warehouse": env["SNOWFLAKE_WAREHOUSE"],
        "database": env["DBT_SNOWFLAKE_DATABASE"],
        "schema": schema,
        "client_session_keep_alive": False,
    }
    key = _private_key(env)
    if key is not None:
        args["private_key"] = key
    elif env.get("SNOWFLAKE_PASSWORD"):
        args["password"] = env["SNOWFLAKE_PASSWORD"]
    else:
        msg = "neither SNOWFLAKE_PRIVATE_KEY nor SNOWFLAKE_PASSWORD is set"
        raise ReportError(msg)
    for name in ("host", "protocol"):
        if value := env.get(f"SNOWFLAKE_{name.upper()}"):
            args[name] = value
    if port := env.get("SNOWFLAKE_PORT"):
        args["port"] = tcp_port("SNOWFLAKE_PORT", port)
    return args


def tcp_port(name: str, value: str) -> int:
    """A TCP port number from a variable; ReportError naming it if it is none."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**16:
        msg = f"{name} is not a TCP port (a number 1..65535)"
        raise ReportError(msg)
    return int(value)


@contextmanager
def snowflake_warehouse(
    env: Mapping[str, str] = os.environ, schema: str | None = None
) -> Iterator[Warehouse]:
    """The marts dbt-snowflake built, through the connector."""
    schema = schema or snowflake_schema(env)
    if not schema:
        msg = "DBT_SNOWFLAKE_SCHEMA not set (docs/snowflake.md)"
        raise ReportError(msg)
    args = snowflake_connect_args(env, schema)
    try:
        # Optional (ga-report[snowflake]): the DuckDB path never needs it.
        import snowflake.connector  # noqa: PLC0415
    except ImportError as exc:
        msg = "the Snowflake connector is not installed: install ga-report[snowflake]"
        raise ReportError(msg) from exc
    where = f"{args['database']}.{schema} (account {args['account']})"
    try:
        con = snowflake.connector.connect(**args)
    except snowflake.connector.Error as exc:
        msg = f"cannot connect to {where} as {args['user']}: {first_line(exc)}"
        raise ReportError(msg) from exc

    def query(sql: str) -> Rows:
        try:
            with con.cursor() as cursor:
                return _fetch(cursor.execute(sql))
        except snowflake.connector.Error as exc:
            raise QueryError(first_line(exc)) from exc

    try:
        yield Warehouse(where, query)
    finally:
        con.close()
