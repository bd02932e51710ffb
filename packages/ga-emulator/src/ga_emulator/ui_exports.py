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
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from ga_emulator.dataset import DatasetConfig, rows_in_range

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ga_emulator.dataset import Row

#: Thousands separator per exporter locale.
SEPARATORS = {"en": ",", "de": ".", "fr": "\u202f", "ch": "'"}


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
    """
    separator = SEPARATORS[locale]
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
    header = ["Event Category", "Event Action", "Event Label"]
    if with_date:
        header.insert(0, "Date")
    if custom_dimension:
        header.append(custom_dimension)
    header.append("Total Events")

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
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for key in sorted(totals):
        writer.writerow([*key, number(totals[key])])
    writer.writerow([""] * (len(header) - 1) + [number(sum(totals.values()))])
    if day_index:
        out.write("\n")
        writer.writerow(["Day Index", "Total Events"])
        for day in sorted(per_day):
            writer.writerow(
                [f"{int(day[4:6])}/{int(day[6:8])}/{day[2:4]}", number(per_day[day])]
            )
        writer.writerow(["", number(sum(per_day.values()))])
    return out.getvalue()


def main() -> None:
    """``python -m ga_emulator.ui_exports PATH FIRST LAST``: one export file."""
    parser = argparse.ArgumentParser(description="A GA interface CSV export.")
    parser.add_argument("path", type=Path)
    parser.add_argument("first", type=dt.date.fromisoformat)
    parser.add_argument("last", type=dt.date.fromisoformat)
    parser.add_argument("--view-id", default="188392047")
    parser.add_argument("--locale", choices=sorted(SEPARATORS), default="en")
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
        ),
        encoding="utf-8",
    )
    print(f"{args.path}: {args.first}..{args.last}")


if __name__ == "__main__":
    main()
