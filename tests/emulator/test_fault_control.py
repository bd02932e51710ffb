"""The fault control endpoint answers a bad fault with a 400 and one line of JSON."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ga_emulator import faults
from tests.emulator.test_emulator import GA4_BODY
from tests.support.dataset import PROPERTY_ID

#: The messages name what is accepted: every fault kind, every field of a spec.
KINDS = str(faults.KINDS)
FIELDS = str(tuple(field.name for field in dataclasses.fields(faults.Fault)))


def _post_fault(url: str, body: bytes) -> requests.Response:
    return requests.post(f"{url}/__emulator/faults", data=body, timeout=10)


def _report_status(url: str) -> int:
    return requests.post(
        f"{url}/v1beta/properties/{PROPERTY_ID}:runReport", json=GA4_BODY, timeout=30
    ).status_code


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"{kind: error",
            "not JSON: Expecting property name enclosed in double quotes:"
            " line 1 column 2 (char 1)",
        ),
        (b"429", "a fault is a JSON object, not 429"),
        (b'{"kind": "nope"}', f"unknown fault kind 'nope'; expected one of {KINDS}"),
        (
            b'{"status": 418}',
            "unsupported fault status 418; one of [400, 401, 403, 429, 500, 503]",
        ),
        (b'{"times": "two"}', "fault field 'times' cannot be \"two\""),
        (b'{"after": true}', "fault field 'after' cannot be true"),
        (
            b'[{"status": 429}, {"colour": "red"}]',
            f"unknown fault field 'colour'; expected one of {FIELDS}",
        ),
    ],
)
def test_a_bad_fault_is_refused_in_one_line_and_nothing_is_added(
    emulator, body, message
):
    response = _post_fault(emulator.url, body)
    assert response.status_code == 400
    assert response.text.count("\n") == 0
    assert response.json() == {"error": {"code": 400, "message": message}}
    # Not even the valid fault in front of a bad one was added.
    assert _report_status(emulator.url) == 200


def test_a_good_fault_list_still_fires_in_order(emulator):
    body = json.dumps([{"status": 429}, {"status": 503}]).encode()
    assert _post_fault(emulator.url, body).status_code == 200
    assert [_report_status(emulator.url) for _ in range(3)] == [429, 503, 200]


#: Any JSON value, and bytes that are mostly not JSON at all.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=10,
)


@settings(
    max_examples=150,
    deadline=None,
    # too_slow times the machine, not the emulator.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.binary(max_size=64) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_body_gets_an_answer_never_a_dropped_connection(emulator, body):
    response = _post_fault(emulator.url, body)
    emulator.state.faults.clear()
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]["code"] == 400
        assert "\n" not in response.text


def test_a_bad_fault_on_the_command_line_is_one_error_line():
    done = subprocess.run(
        [sys.executable, "-m", "ga_emulator", "--fault", '{"kind": "nope"}'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"ga-emulator: error: argument --fault: unknown fault kind 'nope';"
        f" expected one of {KINDS}"
    )
    assert "Traceback" not in done.stderr
