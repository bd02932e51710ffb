"""GA interface CSV exports: what the interface wrote, and what it must not hold."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import string
import tracemalloc
from collections import defaultdict
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ga_emulator.dataset import DatasetConfig, Row, rows_in_range
from ga_emulator.ui_exports import SEPARATORS, export_csv, write_large_export
from tap_ga_legacy.archive_files import (
    ArchiveFileError,
    column_names,
    iter_rows,
    matching_files,
    read_export,
)
from tap_ga_legacy.rekey import event_key, resolve_project_id
from tap_ga_legacy.tap import TapGaLegacy
from tests.support.dataset import VIEW_ID

if TYPE_CHECKING:
    from pathlib import Path

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
    assert export.totals[0] == 13_352  # the totals row, not a data row


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
    assert sum(r[-1] for r in iter_rows(export)) == export.totals[0]


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
    assert export.totals[0] == sum(n for *_, n in rows)


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


# Issue 19: exports in any interface language, characters as written, flat
# memory, symlink loops, literal paths and impossible ranges.


@pytest.mark.parametrize("language", ["de", "nl"])
def test_export_in_another_interface_language_reads_like_english(
    tmp_path: Path, language: str
) -> None:
    kw = {"view_name": "All Web Site Data", "first": FIRST, "last": LAST}
    english = _write(tmp_path, export_csv(BUSY, **kw, locale="de"), "en.csv")
    text = export_csv(BUSY, **kw, locale="de", language=language)
    assert {"de": "Ereignisse insgesamt", "nl": "Dagindex"}[language] in text
    export = read_export(_write(tmp_path, text, f"{language}.csv"))
    assert sorted(iter_rows(export)) == sorted(iter_rows(read_export(english)))
    assert sorted(iter_rows(export)) == _expected(BUSY)
    assert export.view_name == "All Web Site Data"


#: A language not built in (Czech, as an example of the names' shape).
CZECH = "Datum,Kategorie události,Akce události,Štítek události,Celkem událostí"
CZECH_NAMES = {
    "Datum": "Date",
    "Kategorie události": "Event Category",
    "Akce události": "Event Action",
    "Štítek události": "Event Label",
    "Celkem událostí": "Total Events",
    "Denní index": "Day Index",
}


def _czech(tmp_path: Path) -> Path:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, locale="fr")
    text = text.replace("Date,Event Category,Event Action,Event Label,Total Events",
                        CZECH).replace("Day Index,Total Events",
                                       "Denní index,Celkem událostí")  # fmt: skip
    return _write(tmp_path, text, "cs.csv")


def test_header_in_a_language_not_built_in_names_the_setting(tmp_path: Path) -> None:
    path = _czech(tmp_path)
    with pytest.raises(ArchiveFileError) as raised:
        read_export(path)
    assert str(raised.value) == (
        f"{path}, line 7: expected columns Date (optional), Event Category, Event"
        " Action, Event Label, at most one custom dimension, Total Events; not"
        " known: 'Kategorie události', 'Akce události', 'Štítek události',"
        " 'Celkem událostí' (built in: en, de, nl, fr, es; for another language"
        " map the names to GA's English ones with archive_files[].columns),"
        f" found {CZECH!r}."
    )


def test_columns_setting_maps_a_language_not_built_in(tmp_path: Path) -> None:
    export = read_export(_czech(tmp_path), column_names(CZECH_NAMES))
    assert sorted(iter_rows(export)) == _expected(BUSY)


def _dutch_sessions(tmp_path: Path, day: dt.date, index_date: str) -> Path:
    """One day of Dutch rows, its Day Index as the real Dutch export has it."""
    return _write(
        tmp_path,
        "# ----------------------------------------\n# All Web Site Data\n"
        f"# Gebeurtenissen\n# {day:%Y%m%d}-{day:%Y%m%d}\n"
        "# ----------------------------------------\n\n"
        "Gebeurteniscategorie,Gebeurtenisactie,Gebeurtenislabel,"
        "Totaal aantal gebeurtenissen\nmeltano elt,meltano elt,x,5\n,,,5\n\n"
        f"Dagindex,Sessies\n{index_date},3\n,3\n",
    )


@pytest.mark.parametrize("day", [dt.date(2014, 9, 17), dt.date(2017, 9, 14)])
def test_day_index_date_reads_the_one_way_the_range_allows(
    tmp_path: Path, day: dt.date
) -> None:
    # 17-09-14 is 17 September 2014 (d-m-y) or 14 September 2017 (y-m-d).
    export = read_export(_dutch_sessions(tmp_path, day, "17-09-14"))
    assert list(iter_rows(export)) == [
        (str(day), "meltano elt", "meltano elt", "x", "", 5)
    ]


def test_day_index_date_outside_the_range_is_refused(tmp_path: Path) -> None:
    path = _dutch_sessions(tmp_path, dt.date(2014, 9, 17), "18-09-14")
    with pytest.raises(ArchiveFileError) as raised:
        read_export(path)
    assert str(raised.value) == (
        f"{path}, line 12: expected a Day Index date within 2014-09-17..2014-09-17,"
        " as the export's locale writes it (1/31/22, 31.01.22, 22-01-31...),"
        " found '18-09-14,3'."
    )


def test_date_that_reads_two_ways_within_the_range_is_refused(
    tmp_path: Path,
) -> None:
    first, last = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
    rows = [Row("20220302", "meltano elt", "a", "", "", "c", 4)]
    text = export_csv(rows, view_name="V", first=first, last=last, language="de")
    assert "\n02.03.22,4\n" in text  # 2 March, or 3 February read as m.d.y
    path = _write(tmp_path, text)
    with pytest.raises(ArchiveFileError) as raised:
        read_export(path)
    assert str(raised.value) == (
        f"{path}, line 12: expected a date that reads one way: '02.03.22' is"
        " 2022-03-02 (d.m.y) or 2022-02-03 (m.d.y), both within"
        " 2022-01-01..2022-12-31."
    )


#: What str.splitlines() takes for a line break; csv and a file opened with
#: newline='' take only CR and LF, and only outside quotes.
SEPARATING = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("char", [*SEPARATING, "\r", "\r\n", "\n"], ids=repr)
@pytest.mark.parametrize("quoted", [True, False])
def test_every_character_stays_as_written(
    tmp_path: Path, char: str, quoted: bool
) -> None:
    label = f"acme{char}prod"
    rows = [Row("20210301", "meltano elt", "meltano elt x", label, "", "c", 3)]
    text = export_csv(rows, view_name="V", first=FIRST, last=LAST)
    if quoted != (f'"{label}"' in text):
        text = text.replace(f'"{label}"', label) if not quoted else text.replace(
            f",{label},", f',"{label}",')  # fmt: skip
    path = _write(tmp_path, text)
    if not quoted and char in {"\r", "\r\n", "\n"}:
        # Outside quotes a line break ends the row: refused, not rewritten.
        with pytest.raises(ArchiveFileError, match=r"line 8: expected 5 cells"):
            read_export(path)
        return
    assert list(iter_rows(read_export(path))) == [
        ("2021-03-01", "meltano elt", "meltano elt x", label, "", 3)
    ]


def _tap_records(config: dict) -> list[dict]:
    """The tap's events records for one archive_files entry, in this process."""
    tap = TapGaLegacy(config=config)
    stream = tap.streams["events"]
    (context,) = stream.partitions
    # The STATE messages go to stdout's bytes.
    with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())):
        return list(stream.get_records(context))


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.dates(FIRST, LAST),
            _ANY_TEXT,
            _ANY_TEXT,
            _ANY_TEXT,
            st.integers(1, 10**9),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_reaches_the_record_as_written(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[dt.date, str, str, str, int]],
) -> None:
    served = [
        Row(f"{d:%Y%m%d}", "meltano" + c, a, lab, "", "x", n)
        for d, c, a, lab, n in rows
    ]
    folder = tmp_path_factory.mktemp("export")
    path = _write(folder, export_csv(served, view_name="V", first=FIRST, last=LAST))
    config = {
        "start_date": "2021-01-01",
        "archive_files": [{"path": str(path), "view_id": VIEW_ID}],
    }
    records = _tap_records(config)
    got = sorted(
        (r["event_date"], r["event_category"], r["event_action"], r["event_label"],
         r["project_dimension"], r["event_count"])
        for r in records
    )  # fmt: skip
    assert got == _expected(served)
    for r in records:
        key = (
            r["event_date"],
            r["event_category"],
            r["event_action"],
            r["event_label"],
        )
        assert r["event_key"] == event_key("ua", VIEW_ID, *key, "")
        assert (r["project_id"], r["project_id_source"]) == resolve_project_id(
            r["event_label"], ""
        )


def test_checking_and_reading_a_large_export_keeps_memory_flat(
    tmp_path: Path,
) -> None:
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        total = write_large_export(handle, rows=60_000, first=FIRST, last=LAST)
    assert path.stat().st_size > 6_000_000
    tracemalloc.start()
    try:
        rows = events = 0
        for row in iter_rows(read_export(path)):
            rows, events = rows + 1, events + row[-1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (rows, events) == (60_000, total)
    # Python's allocations (SQLite's page cache, bounded, is not traced):
    # a fraction of the file, whatever its size.
    assert peak < 1_000_000, f"peak {peak:,} bytes"


def test_symlink_loops_end_and_each_file_is_read_once(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    (exports / "sub").mkdir(parents=True)
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST)
    a, b = _write(exports, text, "a.csv"), _write(exports / "sub", text, "b.csv")
    (exports / "sub" / "up").symlink_to(exports)  # a link back to a parent
    (exports / "again").symlink_to(exports)  # two loops: 2**40 paths to a glob
    (exports / "link.csv").symlink_to(a)  # two names, one file
    assert matching_files(f"{exports}/**/*.csv") == [a, b]
    assert matching_files(f"{exports}/*/*.csv") == [b]


def test_a_literal_path_is_literal(tmp_path: Path) -> None:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST)
    path = _write(tmp_path, text, "[2021] march.csv")
    assert matching_files(str(path)) == [path]
    assert matching_files(str(tmp_path / "[2021] april.csv")) == []
    assert matching_files(str(tmp_path / "*.csv")) == [path]


def test_range_outside_ga_days_is_refused_in_one_line(tmp_path: Path) -> None:
    text = export_csv(BUSY, view_name="V", first=FIRST, last=LAST, day_index=False)
    path = _write(tmp_path, text.replace("# 20210301-20210307", "# 99991231-99991231"))
    with pytest.raises(ArchiveFileError) as raised:
        read_export(path)
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert str(raised.value) == (
        f"{path}, line 4: expected a date range within 2005-01-01..{tomorrow}"
        " (Google Analytics' days up to today), found '# 99991231-99991231'."
    )
