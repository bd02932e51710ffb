"""CSV files as the Universal Analytics interface exported them ("Export > CSV").

For tests and the demo of the tap's ``archive_files`` setting: the emulator's
rows, aggregated to the dimensions the exported report had (the interface's
Top Events report has no custom dimension 1), written with the comment block,
the totals row, the Day Index table and the thousands separator of a locale.
Two reports: the CLI view's Top Events (``export_csv``) and the UI view's
pages, a custom report's flat table with both custom dimensions
(``export_pages_csv``).

``python -m ga_emulator.ui_exports PATH FIRST LAST [--format pages]`` writes
one file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import uuid
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ga_emulator import ui_views
from ga_emulator.dataset import DatasetConfig, rows_in_range

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ga_emulator.dataset import Row
    from ga_emulator.ui_views import PageRow

#: Thousands separator per exporter locale.
SEPARATORS = {"en": ",", "de": ".", "fr": "\u202f", "ch": "'"}
#: What the interface writes in the user's language: Date, Event Category,
#: Event Action, Event Label, Total Events, Day Index, and the Day Index
#: table's date format. German and Dutch as real exports have them
#: ("Datum,Ereigniskategorie,...,Ereignisse insgesamt", "Tagesindex" with
#: 19.07.22; "Dagindex" with 17-09-14).
LANGUAGES = {
    "en": (
        ("Date", "Event Category", "Event Action", "Event Label", "Total Events"),
        "Day Index",
        "{month}/{day}/{yy}",
    ),
    "de": (
        ("Datum", "Ereigniskategorie", "Ereignisaktion", "Ereignislabel",
         "Ereignisse insgesamt"),
        "Tagesindex",
        "{day:02}.{month:02}.{yy}",
    ),
    "nl": (
        ("Datum", "Gebeurteniscategorie", "Gebeurtenisactie", "Gebeurtenislabel",
         "Totaal aantal gebeurtenissen"),
        "Dagindex",
        "{day:02}-{month:02}-{yy}",
    ),
}  # fmt: skip
#: The pages report's columns in the user's language: Date, Page, Page
#: Title, Pageviews, Unique Pageviews (the custom dimensions keep the names
#: given in GA admin, ``CUSTOM_DIMENSIONS``).
PAGE_LANGUAGES = {
    "en": ("Date", "Page", "Page Title", "Pageviews", "Unique Pageviews"),
    "de": ("Datum", "Seite", "Seitentitel", "Seitenaufrufe",
           "Eindeutige Seitenaufrufe"),
    "nl": ("Datum", "Pagina", "Paginatitel", "Paginaweergaven",
           "Unieke paginaweergaven"),
}  # fmt: skip
#: Custom dimensions 1 and 2 of the UI's property, as GA admin names them.
CUSTOM_DIMENSIONS = ("Project ID", "Meltano Version")


def export_csv(
    rows: Iterable[Row],
    *,
    view_name: str,
    first: dt.date,
    last: dt.date,
    locale: str = "en",
    with_date: bool = True,
    custom_dimension: str | None = None,
    day_index: bool = True,
    language: str = "en",
) -> str:
    """The text of one export of ``rows`` (which must lie within first..last).

    Args:
        rows: the emulator's rows; aggregated to the exported columns.
        view_name: the view the export names in its header.
        first: first day of the report's date range.
        last: last day of the report's date range.
        locale: the exporter's number format, a key of SEPARATORS.
        with_date: a Date column; without one, first must equal last.
        custom_dimension: the column title of custom dimension 1, if exported.
        day_index: the second table the interface appends.
        language: the interface language of the column names, a key of
            LANGUAGES.
    """
    names = LANGUAGES[language][0]
    lines = []
    for row in rows:
        key = (row.category, row.action, row.label)
        if with_date:
            key = (row.date, *key)
        if custom_dimension:
            key = (*key, row.dimension1)
        lines.append((row.date, key, (row.count,)))
    header = list(names[1:4])
    if with_date:
        header.insert(0, names[0])
    if custom_dimension:
        header.append(custom_dimension)
    return _export(
        lines,
        header=header,
        metrics=names[4:],
        report="Top Events",
        view_name=view_name,
        first=first,
        last=last,
        locale=locale,
        day_index=day_index,
        language=language,
    )


def export_pages_csv(
    rows: Iterable[PageRow],
    *,
    view_name: str,
    first: dt.date,
    last: dt.date,
    locale: str = "en",
    page_title: bool = False,
    day_index: bool = True,
    language: str = "en",
    custom_dimensions: tuple[str, str] = CUSTOM_DIMENSIONS,
) -> str:
    """The text of one export of the UI view's pages report.

    The custom report's flat table: Date, Page (and Page Title when
    ``page_title``), custom dimensions 1 and 2 under the names
    ``custom_dimensions`` gives them, Pageviews and Unique Pageviews, in the
    interface's ``language`` (a key of PAGE_LANGUAGES) and the ``locale``'s
    number format; then the totals and the Day Index table (pageviews).
    """
    date, page, title, *metrics = PAGE_LANGUAGES[language]
    lines = []
    for row in rows:
        pages = (row.page_path, row.page_title) if page_title else (row.page_path,)
        key = (row.date, *pages, row.dimension1, row.dimension2)
        lines.append((row.date, key, (row.pageviews, row.unique_pageviews)))
    header = [date, page, *([title] if page_title else []), *custom_dimensions]
    return _export(
        lines,
        header=header,
        metrics=tuple(metrics),
        report="Pages",
        view_name=view_name,
        first=first,
        last=last,
        locale=locale,
        day_index=day_index,
        language=language,
    )


def _export(
    lines: Iterable[tuple[str, tuple[str, ...], tuple[int, ...]]],
    *,
    header: list[str],
    metrics: tuple[str, ...],
    report: str,
    view_name: str,
    first: dt.date,
    last: dt.date,
    locale: str,
    day_index: bool,
    language: str,
) -> str:
    """The export of ``(date, key, metric values)`` lines, summed by key.

    The Day Index table counts the first metric per day.
    """
    separator = SEPARATORS[locale]
    _, day_index_name, date_format = LANGUAGES[language]
    totals: defaultdict[tuple[str, ...], list[int]] = defaultdict(
        lambda: [0] * len(metrics)
    )
    per_day: defaultdict[str, int] = defaultdict(int)
    for day, key, values in lines:
        sums = totals[key]
        for index, value in enumerate(values):
            sums[index] += value
        per_day[day] += values[0]

    def number(value: int) -> str:
        return f"{value:,}".replace(",", separator)

    out = io.StringIO()
    out.write(
        "# ----------------------------------------\n"
        f"# {view_name}\n"
        f"# {report}\n"
        f"# {first:%Y%m%d}-{last:%Y%m%d}\n"
        "# ----------------------------------------\n\n"
    )
    minimal = csv.writer(out, lineterminator="\n")
    # Minimal quoting looks for the line terminator's characters only: a
    # cell holding a lone CR is quoted, as it must be to stay one cell.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(cells: list[str]) -> None:
        (quoted if any("\r" in c for c in cells) else minimal).writerow(cells)

    write([*header, *metrics])
    for key in sorted(totals):
        write([*key, *map(number, totals[key])])
    grand = [sum(sums[i] for sums in totals.values()) for i in range(len(metrics))]
    write([""] * len(header) + [number(total) for total in grand])
    if day_index:
        out.write("\n")
        write([day_index_name, metrics[0]])
        for day in sorted(per_day):
            date = date_format.format(
                day=int(day[6:8]), month=int(day[4:6]), yy=day[2:4]
            )
            write([date, number(per_day[day])])
        write(["", number(sum(per_day.values()))])
    return out.getvalue()


def write_large_export(
    handle: TextIO, *, rows: int, first: dt.date, last: dt.date
) -> int:
    """Write an export of ``rows`` distinct rows, one at a time; its events.

    For memory measurements (scripts/bench_archive.py) and the tap's
    streaming test: the rows are made up, not the emulator's, so that a file
    of any size is written without holding its rows. About 110 bytes a row.
    """
    days = (last - first).days + 1
    writer = csv.writer(handle, lineterminator="\n")
    handle.write(
        "# ----------------------------------------\n"
        "# All Web Site Data\n"
        "# Top Events\n"
        f"# {first:%Y%m%d}-{last:%Y%m%d}\n"
        "# ----------------------------------------\n\n"
    )
    writer.writerow(LANGUAGES["en"][0])
    per_day = [0] * days
    for index in range(rows):
        day = index % days
        count = 1 + index % 97
        per_day[day] += count
        # A project-id-like label, distinct per row (an odd multiplier is a
        # bijection modulo 2**128).
        label = uuid.UUID(int=index * 0x9E3779B97F4A7C15F39CC0605CEDC835 % (1 << 128))
        writer.writerow(
            [
                f"{first + dt.timedelta(days=day):%Y%m%d}",
                "meltano elt",
                f"meltano elt tap-{index % 13} target-{index % 7} --job_id={index}",
                str(label),
                f"{count:,}",
            ]
        )
    total = sum(per_day)
    writer.writerow(["", "", "", "", f"{total:,}"])
    handle.write("\n")
    writer.writerow(["Day Index", "Total Events"])
    for day, count in enumerate(per_day):
        date = first + dt.timedelta(days=day)
        writer.writerow([f"{date.month}/{date.day}/{date:%y}", f"{count:,}"])
    writer.writerow(["", f"{total:,}"])
    return total


def main() -> None:
    """``python -m ga_emulator.ui_exports PATH FIRST LAST``: one export file."""
    parser = argparse.ArgumentParser(description="A GA interface CSV export.")
    parser.add_argument("path", type=Path)
    parser.add_argument("first", type=dt.date.fromisoformat)
    parser.add_argument("last", type=dt.date.fromisoformat)
    parser.add_argument(
        "--format",
        choices=("events", "pages"),
        default="events",
        help="the CLI view's Top Events, or the UI view's pages",
    )
    parser.add_argument("--view-id", help="default: the format's view")
    parser.add_argument("--locale", choices=sorted(SEPARATORS), default="en")
    parser.add_argument("--language", choices=sorted(PAGE_LANGUAGES), default="en")
    parser.add_argument(
        "--page-title", action="store_true", help="pages: a Page Title column"
    )
    args = parser.parse_args()
    config = DatasetConfig()
    span = {
        "first": args.first,
        "last": args.last,
        "locale": args.locale,
        "language": args.language,
    }
    if args.format == "pages":
        view = args.view_id or config.ui_view_ids[0]
        text = export_pages_csv(
            ui_views.rows_in_range(config, view, args.first, args.last),
            view_name="Meltano UI",
            page_title=args.page_title,
            **span,
        )
    else:
        view = args.view_id or "188392047"
        text = export_csv(
            rows_in_range(config, view, args.first, args.last),
            view_name="Meltano CLI",
            **span,
        )
    args.path.parent.mkdir(parents=True, exist_ok=True)
    args.path.write_text(text, encoding="utf-8")
    print(f"{args.path}: {args.first}..{args.last}")


if __name__ == "__main__":
    main()
