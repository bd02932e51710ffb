"""GA interface CSV exports: what the interface wrote, and what it must not hold."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import defaultdict
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ga_emulator.dataset import DatasetConfig, Row, rows_in_range
from ga_emulator.ui_exports import SEPARATORS, export_csv
from tap_ga_legacy.archive_files import ArchiveFileError, iter_rows, read_export

if TYPE_CHECKING:
    from pathlib import Path

VIEW_ID = "188392047"
FIRST, LAST = dt.date(2021, 3, 1), dt.date(2021, 3, 7)
#: A day with thousands of events for one command, so separators show up.
BUSY = [
    Row("20210301", "meltano elt", "meltano elt tap-x target-y", "", "", "c1", 12_345),
    Row("20210301", "meltano elt", "meltano elt tap-x target-y", "", "", "c2", 1_000),
    Row("20210302", "meltano add", 'meltano add "quoted, comma"', "p", "p", "c3", 7),
]


def _expected(
    rows: list[Row], *, with_date: bool = True, dimension: bool = False
) -> list[tuple[str, ...]]:
    totals: defaultdict[tuple[str, ...], int] = defaultdict(int)
    for row in rows:
        day = f"{row.date[:4]}-{row.date[4:6]}-{row.date[6:]}"
        key = (day, row.category, row.action, row.label)
        totals[(*key, row.dimension1 if dimension else "")] += row.count
    return sorted((*key, count) for key, count in totals.items())


def _write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("locale", sorted(SEPARATORS))
def test_every_locale_reads_the_same_rows(tmp_path: Path, locale: str) -> None:
    text = export_csv(BUSY, view_name="Meltano", first=FIRST, last=LAST, locale=locale)
    assert f"13{SEPARATORS[locale]}345" in text
    export = read_export(_write(tmp_path, text))
    assert sorted(iter_rows(export)) == _expected(BUSY)
    assert (export.view_name, export.report_name) == ("Meltano", "Top Events")
    assert (export.first_day, export.last_day) == (FIRST, LAST)
    assert export.total_events == 13_352  # the totals row, not a data row


def test_emulator_week_with_custom_dimension(tmp_path: Path) -> None:
    rows = rows_in_range(DatasetConfig(), VIEW_ID, FIRST, LAST)
    text = export_csv(
        rows,
        view_name="Meltano",
        first=FIRST,
        last=LAST,
        custom_dimension="Project ID",
    )
    export = read_export(_write(tmp_path, text))
    assert sorted(iter_rows(export)) == _expected(rows, dimension=True)
    assert sum(r[-1] for r in iter_rows(export)) == export.total_events


def test_export_without_date_column_takes_its_single_day(tmp_path: Path) -> None:
    day = dt.date(2021, 3, 2)
    rows = [r for r in BUSY if r.date == "20210302"]
    text = export_csv(rows, view_name="V", first=day, last=day, with_date=False)
    assert "Date" not in text.splitlines()[6]
    export = read_export(_write(tmp_path, text))
    assert list(iter_rows(export)) == _expected(rows)


def test_export_without_date_column_over_several_days_is_refused(
    tmp_path: Path,
) -> None:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, with_date=False)
    with pytest.raises(ArchiveFileError) as raised:
        read_export(_write(tmp_path, text))
    assert str(raised.value) == (
        f"{tmp_path}/export.csv, line 7: expected a Date column: without one the"
        " export must cover one day, not 2021-03-01..2021-03-07, found"
        " 'Event Category,Event Action,Event Label,Total Events'."
    )


def test_second_table_is_ignored(tmp_path: Path) -> None:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, day_index=True)
    assert "Day Index,Total Events" in text
    assert sorted(iter_rows(read_export(_write(tmp_path, text)))) == _expected(BUSY)


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        # Cut inside the first table: no totals row, no blank line after it.
        (-1, "expected the totals row that ends the table (truncated file?)"),
        # Cut in the middle of a quoted cell.
        (None, "expected well-formed CSV (an unclosed quote?)"),
    ],
)
def test_truncated_file(tmp_path: Path, cut: int | None, expected: str) -> None:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, day_index=False)
    lines = text.splitlines()
    if cut is None:
        quoted = next(i for i, line in enumerate(lines) if '"quoted' in line)
        text = "\n".join(lines[:quoted]) + "\n" + lines[quoted][:40]
    else:
        text = "\n".join(lines[:cut])
    with pytest.raises(ArchiveFileError, match=r"line \d+: " + re.escape(expected)):
        read_export(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("Event Action,", "Event Actions,"),
            r"line 7: expected columns Date \(optional\), Event Category,",
        ),
        (
            lambda t: t.replace("Total Events\n", "Unique Events\n", 1),
            r"line 7: expected Total Events as the only metric, not Unique Events",
        ),
        (lambda t: t.replace('"12,345"', "12.5"), r"line 8: expected a whole number"),
        (lambda t: t.replace('"12,345"', "12,34"), r"line 8: expected 5 cells"),
        (lambda t: t.replace("20210302", "20210399"), r"line 9: expected a date"),
        (lambda t: t.replace("20210302", "20210308"), r"within 2021-03-01\.\."),
        (lambda t: t.replace("# 20210301-", "# 2021-03-01-"), r"line 1: expected a"),
        (lambda t: t.replace("# ---", "--", 1), r"line 1: expected the '# ----'"),
        (lambda t: t.replace('"12,345"', '"١٢٣"'), r"a whole number of events"),
        (lambda t: t.replace('"12,345"', "99999999999999999999"), r"within 64 bits"),
    ],
)
def test_malformed_file_names_file_line_and_expectation(
    tmp_path: Path, edit: object, expected: str
) -> None:
    # Line 7: the column names; 8: the 12,345-event row; 9: the 2021-03-02 row.
    rows = [BUSY[0], BUSY[2]]
    text = export_csv(rows, view_name="V", first=FIRST, last=LAST, day_index=False)
    path = _write(tmp_path, edit(text))  # type: ignore[operator]
    with pytest.raises(ArchiveFileError, match=expected) as raised:
        read_export(path)
    message = str(raised.value)
    assert message.startswith(f"{path}, line ")
    assert "\n" not in message


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ArchiveFileError, match="cannot read the file"):
        read_export(tmp_path / "missing.csv")
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe")
    with pytest.raises(ArchiveFileError, match="not UTF-8 text"):
        read_export(path)


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.dates(FIRST, LAST),
            st.text(alphabet=string.ascii_lowercase + " ", min_size=1, max_size=20),
            _TEXT,
            _TEXT,
            st.integers(1, 10**12),
        ),
        max_size=20,
    ),
    locale=st.sampled_from(sorted(SEPARATORS)),
)
def test_any_export_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[dt.date, str, str, str, int]],
    locale: str,
) -> None:
    served = [
        Row(f"{d:%Y%m%d}", "meltano " + c, a, lab, "", "x", n)
        for d, c, a, lab, n in rows
    ]
    text = export_csv(served, view_name="V", first=FIRST, last=LAST, locale=locale)
    path = _write(tmp_path_factory.mktemp("export"), text)
    export = read_export(path)
    assert sorted(iter_rows(export)) == _expected(served)
    assert export.total_events == sum(n for *_, n in rows)


def test_export_of_one_page_of_rows_is_refused(tmp_path: Path) -> None:
    """The totals row counts the whole report; a page-only export has less."""
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, day_index=False)
    lines = text.splitlines()
    del lines[7]  # the 13,345-event row: as if the page had shown fewer rows
    with pytest.raises(ArchiveFileError) as raised:
        read_export(_write(tmp_path, "\n".join(lines) + "\n"))
    assert str(raised.value) == (
        f"{tmp_path}/export.csv, line 9: expected the rows' sum 7 as the"
        " total (an export of the rows shown on one page only? Show all rows,"
        " then export again), found ',,,,\"13,352\"'."
    )


def test_repeated_row_is_refused(tmp_path: Path) -> None:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, day_index=False)
    lines = text.splitlines()
    lines.insert(9, lines[8])
    total = sum(r.count for r in BUSY) + 1_000
    lines[-1] = f',,,,"{total:,}"'
    with pytest.raises(
        ArchiveFileError,
        match=r"line 10: expected one row per day"
        r" and dimension values \(line 9 has the same ones\)",
    ):
        read_export(_write(tmp_path, "\n".join(lines) + "\n"))  # fmt: skip
