"""CSV files as the Universal Analytics interface exported them ("Export > CSV").

For tests and the demo of the tap's ``archive_files`` setting: the emulator's
rows, aggregated to the dimensions the exported report had (the interface's
Top Events report has no custom dimension 1), written with the comment block,
the totals row, the Day Index table and the thousands separator of a locale.

``python -m ga_emulator.ui_exports PATH FIRST LAST`` writes one file.
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

from ga_emulator.dataset import DatasetConfig, rows_in_range

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ga_emulator.dataset import Row

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
    separator = SEPARATORS[locale]
    names, day_index_name, date_format = LANGUAGES[language]
    totals: defaultdict[tuple[str, ...], int] = defaultdict(int)
    per_day: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        key = (row.category, row.action, row.label)
        if with_date:
            key = (row.date, *key)
        if custom_dimension:
            key = (*key, row.dimension1)
        totals[key] += row.count
        per_day[row.date] += row.count
    header = list(names[1:4])
    if with_date:
        header.insert(0, names[0])
    if custom_dimension:
        header.append(custom_dimension)
    header.append(names[4])

    def number(value: int) -> str:
        return f"{value:,}".replace(",", separator)

    out = io.StringIO()
    out.write(
        "# ----------------------------------------\n"
        f"# {view_name}\n"
        "# Top Events\n"
        f"# {first:%Y%m%d}-{last:%Y%m%d}\n"
        "# ----------------------------------------\n\n"
    )
    minimal = csv.writer(out, lineterminator="\n")
    # Minimal quoting looks for the line terminator's characters only: a
    # cell holding a lone CR is quoted, as it must be to stay one cell.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(cells: list[str]) -> None:
        (quoted if any("\r" in c for c in cells) else minimal).writerow(cells)

    write(header)
    for key in sorted(totals):
        write([*key, number(totals[key])])
    write([""] * (len(header) - 1) + [number(sum(totals.values()))])
    if day_index:
        out.write("\n")
        write([day_index_name, names[4]])
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
    parser.add_argument("--view-id", default="188392047")
    parser.add_argument("--locale", choices=sorted(SEPARATORS), default="en")
    parser.add_argument("--language", choices=sorted(LANGUAGES), default="en")
    args = parser.parse_args()
    rows = rows_in_range(DatasetConfig(), args.view_id, args.first, args.last)
    args.path.parent.mkdir(parents=True, exist_ok=True)
    args.path.write_text(
        export_csv(
            rows,
            view_name="Meltano CLI",
            first=args.first,
            last=args.last,
            locale=args.locale,
            language=args.language,
        ),
        encoding="utf-8",
    )
    print(f"{args.path}: {args.first}..{args.last}")


if __name__ == "__main__":
    main()
