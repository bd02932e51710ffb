"""Property: over any GA answer, the tap writes exactly the rows given, value for
value, or stops with one clear line and no STATE beyond what it fully wrote.

For each report (``events`` over both APIs, ``pageviews`` over UA), a small
server speaks the API's wire format over rows that hypothesis draws
(any text, counts up to int64, several pages and two windows), optionally with
one deviation: a row with a value too few or too many, a count or date GA
would never send, columns out of order, or a ``rowCount`` that changes. The
tap runs in-process through its real CLI entry point.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import socket
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from singer_sdk.logging import ConsoleFormatter

from tap_ga_legacy.reports import EVENTS, PAGEVIEWS, Report
from tap_ga_legacy.settings import GA4_DEFAULT_FIELDS
from tap_ga_legacy.tap import TapGaLegacy

START = dt.date(2021, 3, 4)
WINDOWS = ((START, START + dt.timedelta(days=1)), (START + dt.timedelta(days=2),) * 2)
END = WINDOWS[-1][1]
ID = "123456789"
INT64_MAX = 2**63 - 1
ROW_FAULTS = ("short", "extra_dimension", "extra_metric", "no_metric", "count", "date")
PAGE_FAULTS = ("columns", "row_count")

#: Accessing ``cli`` adds the SDK's console handler to the root logger: once.
CLI = TapGaLegacy.cli


@dataclass
class Deviation:
    """One thing wrong in the answers: at row ``at`` of window ``window``."""

    kind: str
    window: int
    at: int
    value: Any = None


@dataclass
class Scenario:
    """What the server answers: sorted rows per window, and a deviation."""

    report: Report
    windows: list[list[tuple[str, ...]]]
    deviation: Deviation | None
    served: bool = False  # whether a page with the deviation went out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, each page
        # waits for a delayed ACK (~40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """GA4 ``getMetadata``: every field the tap asks for exists."""
        *dimensions, metric = GA4_DEFAULT_FIELDS.values()
        self._send(
            {
                "dimensions": [{"apiName": name} for name in dimensions],
                "metrics": [{"apiName": metric}],
            }
        )

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path.endswith(":checkCompatibility"):
            self._send(_compatible(body))
        else:
            self._send(self.server.answer(body))

    def _send(self, answer: dict[str, Any]) -> None:
        data = msgspec.json.encode(answer)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    scenario: Scenario

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        scenario = self.scenario
        report = scenario.report
        ua = report.api == "ua"
        request = body["reportRequests"][0] if ua else body
        first = dt.date.fromisoformat(request["dateRanges"][0]["startDate"])
        window = next(i for i, (s, _) in enumerate(WINDOWS) if s == first)
        rows = scenario.windows[window]
        if ua:
            offset, size = int(request.get("pageToken") or 0), request["pageSize"]
        else:
            offset, size = int(body.get("offset", 0)), int(body["limit"])
        page = [list(r) for r in rows[offset : offset + size]]
        headers = list(report.fields)
        row_count = len(rows)
        d = scenario.deviation
        if (
            d
            and d.window == window
            and offset <= d.at < offset + size
            # A first page's rowCount is GA's word: only a change shows.
            and (d.kind != "row_count" or offset)
        ):
            scenario.served = True
            if d.kind == "columns":
                headers[1], headers[2] = headers[2], headers[1]
            elif d.kind == "row_count":
                row_count += d.value
            else:
                page[d.at - offset] = _broken(page[d.at - offset], d, report.width)
        # GA's totals are what the window's rows add up to: past int64 too.
        width = report.width
        totals = [str(sum(int(r[n]) for r in rows)) for n in range(width, len(headers))]
        if ua:
            more = offset + size < len(rows)
            return _ua(headers, width, page, row_count, more, offset, totals)
        return _ga4(headers, width, page, row_count, totals)


def _compatible(body: dict[str, Any]) -> dict[str, Any]:
    """``checkCompatibility``: every field asked for is compatible."""
    return {
        f"{kind}Compatibilities": [
            {f"{kind}Metadata": {"apiName": f["name"]}, "compatibility": "COMPATIBLE"}
            for f in body[f"{kind}s"]
        ]
        for kind in ("dimension", "metric")
    }


def _broken(row: list[Any], d: Deviation, width: int) -> list[Any]:
    """The row as ``[dimension values, metric values]`` after the deviation."""
    dims, metrics = row[:width], row[width:]
    if d.kind == "short":
        dims = dims[:-1]
    elif d.kind == "extra_dimension":
        dims = [*dims, d.value]
    elif d.kind == "extra_metric":
        metrics = [*metrics, d.value]
    elif d.kind == "no_metric":
        metrics = []
    elif d.kind == "count":
        metrics = [d.value, *metrics[1:]]
    elif d.kind == "date":
        dims = [d.value, *dims[1:]]
    return [dims, metrics]


def _split(row: list[Any], width: int) -> tuple[list[str], list[str]]:
    if len(row) == 2 and isinstance(row[0], list):
        return row[0], row[1]
    return row[:width], row[width:]


def _ga4(
    headers: list[str],
    width: int,
    page: list[list[Any]],
    row_count: int,
    totals: list[str],
) -> dict:
    answer: dict[str, Any] = {
        "dimensionHeaders": [{"name": h} for h in headers[:width]],
        "metricHeaders": [{"name": h, "type": "TYPE_INTEGER"} for h in headers[width:]],
        "totals": [
            {
                "dimensionValues": [{"value": "RESERVED_TOTAL"} for _ in range(width)],
                "metricValues": [{"value": total} for total in totals],
            }
        ],
        "metadata": {"timeZone": "Etc/UTC"},
    }
    if page:
        answer["rows"] = [
            {
                "dimensionValues": [{"value": v} for v in dims],
                "metricValues": [{"value": v} for v in metrics],
            }
            for dims, metrics in (_split(row, width) for row in page)
        ]
    if row_count:  # proto3 JSON omits zeros
        answer["rowCount"] = row_count
    return answer


def _ua(
    headers: list[str],
    width: int,
    page: list[list[Any]],
    row_count: int,
    more: bool,
    offset: int,
    totals: list[str],
) -> dict:
    data: dict[str, Any] = {"totals": [{"values": totals}], "isDataGolden": True}
    if row_count:
        data["rowCount"] = row_count
    if page:
        data["rows"] = [
            {"dimensions": dims, "metrics": [{"values": metrics}]}
            for dims, metrics in (_split(row, width) for row in page)
        ]
    entries = [{"name": h, "type": "INTEGER"} for h in headers[width:]]
    report: dict[str, Any] = {
        "columnHeader": {
            "dimensions": headers[:width],
            "metricHeader": {"metricHeaderEntries": entries},
        },
        "data": data,
    }
    if more:
        report["nextPageToken"] = str(offset + len(page))
    return {"reports": [report]}


@pytest.fixture(scope="module")
def server() -> _Server:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _valid_day(value: str, first: dt.date, last: dt.date) -> bool:
    """GA's form, checked independently of the tap: 8 ASCII digits, a day, inside."""
    if not re.fullmatch(r"[0-9]{8}", value, flags=re.ASCII):
        return False
    try:
        day = dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return False
    return first <= day <= last


def _valid_count(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]+", value, flags=re.ASCII)) and (
        int(value) <= INT64_MAX
    )


#: Never "(other)": that value makes the tap split the window (GA rolled rows
#: together), which tests/tap/test_quality.py covers against the emulator.
TEXT = st.text(max_size=8).filter(lambda v: v != "(other)")
BAD_COUNTS = st.one_of(
    st.text(max_size=6),
    st.sampled_from([" 7", "+7", "1_000", "\u0667", "7 ", "0x1", "1e3", "\uff17"]),
    st.integers(INT64_MAX + 1, 2**70).map(str),
    st.integers(max_value=-1).map(str),
).filter(lambda v: not _valid_count(v))


@st.composite
def scenarios(draw: st.DrawFn, report: Report) -> tuple[Scenario, int]:
    windows = []
    width, metrics = report.width, len(report.spec.metrics)
    for first, last in WINDOWS:
        days = st.dates(first, last).map(lambda d: d.strftime("%Y%m%d"))
        count = st.integers(0, INT64_MAX).map(str)
        rows = draw(
            st.lists(
                st.tuples(days, *[TEXT] * (width - 1), *[count] * metrics),
                max_size=9,
                unique_by=lambda r: r[:width],
            )
        )
        windows.append(sorted(rows))
    page_size = draw(st.integers(1, 4))
    deviation = None
    candidates = [i for i, rows in enumerate(windows) if rows]
    if candidates and draw(st.booleans()):
        window = draw(st.sampled_from(candidates))
        at = draw(st.integers(0, len(windows[window]) - 1))
        kind = draw(st.sampled_from(ROW_FAULTS + PAGE_FAULTS))
        first, last = WINDOWS[window]
        value = {
            "extra_dimension": TEXT,
            "extra_metric": st.integers(0, 9).map(str),
            "count": BAD_COUNTS,
            "date": st.one_of(
                TEXT,
                st.dates().map(lambda d: d.strftime("%Y%m%d")),
                st.sampled_from(["20210230", "(not set)", "\uff12\uff10\uff12\uff11"]),
            ).filter(lambda v: not _valid_day(v, first, last)),
            "row_count": st.integers(-len(windows[window]), 3).filter(bool),
        }.get(kind, st.none())
        deviation = Deviation(kind, window, at, draw(value))
    return Scenario(report, windows, deviation), page_size


def _run(config: dict[str, Any]) -> tuple[int, list[dict], str]:
    """Exit code, messages and stderr of one in-process run of the tap CLI."""
    root = logging.getLogger()
    saved, log = root.handlers[:], io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(ConsoleFormatter())
    root.handlers = [handler]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "config.json")
        path.write_text(json.dumps(config))
        try:
            result = CliRunner().invoke(CLI, ["--config", str(path)])
        finally:
            root.handlers = saved
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    messages = [json.loads(line) for line in result.stdout_bytes.splitlines()]
    return result.exit_code, messages, log.getvalue() + result.stderr


def _record(row: tuple[str, ...], width: int) -> tuple[Any, ...]:
    """What the tap must write for one row GA sent."""
    date = row[0]
    day = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    return day, *row[1:width], *map(int, row[width:])


#: The setting that lists a report's properties, per stream and API.
SETTING = {
    ("events", "ga4"): "property_ids",
    ("events", "ua"): "view_ids",
    ("pageviews", "ua"): "ui_view_ids",
}


def _check(server: _Server, scenario: Scenario, page_size: int) -> None:
    server.scenario = scenario
    report = scenario.report
    stream = report.spec.stream
    key = SETTING[stream, report.api]
    code, messages, stderr = _run(
        {
            key: [ID],
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "window_days": 2,
            "page_size": page_size,
            "api_endpoint": f"http://127.0.0.1:{server.server_address[1]}",
        }
    )
    written = [
        tuple(m["record"][f] for f in report.roles)
        for m in messages
        if m["type"] == "RECORD" and m["stream"] == stream
    ]
    expected = [_record(r, report.width) for rows in scenario.windows for r in rows]
    bookmarks = [
        p.get("replication_key_value")
        for m in messages
        if m["type"] == "STATE"
        for p in m["value"]["bookmarks"].get(stream, {}).get("partitions", [])
    ]
    errors = [line for line in stderr.splitlines() if "| ERROR" in line]
    if not scenario.served:
        assert code == 0, stderr
        assert written == expected
        assert bookmarks[-1] == END.isoformat()
        return
    d = scenario.deviation
    assert d is not None
    assert code == 1, stderr
    (line,) = errors
    assert "Traceback" not in stderr
    first, last = WINDOWS[d.window]
    assert f" {ID} ({first}..{last})" in line, line
    before = sum(len(rows) for rows in scenario.windows[: d.window])
    if d.kind in ROW_FAULTS:
        assert f", row {d.at % page_size + 1}: " in line, line
        assert written == expected[: before + d.at], "nothing after the deviation"
    else:
        assert written == expected[: len(written)]
        assert len(written) >= before
    done = [b for b in bookmarks if b]
    # STATE never claims the window that failed, only those fully written.
    assert done == ([WINDOWS[0][1].isoformat()] if d.window else [])


SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(case=scenarios(EVENTS.resolve("ga4", {})))
def test_ga4_answers_are_written_exactly_or_stop_cleanly(server, case):
    _check(server, *case)


@SETTINGS
@given(case=scenarios(EVENTS.resolve("ua", {})))
def test_ua_answers_are_written_exactly_or_stop_cleanly(server, case):
    _check(server, *case)


@SETTINGS
@given(case=scenarios(PAGEVIEWS.resolve("ua", {}, PAGEVIEWS.optional)))
def test_ua_pageviews_answers_are_written_exactly_or_stop_cleanly(server, case):
    _check(server, *case)
