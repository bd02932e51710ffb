"""archive_files with ``format: pages``: the UI view's Pages exports as pageviews.

The files are written here from the export's documented header
(docs/archive-files.md): the interface's custom-report flat table of Date,
Page, (Page Title,) the two custom dimensions, Pageviews and Unique Pageviews.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ga_emulator.ui_exports import export_pages_csv
from ga_emulator.ui_views import rows_in_range
from tap_ga_legacy.archive_files import (
    PAGES_LAYOUT,
    ArchiveFileError,
    column_names,
    iter_rows,
    read_export,
)
from tap_ga_legacy.rekey import pageview_key, resolve_project_id
from tests.support.dataset import DATASET, END, START, UI_VIEW_ID
from tests.support.tap import run_tap

if TYPE_CHECKING:
    from pathlib import Path

PROJECT = "6C1D7C44-0A2B-4B7A-9D1E-1F2D3C4B5A69"
HEADER = {
    "en": "Date,Page,Project ID,Meltano Version,Pageviews,Unique Pageviews",
    "de": "Datum,Seite,Project ID,Meltano Version,Seitenaufrufe,"
    "Eindeutige Seitenaufrufe",
}
#: (date, page, project, version, pageviews, unique pageviews)
ROWS = [
    ("20210301", "/extractors", PROJECT, "1.66.0", 1_204, 1_001),
    ("20210301", "/pipelines/create?extractor=tap-gitlab", PROJECT, "1.66.0", 3, 2),
    ("20210302", "/-/embed/abc", "(not set)", "1.66.0", 1, 1),
    ("20210302", "/extractors", "my-project", "(not set)", 2, 1),
]


def _count(n: int, locale: str) -> str:
    text = f"{n:,}"
    return (
        f'"{text.replace(",", ".") if locale == "de" else text}"' if n > 999 else text
    )


def _pages_csv(
    rows=ROWS, *, locale: str = "en", titles: bool = False, total_shift: int = 0
) -> str:
    header = HEADER[locale]
    if titles:
        header = header.replace(",Project ID", ",Page Title,Project ID").replace(
            "Seite,Page Title", "Seite,Seitentitel"
        )
    lines = [
        "# ----------------------------------------",
        "# Meltano UI",
        "# Pages by project",
        "# 20210301-20210307",
        "# ----------------------------------------",
        "",
        header,
    ]
    for day, page, project, version, views, unique in rows:
        title = ["Meltano"] if titles else []
        cells = [day, page, *title, project, version]
        lines.append(",".join([*cells, _count(views, locale), _count(unique, locale)]))
    views = sum(r[4] for r in rows) + total_shift
    unique = sum(r[5] for r in rows)
    empty = "," * (4 + titles)
    lines += [f"{empty}{_count(views, locale)},{_count(unique, locale)}", ""]
    lines += ["Day Index,Pageviews", f"3/1/21,{views}", ""]
    return "\n".join(lines) + "\n"


def _read(tmp_path: Path, text: str, columns: dict | None = None):
    path = tmp_path / "pages.csv"
    path.write_text(text, encoding="utf-8")
    names = column_names(columns or {}, PAGES_LAYOUT)
    return read_export(path, names, PAGES_LAYOUT)


@pytest.mark.parametrize("locale", ["en", "de"])
def test_pages_rows_in_the_reports_order(tmp_path: Path, locale: str) -> None:
    export = _read(tmp_path, _pages_csv(locale=locale))
    assert export.totals == (1_210, 1_005)
    assert not export.grained
    day = {"20210301": "2021-03-01", "20210302": "2021-03-02"}
    assert list(iter_rows(export)) == [
        (day[d], project, version, page, None, views, unique)
        for d, page, project, version, views, unique in ROWS
    ]


def test_page_titles_are_read_when_exported(tmp_path: Path) -> None:
    export = _read(tmp_path, _pages_csv(titles=True))
    assert export.grained
    assert {row[4] for row in iter_rows(export)} == {"Meltano"}


def test_custom_dimension_names_from_columns(tmp_path: Path) -> None:
    text = _pages_csv().replace("Project ID,Meltano Version", "Projekt,Version")
    with pytest.raises(ArchiveFileError, match="not known: 'Projekt', 'Version'"):
        _read(tmp_path, text)
    export = _read(
        tmp_path, text, {"Projekt": "Project ID", "Version": "Meltano Version"}
    )
    assert export.rows == len(ROWS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda t: t.replace(",Pageviews,Unique", ",Pageviews,Entrances,Unique"),
            "line 7: expected Pageviews and Unique Pageviews as the only metrics, not"
            " Entrances",
            id="another-metric",
        ),
        pytest.param(
            lambda t: t.replace(",Meltano Version", ""),
            "line 7: expected columns Date (optional), Page, Page Title (optional),"
            " Project ID, Meltano Version, Pageviews, Unique Pageviews",
            id="a-dimension-missing",
        ),
        pytest.param(
            lambda t: t.replace(",1.66.0,3,2", ",1.66.0,3,x"),
            "line 9: expected a whole number of pageviews",
            id="not-a-count",
        ),
    ],
)
def test_a_malformed_pages_export_is_one_line(tmp_path, change, message) -> None:
    with pytest.raises(ArchiveFileError) as refused:
        _read(tmp_path, change(_pages_csv()))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_total_that_the_rows_miss_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveFileError, match="the rows' sum 1,210 as the total"):
        _read(tmp_path, _pages_csv(total_shift=5))


def _config(folder: Path) -> dict:
    return {
        "start_date": "2021-01-01",
        "archive_files": [
            {"path": f"{folder}/*.csv", "view_id": UI_VIEW_ID, "format": "pages"}
        ],
    }


def test_pages_exports_become_pageviews_keyed_like_api_rows(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_text(_pages_csv(locale="de"))
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.records == [], "a pages export feeds pageviews, not events"
    records = run.stream_records("pageviews")
    assert len(records) == len(ROWS)
    for record, (_, page, project, version, views, unique) in zip(
        records, ROWS, strict=True
    ):
        assert (record["origin"], record["api"], record["property_id"]) == (
            "archive_file",
            "ua",
            UI_VIEW_ID,
        )
        assert (record["page_path"], record["page_title"]) == (page, None)
        assert (record["pageviews"], record["unique_pageviews"]) == (views, unique)
        assert (record["project_id"], record["project_id_source"]) == (
            resolve_project_id("", project)
        )
        assert record["pageview_key"] == pageview_key(
            "ua", UI_VIEW_ID, record["event_date"], page, None, project, version
        )
    sources = [r["project_id_source"] for r in records]
    assert sources == ["custom_dimension", "custom_dimension", "missing", "derived"]
    # The file is marked read in the pageviews partition's state.
    (partition,) = run.states[-1]["bookmarks"]["pageviews"]["partitions"]
    assert list(partition["files"]) == [str(folder / "a.csv")]


def test_an_export_with_titles_and_one_without_on_the_same_day(tmp_path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_text(_pages_csv())
    (folder / "b.csv").write_text(_pages_csv(titles=True))
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 1
    assert (
        f"{folder / 'b.csv'} (with a Page Title column) and {folder / 'a.csv'}"
        " (without one) both cover 2021-03-01 of view 188384771"
    ) in run.stderr
    assert "Traceback" not in run.stderr
    assert not run.stdout


def test_pages_dates_stay_within_the_range(tmp_path: Path) -> None:
    late = [("20210309", "/extractors", PROJECT, "1.66.0", 1, 1)]
    with pytest.raises(ArchiveFileError, match="a date YYYYMMDD within 2021-03-01"):
        _read(tmp_path, _pages_csv(late))


@pytest.mark.parametrize(("language", "titles"), [("en", False), ("de", True)])
def test_the_emulators_pages_export_reads_back_row_for_row(
    tmp_path: Path, language: str, titles: bool
) -> None:
    served = rows_in_range(DATASET, DATASET.ui_view_ids[0], START, END)
    text = export_pages_csv(
        served,
        view_name="Meltano UI",
        first=START,
        last=END,
        locale=language,
        language=language,
        page_title=titles,
    )
    export = _read(tmp_path, text)
    sums: dict[tuple, list[int]] = {}
    for r in served:
        day = f"{r.date[:4]}-{r.date[4:6]}-{r.date[6:]}"
        title = r.page_title if titles else None
        key = (day, r.dimension1, r.dimension2, r.page_path, title)
        total = sums.setdefault(key, [0, 0])
        total[0] += r.pageviews
        total[1] += r.unique_pageviews
    assert sorted(iter_rows(export)) == sorted((*k, *v) for k, v in sums.items())
    assert export.grained == titles
