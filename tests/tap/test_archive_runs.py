"""archive_files through the tap CLI: rows, keys, state and one-line stops."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from ga_emulator.ui_exports import export_csv
from tap_ga_legacy.rekey import event_key, resolve_project_id
from tests.support.dataset import VIEW_ID, expected_rows
from tests.support.tap import run_tap

if TYPE_CHECKING:
    from pathlib import Path

WEEK = (dt.date(2021, 3, 1), dt.date(2021, 3, 7))
NEXT = (dt.date(2021, 3, 5), dt.date(2021, 3, 10))  # overlaps WEEK on 5..7


def _export(folder: Path, name: str, first: dt.date, last: dt.date, **kw) -> Path:
    path = folder / name
    rows = expected_rows(VIEW_ID, first, last)
    path.write_text(export_csv(rows, view_name="Meltano", first=first, last=last, **kw))
    return path


def _config(folder: Path) -> dict:
    # Archive files only: no API, no credentials looked for.
    return {
        "start_date": "2021-01-01",
        "archive_files": [{"path": f"{folder}/*.csv", "view_id": VIEW_ID}],
    }


def _aggregated(first: dt.date, last: dt.date) -> Counter:
    totals: Counter = Counter()
    for row in expected_rows(VIEW_ID, first, last):
        day = f"{row.date[:4]}-{row.date[4:6]}-{row.date[6:]}"
        totals[(day, row.category, row.action, row.label)] += row.count
    return totals


def test_exports_become_events_keyed_like_api_rows(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _export(folder, "a.csv", *WEEK, locale="de")
    _export(folder, "b.csv", *NEXT)
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    records = run.records
    for record in records:
        args = (record["event_label"], record["project_dimension"])
        assert record["project_dimension"] == ""
        assert (record["origin"], record["api"]) == ("archive_file", "ua")
        assert (record["project_id"], record["project_id_source"]) == (
            resolve_project_id(*args)
        )
        assert record["event_key"] == event_key(
            "ua", VIEW_ID, record["event_date"], record["event_category"],
            record["event_action"], record["event_label"], "",
        )  # fmt: skip
    # The overlap (5..7) is emitted by both files with the same keys: a
    # target upserting on (event_key, origin) keeps each row once.
    latest = {r["event_key"]: r for r in records}
    got = Counter(
        {
            (r["event_date"], r["event_category"], r["event_action"],
             r["event_label"]): r["event_count"]
            for r in latest.values()
        }
    )  # fmt: skip
    assert got == _aggregated(WEEK[0], NEXT[1])
    assert len(records) - len(latest) == len(_aggregated(NEXT[0], WEEK[1]))


def test_state_skips_files_read_and_rereads_changed_ones(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    a = _export(folder, "a.csv", *WEEK)
    first = run_tap(_config(folder), tmp_path)
    assert first.returncode == 0
    (partition,) = first.states[-1]["bookmarks"]["events"]["partitions"]
    assert partition["context"] == {
        "api": "ua",
        "property_id": VIEW_ID,
        "origin": "archive_file",
        "path": f"{folder}/*.csv",
    }
    assert list(partition["files"]) == [str(a)]

    again = run_tap(_config(folder), tmp_path, state=first.states[-1])
    assert again.returncode == 0
    assert again.records == []
    assert f"{a}: read before, unchanged: skipped" in again.stderr

    # A changed file and a new one are read; the unchanged one is not.
    _export(folder, "a.csv", *WEEK, locale="de")
    b = _export(folder, "b.csv", *NEXT)
    third = run_tap(_config(folder), tmp_path, state=again.states[-1])
    assert third.returncode == 0
    days = {r["event_date"] for r in third.records}
    assert min(days) == str(WEEK[0])
    assert max(days) == str(NEXT[1])
    assert set(third.states[-1]["bookmarks"]["events"]["partitions"][0]["files"]) == {
        str(a),
        str(b),
    }
    fourth = run_tap(_config(folder), tmp_path, state=third.states[-1])
    assert fourth.records == []


def test_malformed_file_stops_with_one_line_and_nothing_emitted(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _export(folder, "a.csv", *WEEK)
    bad = _export(folder, "b.csv", *NEXT)
    lines = bad.read_text().splitlines()
    bad.write_text("\n".join(lines[:12]) + "\n")  # cut mid-table
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 1
    assert run.records == []
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1
    assert errors[0].endswith(
        f"{bad}, line 13: expected the totals row that ends the table"
        " (truncated file?), found 'end of file'."
    )
    assert "Traceback" not in run.stderr


def test_exports_of_two_grains_for_one_day_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    plain = _export(folder, "a.csv", *WEEK)
    with_project = _export(folder, "b.csv", *NEXT, custom_dimension="Project ID")
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 1
    assert run.records == []
    assert (
        f"{with_project} (with a custom dimension column) and {plain} (without"
        f" one) both cover 2021-03-05 of view {VIEW_ID}: their rows would be"
        " added together; keep one of them in archive_files."
    ) in run.stderr


def test_api_and_archive_rows_in_one_run(config: dict, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _export(folder, "a.csv", *WEEK)
    run = run_tap({**config, **_config(folder), "start_date": config["start_date"]},
                  tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    origins = Counter((r["api"], r["origin"]) for r in run.records)
    assert origins[("ua", "archive_file")] == len(_aggregated(*WEEK))
    assert origins[("ua", "api")] == len(expected_rows(VIEW_ID))


def _one_error(run) -> str:
    """The run's one ERROR line, checked to be the only one, without traceback."""
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    return errors[0]


def test_pattern_matching_no_file_stops_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 1
    assert _one_error(run).endswith(
        f"archive_files[0]: '{folder}/*.csv' matches no file (view {VIEW_ID});"
        " fix the path or remove the entry."
    )
    assert (run.records, run.states) == ([], [])


def test_literal_path_with_brackets_is_read(tmp_path: Path) -> None:
    path = _export(tmp_path, "[2021] week 9.csv", *WEEK)
    config = {**_config(tmp_path), "archive_files": [{"path": str(path),
                                                      "view_id": VIEW_ID}]}  # fmt: skip
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records) == len(_aggregated(*WEEK))


def test_range_past_the_calendar_stops_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = _export(folder, "a.csv", *WEEK)
    path.write_text(
        path.read_text().replace("# 20210301-20210307", "# 99991231-99991231")
    )
    run = run_tap(_config(folder), tmp_path)
    assert run.returncode == 1
    assert f"{path}, line 4: expected a date range within 2005-01-01.." in (
        _one_error(run)
    )
    assert (run.records, run.states) == ([], [])


def test_archive_state_of_the_wrong_shape_says_how_to_reset_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _export(folder, "a.csv", *WEEK)
    context = {"api": "ua", "property_id": VIEW_ID, "origin": "archive_file",
               "path": f"{folder}/*.csv"}  # fmt: skip
    state = {"bookmarks": {"events": {"partitions": [
        {"context": context, "files": [str(folder / "a.csv")]}]}}}  # fmt: skip
    run = run_tap(_config(folder), tmp_path, state=state)
    assert run.returncode == 1
    assert _one_error(run).endswith(
        f"state: the archive_files partition of '{folder}/*.csv' (view"
        f" {VIEW_ID}) holds 'files' as a list, not a mapping of path to SHA-256;"
        " remove that partition from the state (`meltano state edit"
        " <state_id>`, or run without --state) and its files are read again."
    )
    assert (run.records, run.states) == ([], [])


def test_columns_setting_reads_a_language_not_built_in(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = _export(folder, "a.csv", *WEEK)
    path.write_text(
        path.read_text()
        .replace("Event Category,", "Kategorie události,")
        .replace("Total Events", "Celkem událostí")
        .replace("Day Index,", "Denní index,")
    )
    config = _config(folder)
    refused = run_tap(config, tmp_path)
    assert refused.returncode == 1
    assert "with archive_files[].columns" in _one_error(refused)
    config["archive_files"][0]["columns"] = {
        "Kategorie události": "Event Category",
        "Celkem událostí": "Total Events",
        "Denní index": "Day Index",
    }
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records) == len(_aggregated(*WEEK))
