"""GA's values as the tap reads them: days, int64 counts, placeholders, ``(other)``.

One place for what a value GA sent means, whichever way it came: the report
APIs (both transports) and the GA interface's CSV exports (archive_files.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

#: One row of a report (reports.py): the day (``YYYY-MM-DD``), the other
#: dimension values as GA sent them, then each metric as an int.
Row = tuple[Any, ...]

INT64_MAX = 2**63 - 1
INT64_DIGITS = len(str(INT64_MAX))

NOT_SET = "(not set)"
#: GA's roll-up of rare combinations: a placeholder, never a project id.
OTHER = "(other)"
#: Values that carry no project id.
PLACEHOLDERS = frozenset({"", NOT_SET, OTHER})
#: An ``(other)`` value as it appears in a body: a JSON string, or a
#: protobuf ``DimensionValue.value`` (field 1, length 7).
_OTHER_IN = {"json": b'"(other)"', "protobuf": b"\n\x07(other)"}


def int64(text: str) -> int | None:
    """A count GA sent as ASCII digits, if it fits int64; else None.

    The length is looked at first: Python refuses to read an int of more
    than 4,300 digits (a ValueError, not the tap's message).
    """
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    if len(digits) > INT64_DIGITS:
        return None
    value = int(digits) if digits else 0
    return value if value <= INT64_MAX else None


def parse_yyyymmdd(text: str) -> dt.date | None:
    """The day GA writes as ``YYYYMMDD`` (ASCII digits only), or None."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def rolled_into_other(flag: bool, body: bytes, encoding: str = "json") -> bool:
    """Whether GA rolled rows into ``(other)``: its flag, or such a value in the body.

    GA4 says so (``dataLossFromOtherRow``), UA does not: the body of either
    is searched too, for an ``(other)`` dimension value. Searching its bytes
    finds one without decoding a row; the same test for all three routes.
    """
    return flag or _OTHER_IN[encoding] in body
