"""A long-lived Snowflake connection for the tests, run in the fakesnow venv.

``python sql_client.py CONNECT_JSON`` connects with the real
snowflake-connector-python (the project's .venv does not have it), then reads
one JSON-encoded SQL statement per line on stdin and answers one JSON line per
statement: ``{"rows": [...]}`` or ``{"error": "..."}``. Dates, timestamps and
decimals are tagged so the caller gets Python values back.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sys
from pathlib import Path

import snowflake.connector


def _encode(value: object) -> object:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def main() -> None:
    """Answer statements until stdin closes."""
    kwargs = json.loads(Path(sys.argv[1]).read_text())
    with snowflake.connector.connect(**kwargs) as con:
        cursor = con.cursor()
        for line in sys.stdin:
            try:
                rows = cursor.execute(json.loads(line)).fetchall()
                answer = {"rows": [list(row) for row in rows]}
            except snowflake.connector.Error as error:
                answer = {"error": str(error)}
            sys.stdout.write(json.dumps(answer, default=_encode) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
