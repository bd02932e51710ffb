"""The SDK's METRIC lines: what each partition and each stream really wrote."""

from __future__ import annotations

import json
from collections import Counter

from tests.support.dataset import VIEW_ID
from tests.support.tap import run_tap
from tests.tap.test_archive_runs import WEEK, _export


def _record_counts(stderr: str) -> Counter:
    """``record_count`` points summed per (stream, partition)."""
    counts: Counter = Counter()
    for line in stderr.splitlines():
        if "METRIC: " not in line:
            continue
        point = json.loads(line.split("METRIC: ", 1)[1])
        if point["metric"] == "record_count":
            tags = point["tags"]
            context = json.dumps(tags.get("context"), sort_keys=True)
            counts[tags["stream"], context] += point["value"]
    return +counts


def _partition(record: dict, stream: str) -> str:
    context = {"api": record["api"], "property_id": record["property_id"]}
    if stream == "events" and record["origin"] == "archive_file":
        context |= {"origin": "archive_file", "path": "ARCHIVE"}
    return json.dumps(context, sort_keys=True)


def test_record_count_per_partition_and_stream(config, emulator, tmp_path):
    _export(tmp_path, "week.csv", *WEEK)
    pattern = f"{tmp_path}/*.csv"
    archive = [{"path": pattern, "view_id": VIEW_ID}]
    run = run_tap({**config, "archive_files": archive}, tmp_path)
    assert run.returncode == 0, run.stderr
    written = Counter(
        (stream, _partition(record, stream))
        for stream in ("events", "report_windows")
        for record in run.stream_records(stream)
    )
    reported = Counter(
        {
            (stream, context.replace(json.dumps(pattern), '"ARCHIVE"')): n
            for (stream, context), n in _record_counts(run.stderr).items()
        }
    )
    assert reported == written
    assert len(written) == 5, "GA4, UA and the archive; report_windows for two"


def test_report_windows_alone_is_refused_with_one_line(config, emulator, tmp_path):
    catalog = json.loads(run_tap(config, tmp_path, args=("--discover",)).stdout)
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["stream"] == "report_windows"
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    run = run_tap(config, tmp_path, args=("--catalog", str(tmp_path / "catalog.json")))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    (line,) = [line for line in run.stderr.splitlines() if "| ERROR" in line]
    assert line.endswith(
        "| report_windows is selected without events or pageviews: its records"
        " are written by their syncs, one per window pulled. Select events too"
        " (e.g. `meltano select tap-ga-legacy events '*'`), or deselect"
        " report_windows."
    )
    assert not run.stdout
    assert emulator.state.requests == []
