"""The contract with singer-sdk: every fenced override is still called.

Each entry of sdk_fence.FENCE leans on how the SDK works inside. These tests
run real syncs in-process against the emulator, with a spy around each
override or call, and fail when the SDK stops calling one, when a private
name is gone, when the SDK writes a bookmark of its own, or when the
installed SDK is not the one the fence was checked on.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from importlib.metadata import version
from typing import Any

import click
import pytest
from singer_sdk import Stream
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.plugin_base import PluginBase

from tap_ga_legacy.sdk_fence import FENCE, SDK_CHECKED
from tap_ga_legacy.streams import (
    EventsStream,
    ExplainedFailureFilter,
    PageviewsStream,
    ReportStream,
    ReportWindowsStream,
)
from tap_ga_legacy.tap import TapGaLegacy
from tests.support.dataset import UI_VIEW_ID, VIEW_ID

#: Every stream the fenced overrides serve: each must inherit them.
REPORT_STREAMS = (EventsStream, PageviewsStream)

#: Every fenced SDK name, and the test below that holds it to its contract.
CONTRACTS = {
    "Stream._increment_stream_state": "test_the_sync_calls_every_override",
    "Stream._process_record": "test_the_sync_calls_every_override",
    "Stream._write_record_message": "test_the_sync_calls_every_override",
    "Stream._write_schema_message": "test_the_sync_calls_every_override",
    "Stream._write_record_message (of report_windows)": (
        "test_the_sync_calls_every_override"
    ),
    "PluginBase._validate_config": "test_the_sync_calls_every_override",
    "PluginBase._env_var_config": "test_credentials_from_the_environment_stay_text",
    "Stream.sync (its ERROR line)": "test_the_sdks_line_about_an_explained_failure",
}
#: The SDK's classes the fenced names belong to.
SDK_CLASSES = {"Stream": Stream, "PluginBase": PluginBase}


class Spies:
    """Counts the calls of methods wrapped in place, the real code still run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        self._monkeypatch = monkeypatch

    def wrap(self, owner: type, name: str, key: str) -> None:
        original = getattr(owner, name)

        def spy(*args: Any, **kwargs: Any) -> Any:
            self.calls[key] += 1
            return original(*args, **kwargs)

        self._monkeypatch.setattr(owner, name, spy)


def _messages(out: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line]


def test_the_installed_sdk_is_the_one_the_fence_was_checked_on():
    assert version("singer-sdk") == SDK_CHECKED, (
        "read each entry of tap_ga_legacy/sdk_fence.py against this SDK's"
        " source, then move SDK_CHECKED"
    )


def test_every_fenced_name_exists_in_the_sdk_and_has_a_contract():
    assert {entry.sdk for entry in FENCE} == set(CONTRACTS)
    for entry in FENCE:
        owner, name = entry.sdk.split(" ")[0].split(".")
        # Looked up, not read: a classproperty would run on the bare class.
        defined = (vars(cls) for cls in SDK_CLASSES[owner].__mro__)
        assert any(name in names for names in defined), entry.sdk


def test_the_sync_calls_every_override(config, emulator, monkeypatch, capsysbinary):
    """A sync of both report streams whose last days are not final: the SDK
    keeps off the bookmark of either."""
    spies = Spies(monkeypatch)
    for name in ("_increment_stream_state", "_process_record"):
        for stream in REPORT_STREAMS:
            assert getattr(stream, name) is getattr(ReportStream, name), stream
        assert getattr(ReportStream, name) is not getattr(Stream, name), name
        spies.wrap(ReportStream, name, name)
    assert ReportStream._write_record_message is not Stream._write_record_message
    for stream in REPORT_STREAMS:
        assert stream._write_record_message is ReportStream._write_record_message
    spies.wrap(ReportStream, "_write_record_message", "_write_record_message")
    spies.wrap(ReportWindowsStream, "_write_schema_message", "proof schema")
    spies.wrap(ReportWindowsStream, "_write_record_message", "proof record")
    spies.wrap(TapGaLegacy, "_validate_config", "_validate_config")
    # GA's clock on 2021-03-11 noon UTC, no end_date: days up to 03-10 are
    # pulled; GA4's last final day is 03-07 (72 h after its end in UTC-8)
    # and UA's is 03-06 (its window 03-07..03-09 is not golden yet).
    emulator.state.clock.set(dt.datetime(2021, 3, 11, 12, tzinfo=dt.UTC))
    run_config = {k: v for k, v in config.items() if k != "end_date"}
    run_config["ui_view_ids"] = [UI_VIEW_ID]

    TapGaLegacy(config=run_config, parse_env_config=False).sync_all()

    messages = _messages(capsysbinary.readouterr().out)
    records = [m for m in messages if m["type"] == "RECORD"]
    events = [m for m in records if m["stream"] == "events"]
    pageviews = [m for m in records if m["stream"] == "pageviews"]
    proofs = [m for m in records if m["stream"] == "report_windows"]
    assert max(m["record"]["event_date"] for m in events) == "2021-03-10"
    assert max(m["record"]["event_date"] for m in pageviews) == "2021-03-10"
    written = len(events) + len(pageviews)
    assert spies.calls == {
        "_increment_stream_state": written,
        "_process_record": written,
        "_write_record_message": written,
        # Ours before the first window's record, then the SDK's own, when it
        # syncs report_windows (whose get_records has nothing).
        "proof schema": 2,
        "proof record": len(proofs),
        "_validate_config": 1,
    }
    assert {m["record"]["stream"] for m in proofs} == {"events", "pageviews"}
    # Every STATE holds the tap's bookmarks only: a final day at a window's
    # end, never a record's event_date nor the SDK's progress markers.
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    bookmarks = set()
    for state in states:
        for stream in ("events", "pageviews"):
            for partition in state["bookmarks"].get(stream, {}).get("partitions", []):
                assert "progress_markers" not in partition, partition
                bookmarks.add(partition.get("replication_key_value"))
    assert bookmarks <= {None, "2021-03-06", "2021-03-07", "2021-03-04"}
    last = states[-1]["bookmarks"]
    assert {
        p["context"]["api"]: p["replication_key_value"]
        for p in last["events"]["partitions"]
    } == {"ga4": "2021-03-07", "ua": "2021-03-06"}
    # The UI view's windows are UA's too: golden through 03-06 only.
    assert [
        (p["context"]["property_id"], p["replication_key_value"])
        for p in last["pageviews"]["partitions"]
    ] == [(UI_VIEW_ID, "2021-03-06")]


def test_credentials_from_the_environment_stay_text(
    config, monkeypatch, service_account_key
):
    """The SDK would parse them as an object, and a bad one in a traceback."""
    monkeypatch.setenv(
        "TAP_GA_LEGACY_CREDENTIALS_JSON", json.dumps(service_account_key)
    )
    tap = TapGaLegacy(config=dict(config), parse_env_config=True)
    assert tap.config["credentials_json"] == json.dumps(service_account_key)

    monkeypatch.setenv("TAP_GA_LEGACY_CREDENTIALS_JSON", "{not json")
    with pytest.raises(ConfigValidationError) as refused:
        TapGaLegacy(config=dict(config), parse_env_config=True)
    assert refused.value.errors == [
        "credentials_json is not JSON; expected a service-account key file's content."
    ]


def test_the_sdks_line_about_an_explained_failure(
    config, emulator, monkeypatch, caplog
):
    """The tap's own line stays; the SDK's ERROR line about it is dropped."""
    drops = Counter()
    original = ExplainedFailureFilter.filter

    def spy(self: ExplainedFailureFilter, record: logging.LogRecord) -> bool:
        kept = original(self, record)
        drops[record.getMessage()] += not kept
        return kept

    monkeypatch.setattr(ExplainedFailureFilter, "filter", spy)
    emulator.add_fault(kind="error", status=400, api="ua", message="Bad field.")
    tap = TapGaLegacy(config={**config, "property_ids": []}, parse_env_config=False)

    with pytest.raises(click.exceptions.Exit) as stopped:
        tap.sync_all()

    assert stopped.value.exit_code == 1
    assert +drops == {"An unhandled error occurred while syncing 'events'": 1}
    # The tap's loggers only, each line once: an in-process CLI run of an
    # earlier test may leave the SDK's logging config, and a handler seen twice.
    errors = {
        (r.name, r.getMessage())
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith("tap-ga-legacy")
    }
    ((logger, line),) = errors
    assert logger == "tap-ga-legacy", errors
    assert f"view {VIEW_ID}" in line
    assert "HTTP 400" in line
