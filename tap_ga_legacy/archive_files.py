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
table holds the rows, then a totals row with empty dimension cells; a second
table (Day Index) follows after a blank line: its dates are checked, its
counts are not used. The interface writes the column names (and "Day Index")
in the language of the user who exported (COLUMN_NAMES), dates of the Day
Index table in that locale's order (``1/1/22``, ``19.07.22``, ``17-09-14``),
numbers with its thousands separator (``1,234``, ``1.234``). An export
without a Date column covers a single day, named by its range.

A file is read twice, row by row, never whole: once to check all of it
(read_export), so a malformed file gives nothing but one error naming the
file, the line and what was expected; then again to emit its rows
(iter_rows). Cells are read by the csv module from a file opened with
``newline=''``: only CR and LF end a row, and only outside quotes, so every
other character (U+2028, U+0085, form feeds...) stays in its cell as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import hashlib
import itertools
import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.ga_values import INT64_MAX, parse_yyyymmdd

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import IO

    from tap_ga_legacy.ga_values import Row
    from tap_ga_legacy.settings import ArchiveSource

#: The columns' roles, named as the interface writes them in English; the
#: ``columns`` setting of an archive_files entry maps a file's names to these.
DATE = "Date"
CATEGORY = "Event Category"
ACTION = "Event Action"
LABEL = "Event Label"
TOTAL_EVENTS = "Total Events"
DAY_INDEX = "Day Index"
ROLES = (DATE, CATEGORY, ACTION, LABEL, TOTAL_EVENTS, DAY_INDEX)
#: The events export's one column of no known name: custom dimension 1.
CUSTOM = "(custom dimension)"
PAGE = "Page"
PAGE_TITLE = "Page Title"
#: The pages export's custom dimensions, by the names given them in GA admin.
PROJECT_ID = "Project ID"
MELTANO_VERSION = "Meltano Version"
PAGEVIEWS = "Pageviews"
UNIQUE_PAGEVIEWS = "Unique Pageviews"
PAGE_ROLES = (
    DATE,
    PAGE,
    PAGE_TITLE,
    PROJECT_ID,
    MELTANO_VERSION,
    PAGEVIEWS,
    UNIQUE_PAGEVIEWS,
    DAY_INDEX,
)
SETTING = "archive_files[].columns"


@dataclass(frozen=True)
class Layout:
    """One ``format`` of export: its columns by role, and the rows it gives.

    A row is built in the order of the stream's report (reports.py): the
    day, the other ``dimensions``, then the ``metrics``.
    """

    #: Dimension roles in the report's row order, the day first.
    dimensions: tuple[str, ...]
    metrics: tuple[str, ...]
    #: Every role a column may be named for, the ``columns`` setting's targets.
    roles: tuple[str, ...]
    #: Language -> column names, in ``roles`` order.
    names: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    #: The one optional dimension whose presence changes a day's grain, and
    #: how messages name it; the value of a row of a file without it.
    grain: str
    grain_name: str
    grain_absent: str | None
    #: The role of a column of no known name (at most one), if the report has one.
    unnamed: str | None
    #: Other metrics of the interface's report, refused by name.
    other_metrics: frozenset[str]
    #: The columns, as the header's message lists them.
    expected: str
    #: What the counts count, in messages.
    noun: str

    @cached_property
    def built_in(self) -> dict[str, str]:
        """Every built-in column name and its role."""
        return {
            name: role
            for names in self.names.values()
            for name, role in zip(names, self.roles, strict=True)
        }

    @property
    def languages(self) -> str:
        """The interface languages whose names are built in."""
        return ", ".join(self.names)


#: Column names per interface language, in ROLES order. Sources: the real
#: exports quoted in issue 19 ("Dagindex,Sessies" in Dutch; "Datum",
#: "Ereigniskategorie", "Ereignisse insgesamt" and "Tagesindex" in German);
#: GA's help center pages "About events" in each language
#: (support.google.com/analytics/answer/1033068?hl=de, ?hl=nl, ?hl=fr) for
#: the event vocabulary (de Kategorie/Aktion/Label, nl Categorie/Actie/Label,
#: fr Catégorie/Action/Libellé). Names no source at hand confirms are marked
#: in docs/archive-files.md; a file whose names differ is refused with a line
#: naming the ``columns`` setting, which maps them.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "en": ROLES,
    "de": (
        "Datum",
        "Ereigniskategorie",
        "Ereignisaktion",
        "Ereignislabel",
        "Ereignisse insgesamt",
        "Tagesindex",
    ),
    "nl": (
        "Datum",
        "Gebeurteniscategorie",
        "Gebeurtenisactie",
        "Gebeurtenislabel",
        "Totaal aantal gebeurtenissen",
        "Dagindex",
    ),
    "fr": (
        "Date",
        "Catégorie d'événement",
        "Action d'événement",
        "Libellé d'événement",
        "Nombre total d'événements",
        "Index des jours",
    ),
    "es": (
        "Fecha",
        "Categoría de evento",
        "Acción de evento",
        "Etiqueta de evento",
        "Eventos totales",
        "Índice de días",
    ),
}
#: The Top Events report's other metrics (never a custom dimension column),
#: in the same languages; any column after Total Events is refused as well.
OTHER_METRICS = frozenset(
    {
        "Unique Events",
        "Event Value",
        "Avg. Value",
        "Eindeutige Ereignisse",
        "Ereigniswert",
        "Durchschn. Wert",
        "Unieke gebeurtenissen",
        "Gebeurteniswaarde",
        "Gem. waarde",
        "Événements uniques",
        "Valeur de l'événement",
        "Valeur moy.",
        "Eventos únicos",
        "Valor del evento",
        "Valor medio",
    }
)
EVENTS_LAYOUT = Layout(
    dimensions=(DATE, CATEGORY, ACTION, LABEL, CUSTOM),
    metrics=(TOTAL_EVENTS,),
    roles=ROLES,
    names=COLUMN_NAMES,
    required=(CATEGORY, ACTION, LABEL, TOTAL_EVENTS),
    grain=CUSTOM,
    grain_name="a custom dimension",
    grain_absent="",
    unnamed=CUSTOM,
    other_metrics=OTHER_METRICS,
    expected="columns Date (optional), Event Category, Event Action, Event"
    " Label, at most one custom dimension, Total Events",
    noun="events",
)
#: A custom report's flat table of the UI's view (Meltano UI's pageviews).
#: The two custom dimensions carry the names given them in GA admin: these
#: are the defaults, ``columns`` maps others. German from GA's help center
#: ("Seitenaufrufe", "Eindeutige Seitenaufrufe"; answer 1257084?hl=de).
PAGES_LAYOUT = Layout(
    dimensions=(DATE, PROJECT_ID, MELTANO_VERSION, PAGE, PAGE_TITLE),
    metrics=(PAGEVIEWS, UNIQUE_PAGEVIEWS),
    roles=PAGE_ROLES,
    names={
        "en": PAGE_ROLES,
        "de": (
            "Datum",
            "Seite",
            "Seitentitel",
            PROJECT_ID,
            MELTANO_VERSION,
            "Seitenaufrufe",
            "Eindeutige Seitenaufrufe",
            "Tagesindex",
        ),
    },
    required=(PAGE, PROJECT_ID, MELTANO_VERSION, PAGEVIEWS, UNIQUE_PAGEVIEWS),
    grain=PAGE_TITLE,
    grain_name="a Page Title",
    grain_absent=None,
    unnamed=None,
    other_metrics=frozenset(
        {
            "Entrances",
            "Bounce Rate",
            "% Exit",
            "Avg. Time on Page",
            "Page Value",
            "Einstiege",
            "Absprungrate",
            "% Ausstiege",
            "Durchschn. Zeit auf der Seite",
            "Seitenwert",
        }
    ),
    expected="columns Date (optional), Page, Page Title (optional), Project ID,"
    " Meltano Version, Pageviews, Unique Pageviews",
    noun="pageviews",
)
#: An ``archive_files`` entry's ``format``: the export its files are.
EVENTS_FORMAT = "events"
PAGES_FORMAT = "pages"
LAYOUTS = {EVENTS_FORMAT: EVENTS_LAYOUT, PAGES_FORMAT: PAGES_LAYOUT}
#: Per format, the roles its ``columns`` setting may map a file's names to.
COLUMN_ROLES: dict[str, tuple[str, ...]] = {f: x.roles for f, x in LAYOUTS.items()}
BUILT_IN = EVENTS_LAYOUT.built_in

_RANGE = re.compile(r"^#\s*(\d{8})-(\d{8})\s*$")
#: A count with an optional thousands separator used consistently: 1234,
#: 1,234, 1.234, 1 234 (also with a no-break space) or 1'234.
_COUNT = re.compile(r"^[0-9]{1,3}(?:([,.\u00a0\u202f' ])[0-9]{3})?(?:\1[0-9]{3})*$")
_PLAIN_COUNT = re.compile(r"^[0-9]+$")
#: A date as a locale writes it: three numbers, one separator (1/1/22,
#: 19.07.22, 17-09-14, 2022/07/19, 19. 7. 2022.).
_LOCAL_DATE = re.compile(r"^(\d{1,4})([./-]) ?(\d{1,2})\2 ?(\d{1,4})\.?$")
#: Which field is the year, the month and the day, per order.
_ORDERS = {"d.m.y": (2, 1, 0), "m.d.y": (2, 0, 1), "y.m.d": (0, 1, 2)}
#: Google Analytics started in November 2005: no export covers days before.
FIRST_GA_DAY = dt.date(2005, 1, 1)
#: A longer line is not an export's (the csv module's own cell limit is 128 KiB).
MAX_LINE = 1 << 20
MAX_COMMENT_LINES = 16


class ArchiveFileError(ReportError):
    """A file that is not a readable GA interface export; nothing of it is used."""


@dataclass(frozen=True)
class Export:
    """One checked export: its header facts; iter_rows reads its rows."""

    path: Path
    sha256: str
    view_name: str
    report_name: str
    first_day: dt.date
    last_day: dt.date
    #: Data rows, without the totals row.
    rows: int
    #: The totals row's counts, one per metric, when the export has one
    #: (they equal the rows' sums).
    totals: tuple[int, ...] | None
    #: Whether the export has its layout's ``grain`` column (a custom
    #: dimension, a Page Title): rows with and without one are two grains
    #: of the same day, never to be added together.
    grained: bool
    #: The column names the file was read with (built-in and ``columns``).
    names: Mapping[str, str]
    layout: Layout
    #: How the file's locale orders a date (a key of _ORDERS), if it wrote any.
    date_order: str | None


def column_names(
    columns: Mapping[str, str], layout: Layout = EVENTS_LAYOUT
) -> dict[str, str]:
    """Every known column name and its role: the built-in ones and ``columns``."""
    return {**layout.built_in, **columns}


def _has_magic(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


def _matches(pattern: list[str], parts: list[str]) -> bool:
    """Whether path segments match glob segments (``**``: any folders)."""
    if not pattern:
        return not parts
    head, *rest = pattern
    if head == "**":
        return _matches(rest, parts) or (
            bool(parts)
            and not parts[0].startswith(".")
            and _matches(pattern, parts[1:])
        )
    return (
        bool(parts)
        and fnmatch.fnmatchcase(parts[0], head)
        # As glob: a hidden name only when the pattern spells its dot.
        and (head.startswith(".") or not parts[0].startswith("."))
        and _matches(rest, parts[1:])
    )


def matching_files(pattern: str) -> list[Path]:
    """The files an ``archive_files`` path names, each once, in sorted order.

    A path is literal when a file of that exact name exists or it holds no
    glob character (``*``, ``?``, ``[``): ``exports/[2022] jan.csv`` is that
    file. Otherwise it is a glob (``~`` and ``**`` allowed), walked with
    symlinks followed but each folder entered once (a link back to a parent
    is not a loop), and each file kept once (two links to one file are one
    file: the first path in sorted order names it).
    """
    expanded = os.path.expanduser(pattern)
    if os.path.isfile(expanded):
        return [Path(expanded)]
    if not _has_magic(expanded):
        return []
    parts = expanded.split(os.sep)
    fixed = list(itertools.takewhile(lambda p: not _has_magic(p), parts[:-1]))
    root = os.sep.join(fixed) if fixed else ""
    globbed = [p for p in parts[len(fixed) :] if p]
    depth = None if "**" in globbed else len(globbed)
    found: dict[tuple[int, int], str] = {}
    entered: set[tuple[int, int]] = set()
    top = root or os.curdir
    if not os.path.isdir(top):
        return []

    def refuse(error: OSError) -> None:
        msg = f"{error.filename}: cannot read the folder: {error.strerror or error}"
        raise ArchiveFileError(msg)

    for folder, dirs, files in os.walk(top, followlinks=True, onerror=refuse):
        real = os.stat(folder)
        if (real.st_dev, real.st_ino) in entered:
            dirs[:] = []  # entered before, through another path or a loop
            continue
        entered.add((real.st_dev, real.st_ino))
        rel = os.path.relpath(folder, top)
        prefix = [] if rel == os.curdir else rel.split(os.sep)
        if depth is not None and len(prefix) + 1 >= depth:
            dirs[:] = []  # deeper names cannot match
        dirs.sort()
        for name in sorted(files):
            if not _matches(globbed, [*prefix, name]):
                continue
            path = os.path.join(root, *prefix, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue  # a dangling link: no file
            found.setdefault((stat.st_dev, stat.st_ino), path)
    return sorted(Path(p) for p in found.values())


def read_archive(sources: Iterable[ArchiveSource]) -> dict[ArchiveSource, list[Export]]:
    """Every file of every ``archive_files`` entry, checked together.

    All of them are checked before any row is used, so one malformed file
    stops the run before anything of the archive is emitted; only each file's
    facts are kept (its rows are read again by iter_rows). An entry that
    matches no file stops the run too, as does a file two entries match.
    Files of one view that share a day must share a grain: an export with a
    custom dimension column and one without both hold the whole day, and
    their rows (different event_keys) would be added together.
    """
    exports: dict[ArchiveSource, list[Export]] = {}
    owners: dict[tuple[int, int], tuple[int, ArchiveSource]] = {}
    for index, source in enumerate(sources):
        paths = matching_files(source.path)
        if not paths:
            msg = (
                f"archive_files[{index}]: {source.path!r} matches no file (view"
                f" {source.view_id}); fix the path or remove the entry."
            )
            raise ArchiveFileError(msg)
        for path in paths:
            stat = path.stat()
            first = owners.setdefault((stat.st_dev, stat.st_ino), (index, source))
            if first[0] != index:
                msg = (
                    f"archive_files[{index}]: {path} is also read by"
                    f" archive_files[{first[0]}] ({first[1].path!r}); list each"
                    " file in one entry only."
                )
                raise ArchiveFileError(msg)
        layout = LAYOUTS[source.format]
        names = column_names(dict(source.columns), layout)
        exports[source] = [read_export(path, names, layout) for path in paths]
    grains: dict[tuple[str, int], Export] = {}
    for source, files in exports.items():
        for export in files:
            for ordinal in range(
                export.first_day.toordinal(), export.last_day.toordinal() + 1
            ):
                other = grains.setdefault((source.view_id, ordinal), export)
                if other.grained != export.grained:
                    with_one, without = (
                        (export, other) if export.grained else (other, export)
                    )
                    msg = (
                        f"{with_one.path} (with {export.layout.grain_name} column) and"
                        f" {without.path} (without one) both cover"
                        f" {dt.date.fromordinal(ordinal)} of view {source.view_id}:"
                        " their rows would be added together; keep one of them in"
                        " archive_files."
                    )
                    raise ArchiveFileError(msg)
    return exports


def read_export(
    path: Path, names: Mapping[str, str] = BUILT_IN, layout: Layout = EVENTS_LAYOUT
) -> Export:
    """Check one GA interface CSV export; raise ArchiveFileError if malformed."""
    sha256 = _sha256(path)
    parser = _Parser(path, names, None, layout)
    with _Seen() as seen, _open(path) as handle:
        rows = sum(1 for _ in parser.read(handle, seen))
    return Export(
        path,
        sha256,
        parser.view,
        parser.report,
        parser.first,
        parser.last,
        rows,
        parser.total,
        parser.grained,
        names,
        layout,
        parser.dates.resolved(),
    )


def iter_rows(export: Export) -> Iterator[Row]:
    """The rows of a checked export, read again one at a time.

    Raises:
        ArchiveFileError: the file changed since read_export checked it.
    """
    parser = _Parser(export.path, export.names, export.date_order, export.layout)
    with _open(export.path) as handle:
        yield from parser.read(handle, None)
    if _sha256(export.path) != export.sha256:
        msg = (
            f"{export.path}: changed while the tap read it; its rows were not"
            " marked as read: run the tap again."
        )
        raise ArchiveFileError(msg)


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as raw:
            return hashlib.file_digest(raw, "sha256").hexdigest()
    except OSError as exc:
        msg = f"{path}: cannot read the file: {exc.strerror or exc}"
        raise ArchiveFileError(msg) from None


def _open(path: Path) -> IO[str]:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        msg = f"{path}: cannot read the file: {exc.strerror or exc}"
        raise ArchiveFileError(msg) from None


class _Seen:
    """The keys of the rows read so far, on disk: memory stays flat.

    A private temporary SQLite database (deleted when closed) takes a 16-byte
    BLAKE2 digest of each row's key and the row's line, appended by batches;
    at the end of the table one GROUP BY (SQLite's external sort, its memory
    bounded by the page cache) finds a repeated key.
    """

    BATCH = 4096

    def __enter__(self) -> _Seen:
        self.db = sqlite3.connect("")
        self.db.execute("PRAGMA cache_size = -8192")  # KiB
        self.db.execute("CREATE TABLE seen (key BLOB, line INTEGER)")
        self.batch: list[tuple[bytes, int]] = []
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def add(self, key: tuple[str, ...], line: int) -> None:
        """Record a row's key."""
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        self.batch.append((digest, line))
        if len(self.batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO seen VALUES (?, ?)", self.batch)
        self.batch = []

    def repeated(self) -> tuple[int, int] | None:
        """The line of a row whose key an earlier row has, and that row's line."""
        self._flush()
        return self.db.execute(
            "SELECT MAX(line), MIN(line) FROM seen GROUP BY key"
            " HAVING COUNT(*) > 1 ORDER BY 1 LIMIT 1"
        ).fetchone()


class _Dates:
    """Dates as the export's locale wrote them, read one way or refused.

    ``1/2/22`` is January 2 or February 1: the locale's order is the one
    that puts every date of the file within its range. When two orders do,
    and a date reads differently in them, the file is refused at that line.
    """

    def __init__(self, first: dt.date, last: dt.date, order: str | None) -> None:
        self.first, self.last = first, last
        self.orders = [order] if order else list(_ORDERS)
        #: The first line where two orders read one cell as different days.
        self.splits: dict[tuple[str, str], tuple[int, str, dt.date, dt.date]] = {}

    def read(self, cell: str, line: int) -> dt.date | None:
        """The day a cell names within the range, or None if it cannot be one."""
        if len(cell) == 8 and cell.isascii() and cell.isdigit():
            day = parse_yyyymmdd(cell)
            return day if day and self.first <= day <= self.last else None
        found = _LOCAL_DATE.match(cell)
        if not found:
            return None
        fields = found.group(1, 3, 4)
        days = {o: _local_date(fields, o) for o in self.orders}
        fits = [o for o, d in days.items() if d and self.first <= d <= self.last]
        if not fits:
            return None
        self.orders = fits
        for a, b in itertools.combinations(fits, 2):
            if days[a] != days[b]:
                self.splits.setdefault((a, b), (line, cell, days[a], days[b]))  # type: ignore[arg-type]
        return days[fits[0]]

    def settled(self, cell: str) -> bool:
        """Whether the cell reads the same whatever dates follow it."""
        return len(self.orders) == 1 or (len(cell) == 8 and cell.isdigit())

    def ambiguous(self) -> tuple[int, str] | None:
        """The first line and problem of a date the remaining orders disagree on."""
        for (a, b), (line, cell, one, other) in sorted(
            self.splits.items(), key=lambda item: item[1][0]
        ):
            if a in self.orders and b in self.orders:
                return line, (
                    f"a date that reads one way: {cell!r} is {one} ({a}) or {other}"
                    f" ({b}), both within {self.first}..{self.last}"
                )
        return None

    def resolved(self) -> str | None:
        """The order a second reading uses (any remaining one reads alike)."""
        return self.orders[0] if len(self.orders) < len(_ORDERS) else None


def _local_date(fields: tuple[str, str, str], order: str) -> dt.date | None:
    y, m, d = (fields[i] for i in _ORDERS[order])
    if len(y) not in {2, 4} or len(d) > 2 or len(m) > 2:
        return None
    try:
        return dt.date(int(y) + (2000 if len(y) == 2 else 0), int(m), int(d))
    except ValueError:
        return None


def _line_text(path: Path, number: int) -> str:
    """Line ``number`` of a file, without its line break (for a message)."""
    with _open(path) as handle:
        for _ in range(number):
            line = handle.readline(MAX_LINE)
    return line.rstrip("\r\n")


class _Parser:
    """One pass over a file; ``fail`` names the line it stopped at."""

    def __init__(
        self, path: Path, names: Mapping[str, str], order: str | None, layout: Layout
    ) -> None:
        self.path = path
        self.names = names
        self.order = order
        self.layout = layout
        self.number = 0  # 1-based number of the last line read
        self.text = ""  # that line, without its line break
        self.view = self.report = ""
        self.first = self.last = dt.date.min
        self.total: tuple[int, ...] | None = None
        self.counted = [0] * len(layout.metrics)  # the data rows' sums
        #: The column of the layout's unnamed role, if the file has one.
        self.unnamed: int | None = None
        self.grained = False
        self.dates = _Dates(self.first, self.last, order)

    def fail(
        self, expected: str, number: int | None = None, text: str | None = None
    ) -> ArchiveFileError:
        """The error for the line read last (or ``number``, holding ``text``)."""
        line = number or self.number
        got = self.text if text is None else text
        shown = got if len(got) <= 80 else got[:77] + "..."
        return ArchiveFileError(
            f"{self.path}, line {line}: expected {expected}, found {shown!r}."
        )

    def _lines(self, handle: IO[str]) -> Iterator[str]:
        while True:
            try:
                line = handle.readline(MAX_LINE)
            except UnicodeDecodeError:
                self.number += 1
                self.text = "bytes that are not UTF-8"
                msg = (
                    f"{self.path}, line {self.number}: not UTF-8 text; export the"
                    " report as CSV."
                )
                raise ArchiveFileError(msg) from None
            if not line:
                self.number += 1
                self.text = "end of file"
                return
            self.number += 1
            self.text = line.rstrip("\r\n")
            if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
                raise self.fail(f"a line of at most {MAX_LINE:,} characters")
            yield line

    def read(self, handle: IO[str], seen: _Seen | None) -> Iterator[Row]:
        """Each data row.

        With ``seen``, a check of the whole file: repeated rows are refused,
        and the Day Index table is read too.
        """
        lines = self._lines(handle)
        line = self._comments(lines)
        reader = csv.reader(itertools.chain([line], lines), strict=True)
        try:
            header = self._header(reader)
            yield from self._rows(reader, header, seen)
            if seen:
                self._day_index(reader)
        except csv.Error:
            raise self.fail("well-formed CSV (an unclosed quote?)") from None
        problem = self.dates.ambiguous()
        if problem:
            line, expected = problem
            msg = f"{self.path}, line {line}: expected {expected}."
            raise ArchiveFileError(msg)

    def _comments(self, lines: Iterator[str]) -> str:
        comments: list[str] = []
        for line in lines:
            if not line.startswith("#"):
                break
            comments.append(self.text)
            if len(comments) > MAX_COMMENT_LINES:
                raise self.fail(f"at most {MAX_COMMENT_LINES} '#' lines in the header")
        else:
            line = ""
        if not comments:
            raise self.fail("the '# ----' header block of a GA interface export", 1)
        self.first, self.last = self._range(comments)
        self.dates = _Dates(self.first, self.last, self.order)
        names = [c.removeprefix("#").strip() for c in comments]
        # The block is dashes, view, report, range, dashes: the two names sit
        # between the opening dashes and the range line.
        self.view, self.report = [*names[1:3], "", ""][:2]
        return line

    def _range(self, comments: list[str]) -> tuple[dt.date, dt.date]:
        today = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
        for number, line in enumerate(comments, 1):
            found = _RANGE.match(line)
            if found:
                first, last = (parse_yyyymmdd(found[i]) for i in (1, 2))
                if first is None or last is None or first > last:
                    raise self.fail("a date range YYYYMMDD-YYYYMMDD", number, line)
                if first < FIRST_GA_DAY or last > today:
                    raise self.fail(
                        f"a date range within {FIRST_GA_DAY}..{today} (Google"
                        " Analytics' days up to today)",
                        number,
                        line,
                    )
                return first, last
        raise self.fail(
            "a '# YYYYMMDD-YYYYMMDD' date range line in the header", 1, comments[0]
        )

    def _header(self, reader: Iterator[list[str]]) -> list[str | None]:
        # A blank line separates the comment block from the first table.
        header = next(reader, None)
        while header == []:
            header = next(reader, None)
        if header is None:
            raise self.fail("the column names of the first table")
        layout = self.layout
        roles = [self.names.get(c.strip()) for c in header]
        unknown = [c for c, role in zip(header, roles, strict=True) if role is None]
        others = [c for c in unknown if c.strip() in layout.other_metrics]
        at_metrics = [i for i, role in enumerate(roles) if role in layout.metrics]
        if at_metrics:
            others += [c for c in header[max(at_metrics) + 1 :] if c not in others]
        if others:
            metrics = " and ".join(layout.metrics)
            plural = "s" * (len(layout.metrics) > 1)
            raise self.fail(
                f"{metrics} as the only metric{plural}, not {', '.join(others)}"
                f" (export the report with {metrics} alone)"
            )
        missing = [r for r in layout.required if r not in roles]
        repeated = len({r for r in roles if r}) != len([r for r in roles if r])
        unnamed = 1 if layout.unnamed else 0
        if missing or len(unknown) > unnamed or repeated or DAY_INDEX in roles:
            hint = ""
            if unknown and (missing or len(unknown) > unnamed):
                shown = ", ".join(map(repr, unknown))
                hint = (
                    f"; not known: {shown} (built in: {layout.languages}; for"
                    " another language map the names to GA's English ones with"
                    f" {SETTING})"
                )
            raise self.fail(f"{layout.expected}{hint}")
        if DATE not in roles and self.first != self.last:
            raise self.fail(
                f"a Date column: without one the export must cover one day, not"
                f" {self.first}..{self.last}"
            )
        if unknown:
            self.unnamed = roles.index(None)
            roles[self.unnamed] = layout.unnamed
        self.grained = layout.grain in roles
        return roles

    def _rows(
        self, reader: Iterator[list[str]], roles: list[str | None], seen: _Seen | None
    ) -> Iterator[Row]:
        # The metrics are the last columns (_header): the others are dimensions.
        layout = self.layout
        at = {role: i for i, role in enumerate(roles) if role}
        date = at.get(DATE)
        # Each dimension's column in row order; None: the file has none.
        columns = [at.get(role) for role in layout.dimensions[1:]]
        absent = {i: layout.grain_absent for i, c in enumerate(columns) if c is None}
        metrics = [at[role] for role in layout.metrics]
        cut = min(metrics)
        width, first_day = len(roles), self.first.isoformat()
        #: Each date cell read so far, as its ISO day: at most a few spellings
        #: of each day of the range.
        days: dict[str, str] = {}
        total_line, total_text = 0, ""
        ended = False  # by the blank line after the table
        for cells in reader:
            if not cells:
                ended = True
                break
            if self.total is not None:
                raise self.fail("no row after the totals row")
            if len(cells) != width:
                raise self.fail(f"{width} cells like the column names")
            counts = [self._count(cells[i]) for i in metrics]
            if not any(cells[:cut]):
                self.total = tuple(counts)
                total_line, total_text = self.number, self.text
                continue
            day = first_day
            if date is not None:
                day = days.get(cells[date]) or self._day(cells[date], days)
            values = [
                absent[n] if c is None else cells[c] for n, c in enumerate(columns)
            ]
            self.counted = [a + b for a, b in zip(self.counted, counts, strict=True)]
            if seen:
                # GA writes one row per combination of the exported
                # dimensions: a repeat would overwrite the first (same
                # key) and lose its count. Keyed on the cells as written:
                # the locale's order may not be known yet.
                key = (cells[date] if date is not None else "", *values)
                seen.add(key, self.number)
            yield (day, *values, *counts)
        repeated = seen.repeated() if seen else None
        if repeated:
            line, first = repeated
            raise self.fail(
                f"one row per day and dimension values (line {first} has the"
                " same ones)",
                line,
                _line_text(self.path, line),
            )
        if not ended and self.total is None:
            # A complete export ends its first table with the totals row and
            # a blank line; without them the file was cut short.
            raise self.fail("the totals row that ends the table (truncated file?)")
        wrong = [
            n for n, total in enumerate(self.total or ()) if total != self.counted[n]
        ]
        if wrong:
            # The interface exports the rows shown on screen only ("Show
            # rows"), while its totals row counts the whole report: such a
            # file would undercount its days.
            raise self.fail(
                f"the rows' sum {self.counted[wrong[0]]:,} as the total (an export"
                " of the rows shown on one page only? Show all rows, then export"
                " again)",
                total_line,
                total_text,
            )

    def _day(self, cell: str, days: dict[str, str]) -> str:
        """A Date cell's ISO day; remembered once the locale's order is known."""
        read = self.dates.read(cell, self.number)
        if read is None:
            raise self.fail(f"a date YYYYMMDD within {self.first}..{self.last}")
        if self.dates.settled(cell):
            days[cell] = read.isoformat()
        return read.isoformat()

    def _day_index(self, reader: Iterator[list[str]]) -> None:
        header = next(reader, None)
        while header == []:
            header = next(reader, None)
        if header is None:
            return
        if not header or self.names.get(header[0].strip()) != DAY_INDEX:
            raise self.fail(
                f"the Day Index table after the first one (its first column"
                f" named 'Day Index' or so in {self.layout.languages}; for another"
                f" language map it to 'Day Index' with {SETTING})"
            )
        for cells in reader:
            if not cells:
                return
            if len(cells) != len(header):
                raise self.fail(f"{len(header)} cells like the Day Index column names")
            self._count(cells[-1])
            if cells[0] and self.dates.read(cells[0], self.number) is None:
                raise self.fail(
                    f"a Day Index date within {self.first}..{self.last}, as the"
                    " export's locale writes it (1/31/22, 31.01.22, 22-01-31...)"
                )

    def _count(self, cell: str) -> int:
        if len(cell) < 19 and cell.isascii() and cell.isdigit():
            return int(cell)  # the common case: within 64 bits
        text = cell.strip()
        if not _COUNT.match(text) and not _PLAIN_COUNT.match(text):
            raise self.fail(
                f"a whole number of {self.layout.noun}, e.g. 1234, 1,234 or 1.234"
            )
        digits = re.sub(r"[^0-9]", "", text)
        # Compared as text first: int() refuses over 4,300 digits.
        digits = digits.lstrip("0") or "0"
        if len(digits) > len(str(INT64_MAX)) or int(digits) > INT64_MAX:
            raise self.fail(f"a number of {self.layout.noun} within 64 bits")
        return int(digits)
