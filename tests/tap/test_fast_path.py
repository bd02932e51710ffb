"""The fast RECORD path writes what the SDK would, and steps aside when it must."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import RecordMessage

from tap_ga_legacy.tap import TapGaLegacy
from tests.support.tap import run_tap

RECORD = {
    "event_key": "0cc175b9c0f1b6a831c399e269772661",
    "property_id": "188392047",
    "api": "ua",
    "event_date": "2021-03-10",
    "event_category": "meltano elt",
    "event_action": 'meltano elt tap-"ü" target-x --transform run',
    "event_label": "(not set)",
    "project_dimension": "(not set)",
    "event_count": 3,
    "project_id": None,
    "project_id_source": "missing",
}

PAGEVIEW = {
    "pageview_key": "0cc175b9c0f1b6a831c399e269772661",
    "property_id": "188384771",
    "api": "ua",
    "event_date": "2021-03-10",
    "page_path": '/pipelines/create?extractor=tap-"ü"&loader=target-csv',
    "page_title": None,
    "project_dimension": "(not set)",
    "meltano_version": "1.66.0",
    "pageviews": 3,
    "unique_pageviews": 2,
    "project_id": None,
    "project_id_source": "missing",
}


@pytest.mark.parametrize(
    ("name", "record"), [("events", RECORD), ("pageviews", PAGEVIEW)]
)
def test_fast_line_is_byte_identical_to_the_sdk_writer(
    config, capsysbinary, name, record
):
    stream = TapGaLegacy(config=config).streams[name]
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    stream.set_time_extracted(moment)
    stream._write_record_message(dict(record))
    fast = capsysbinary.readouterr().out
    sdk = MsgSpecWriter().format_message(
        RecordMessage(stream=name, record=dict(record), time_extracted=moment)
    )
    assert fast == bytes(sdk)


def test_stream_maps_take_the_sdk_path(config, tmp_path):
    maps = {"stream_maps": {"events": {"event_action": None, "n": "event_count * 2"}}}
    run = run_tap({**config, "view_ids": [], **maps}, tmp_path)
    assert run.returncode == 0, run.stderr
    record = run.records[0]
    assert "event_action" not in record
    assert record["n"] == 2 * record["event_count"]


def test_deselected_columns_are_dropped(config, tmp_path):
    discovered = run_tap(config, tmp_path, args=("--discover",))
    catalog = json.loads(discovered.stdout)
    for entry in catalog["streams"][0]["metadata"]:
        if entry["breadcrumb"] == ["properties", "event_action"]:
            entry["metadata"]["selected"] = False
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    run = run_tap(
        {**config, "view_ids": []},
        tmp_path,
        args=("--catalog", str(tmp_path / "catalog.json")),
    )
    assert run.returncode == 0, run.stderr
    assert run.records
    assert all("event_action" not in r for r in run.records)
    assert all("event_key" in r for r in run.records)
