"""CSV exports saved from the Universal Analytics interface, read as GA rows.

Google deleted UA data in July 2024: for the GA era, an export someone saved
from the GA interface ("Export > CSV") may be the only copy left. Such a file
looks like this::

    # ----------------------------------------
    # Meltano
    # Top Events
    # 20220101-20220131
    # ----------------------------------------

    Date,Event Category,Event Action,Event Label,Total Events
    20220101,meltano elt,meltano elt tap target,0b5b...,"1,234"
    ...
    ,,,,"45,678"

    Day Index,Total Events
    1/1/22,"1,500"

The comment block names the view, the report and the date range; the first
table holds the rows, then a totals row with empty dimension cells; further
tables (Day Index) follow after a blank line and are ignored. Numbers carry the
thousands separator of the exporter's locale (``1,234``, ``1.234``). An export
without a Date column covers a single day, named by its range.

A file is parsed whole before any of its rows is used, so a malformed file
gives nothing but one error naming the file, the line and what was expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tap_ga_legacy.errors import ReportError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tap_ga_legacy.client import Row
    from tap_ga_legacy.settings import ArchiveSource

#: Column names as the UA interface writes them.
DATE = "Date"
CATEGORY = "Event Category"
ACTION = "Event Action"
LABEL = "Event Label"
TOTAL_EVENTS = "Total Events"
KNOWN = (DATE, CATEGORY, ACTION, LABEL, TOTAL_EVENTS)
_RANGE = re.compile(r"^#\s*(\d{8})-(\d{8})\s*$")
#: A count with an optional thousands separator used consistently: 1234,
#: 1,234, 1.234, 1 234 (also with a no-break space) or 1'234.
_COUNT = re.compile(r"^[0-9]{1,3}(?:([,.\u00a0\u202f' ])[0-9]{3})?(?:\1[0-9]{3})*$")
_PLAIN_COUNT = re.compile(r"^[0-9]+$")
_INT64_MAX = 2**63 - 1


class ArchiveFileError(ReportError):
    """A file that is not a readable GA interface export; nothing of it is used."""


@dataclass(frozen=True)
class Export:
    """One parsed export: its header facts and its rows, in file order."""

    path: Path
    sha256: str
    view_name: str
    report_name: str
    first_day: dt.date
    last_day: dt.date
    rows: list[Row]
    #: The totals row's count, when the export has one (it must equal the
    #: rows' sum: see _Parser._rows).
    total_events: int | None
    #: Whether the export has a custom dimension column: rows with and without
    #: one are two grains of the same day, never to be added together.
    custom_dimension: bool


def matching_files(pattern: str) -> list[Path]:
    """The files a glob names (``~`` and ``**`` allowed), in sorted order."""
    found = glob.glob(os.path.expanduser(pattern), recursive=True)
    return sorted(Path(name) for name in found if Path(name).is_file())


def read_archive(sources: Iterable[ArchiveSource]) -> dict[ArchiveSource, list[Export]]:
    """Every file of every ``archive_files`` entry, parsed and checked together.

    All of them are parsed before any row is used, so one malformed file stops
    the run before anything of the archive is emitted. Files of one view that
    share a day must share a grain: an export with a custom dimension column
    and one without both hold the whole day, and their rows (different
    event_keys) would be added together.
    """
    exports = {
        source: [read_export(path) for path in matching_files(source.path)]
        for source in sources
    }
    grains: dict[tuple[str, dt.date], Export] = {}
    for source, files in exports.items():
        for export in files:
            day = export.first_day
            while day <= export.last_day:
                other = grains.setdefault((source.view_id, day), export)
                if other.custom_dimension != export.custom_dimension:
                    with_one, without = (
                        (export, other) if export.custom_dimension else (other, export)
                    )
                    msg = (
                        f"{with_one.path} (with a custom dimension column) and"
                        f" {without.path} (without one) both cover {day} of view"
                        f" {source.view_id}: their rows would be added together;"
                        " keep one of them in archive_files."
                    )
                    raise ArchiveFileError(msg)
                day += dt.timedelta(days=1)
    return exports


def read_export(path: Path) -> Export:
    """Parse one GA interface CSV export; raise ArchiveFileError if malformed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"{path}: cannot read the file: {exc.strerror or exc}"
        raise ArchiveFileError(msg) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte {exc.start}); export the report as CSV."
        raise ArchiveFileError(msg) from None
    return _Parser(path, text.splitlines()).parse(hashlib.sha256(raw).hexdigest())


class _Parser:
    """One pass over the lines; ``fail`` names the line it stopped at."""

    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.number = 0  # 1-based number of the line being read

    def fail(self, expected: str, number: int | None = None) -> ArchiveFileError:
        line = number or self.number
        got = self.lines[line - 1] if 0 < line <= len(self.lines) else "end of file"
        shown = got if len(got) <= 80 else got[:77] + "..."
        return ArchiveFileError(
            f"{self.path}, line {line}: expected {expected}, found {shown!r}."
        )

    def parse(self, sha256: str) -> Export:
        comments = self._comments()
        first, last = self._range(comments)
        names = [c.removeprefix("#").strip() for c in comments]
        # The block is dashes, view, report, range, dashes: the two names sit
        # between the opening dashes and the range line.
        view, report = [*names[1:3], "", ""][:2]
        header = self._header()
        rows, total = self._rows(header, first, last)
        custom = any(c not in KNOWN for c in header)
        return Export(self.path, sha256, view, report, first, last, rows, total, custom)

    def _comments(self) -> list[str]:
        comments = []
        for number, line in enumerate(self.lines, 1):
            if not line.startswith("#"):
                break
            comments.append(line)
            self.number = number
        if not comments:
            self.number = 1
            raise self.fail("the '# ----' header block of a GA interface export")
        return comments

    def _range(self, comments: list[str]) -> tuple[dt.date, dt.date]:
        for number, line in enumerate(comments, 1):
            found = _RANGE.match(line)
            if found:
                first, last = (_day(found[i]) for i in (1, 2))
                if first is None or last is None or first > last:
                    raise self.fail("a date range YYYYMMDD-YYYYMMDD", number)
                return first, last
        raise self.fail("a '# YYYYMMDD-YYYYMMDD' date range line in the header", 1)

    def _header(self) -> list[str]:
        # A blank line separates the comment block from the first table.
        self.number += 1
        while self.number <= len(self.lines) and not self.lines[self.number - 1]:
            self.number += 1
        if self.number > len(self.lines):
            raise self.fail("the column names of the first table")
        header = next(csv.reader([self.lines[self.number - 1]]))
        extra = [c for c in header if c not in KNOWN]
        required = (CATEGORY, ACTION, LABEL, TOTAL_EVENTS)
        missing = [c for c in required if c not in header]
        if missing or len(extra) > 1 or len(set(header)) != len(header):
            raise self.fail(
                "columns Date (optional), Event Category, Event Action, Event"
                " Label, at most one custom dimension, Total Events"
            )
        return header

    def _rows(
        self, header: list[str], first: dt.date, last: dt.date
    ) -> tuple[list[Row], int | None]:
        if DATE not in header and first != last:
            raise self.fail(
                f"a Date column: without one the export must cover one day, not"
                f" {first}..{last}"
            )
        header_line = self.number
        end = header_line  # the first table runs up to the next blank line
        while end < len(self.lines) and self.lines[end]:
            end += 1
        rows: list[Row] = []
        total = None
        total_line = 0
        # GA writes one row per combination of the exported dimensions: a
        # repeat would overwrite the first (same event_key) and lose its count.
        seen: dict[Row, int] = {}
        # Quoted cells may hold line breaks: the reader, not splitlines, says
        # where a row ends, and its line_num where it stood in the file.
        reader = csv.reader(
            io.StringIO("\n".join(self.lines[header_line:end])), strict=True
        )
        try:
            for cells in reader:
                self.number = header_line + reader.line_num
                if total is not None:
                    raise self.fail("no row after the totals row")
                row = self._row(header, cells, first, last)
                if isinstance(row, int):
                    total, total_line = row, self.number
                    continue
                key = row[:-1]
                if key in seen:
                    raise self.fail(
                        f"one row per day and dimension values (line {seen[key]}"
                        " has the same ones)"
                    )
                seen[key] = self.number
                rows.append(row)
        except csv.Error:
            self.number = header_line + reader.line_num
            raise self.fail("well-formed CSV (an unclosed quote?)") from None
        if end == len(self.lines) and total is None:
            # A complete export ends its first table with the totals row and
            # a blank line; without them the file was cut short.
            self.number = len(self.lines) + 1
            raise self.fail("the totals row that ends the table (truncated file?)")
        counted = sum(row[-1] for row in rows)
        if total is not None and total != counted:
            # The interface exports the rows shown on screen only ("Show
            # rows"), while its totals row counts the whole report: such a
            # file would undercount its days.
            raise self.fail(
                f"the rows' sum {counted:,} as the total (an export of the rows"
                " shown on one page only? Show all rows, then export again)",
                total_line,
            )
        return rows, total

    def _row(
        self, header: list[str], cells: list[str], first: dt.date, last: dt.date
    ) -> Row | int:
        """One data row, or the totals row's count (no dimension filled in)."""
        if len(cells) != len(header):
            raise self.fail(f"{len(header)} cells like the column names")
        cell = dict(zip(header, cells, strict=True))
        custom = next((c for c in header if c not in KNOWN), None)
        count = self._count(cell[TOTAL_EVENTS])
        dimensions = [v for k, v in cell.items() if k != TOTAL_EVENTS]
        if not any(dimensions):
            return count
        day = first
        if DATE in cell:
            parsed = _day(cell[DATE])
            if parsed is None or not first <= parsed <= last:
                raise self.fail(f"a date YYYYMMDD within {first}..{last}")
            day = parsed
        return (
            day.isoformat(),
            cell[CATEGORY],
            cell[ACTION],
            cell[LABEL],
            cell[custom] if custom else "",
            count,
        )

    def _count(self, cell: str) -> int:
        text = cell.strip()
        if not _COUNT.match(text) and not _PLAIN_COUNT.match(text):
            raise self.fail("a whole number of events, e.g. 1234, 1,234 or 1.234")
        value = int(re.sub(r"[^0-9]", "", text))
        if value > _INT64_MAX:
            raise self.fail("a number of events within 64 bits")
        return value


def _day(text: str) -> dt.date | None:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
