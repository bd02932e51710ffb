"""The emulator speaks Google's wire formats, checked against Google's own definitions.

GA4: every response must parse strictly (no unknown field) into the client
library's ``RunReportResponse`` protobuf, and the library's own REST client must
read it. UA: every response must match the ``GetReportsResponse`` schema of the
discovery document google-api-python-client ships, and the tap's requests the
``GetReportsRequest`` schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import googleapiclient
import httplib2
import pytest
import requests
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.types import RunReportResponse
from google.auth.credentials import AnonymousCredentials
from google.protobuf import json_format
from googleapiclient.discovery import build

from tap_ga_legacy.ga4 import ga4_request
from tap_ga_legacy.report_client import PageRequest
from tap_ga_legacy.settings import GA4_DEFAULT_FIELDS, UA_DEFAULT_FIELDS
from tests.support.dataset import END, PROPERTY_ID, START, VIEW_ID, expected_rows
from tests.support.tap import run_tap

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent
        / "discovery_cache/documents/analyticsreporting.v4.json"
    ).read_text()
)
GA4_BODY = {
    "dimensions": [{"name": n} for n in list(GA4_DEFAULT_FIELDS.values())[:-1]],
    "metrics": [{"name": "eventCount"}],
    "dateRanges": [{"startDate": str(START), "endDate": str(END)}],
    "limit": "100",
    "returnPropertyQuota": True,
    "orderBys": [{"dimension": {"dimensionName": "date"}}],
}
UA_BODY = {
    "reportRequests": [
        {
            "viewId": VIEW_ID,
            "dateRanges": [{"startDate": str(START), "endDate": str(END)}],
            "dimensions": [{"name": n} for n in list(UA_DEFAULT_FIELDS.values())[:-1]],
            "metrics": [{"expression": "ga:totalEvents"}],
            "pageSize": 100,
        }
    ],
    "useResourceQuotas": True,
}


def check_discovery(value: Any, schema: dict[str, Any], path: str = "$") -> None:  # noqa: PLR0912
    """Fail on any field, type or int64 encoding the discovery schema does not allow."""
    if "$ref" in schema:
        schema = DISCOVERY["schemas"][schema["$ref"]]
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), f"{path}: expected an object"
        properties = schema.get("properties")
        if properties is None:
            for key, item in value.items():
                check_discovery(item, schema["additionalProperties"], f"{path}.{key}")
            return
        unknown = set(value) - set(properties)
        assert not unknown, f"{path}: fields the API does not have: {unknown}"
        for key, item in value.items():
            check_discovery(item, properties[key], f"{path}.{key}")
    elif kind == "array":
        assert isinstance(value, list), f"{path}: expected an array"
        for index, item in enumerate(value):
            check_discovery(item, schema["items"], f"{path}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: expected a string, got {value!r}"
        if schema.get("format") == "int64":
            assert value.lstrip("-").isdigit(), f"{path}: int64 must be digits"
        if "enum" in schema:
            assert value in schema["enum"], f"{path}: {value!r} not in the enum"
    elif kind == "integer":
        assert isinstance(value, int), f"{path}: int32 travels as a JSON number"
        assert not isinstance(value, bool)
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: expected a boolean"
    else:  # pragma: no cover - the document uses only the types above
        pytest.fail(f"{path}: unexpected schema type {kind}")


def _post(url: str, body: dict) -> requests.Response:
    return requests.post(url, json=body, timeout=30)


@pytest.mark.parametrize("fault", [None, "sampled", "other_row"])
def test_ga4_responses_parse_strictly_as_protobuf(emulator, fault):
    if fault:
        emulator.add_fault(kind=fault, api="ga4")
    response = _post(
        f"{emulator.url}/v1beta/properties/{PROPERTY_ID}:runReport", GA4_BODY
    )
    assert response.status_code == 200
    message = RunReportResponse.pb(RunReportResponse())
    json_format.Parse(response.text, message, ignore_unknown_fields=False)
    assert len(message.rows) == 100
    assert message.row_count == len(expected_rows(PROPERTY_ID))
    assert message.property_quota.tokens_per_hour.remaining > 0
    if fault == "sampled":
        assert message.metadata.sampling_metadatas[0].samples_read_count == 500000


def test_ga4_empty_report_omits_defaults(emulator):
    body = {
        **GA4_BODY,
        "dateRanges": [{"startDate": "2021-03-05", "endDate": "2021-03-05"}],
    }
    response = _post(f"{emulator.url}/v1beta/properties/{PROPERTY_ID}:runReport", body)
    payload = response.json()
    assert "rows" not in payload
    assert "rowCount" not in payload, "proto3 JSON omits a zero rowCount"
    json_format.Parse(response.text, RunReportResponse.pb(RunReportResponse()))


def test_ga4_library_rest_client_reads_the_emulator(emulator):
    client = BetaAnalyticsDataClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": emulator.url},
    )
    page = PageRequest("the emulator", PROPERTY_ID, START, END, limit=250)
    request = ga4_request(tuple(GA4_DEFAULT_FIELDS.values()), page)
    with client:
        response = client.run_report(request=request)
    assert len(response.rows) == 250
    assert response.row_count == len(expected_rows(PROPERTY_ID))
    assert response.dimension_headers[0].name == "date"


def test_ga4_errors_use_googles_envelope(emulator):
    emulator.add_fault(kind="error", status=429, api="ga4")
    response = _post(
        f"{emulator.url}/v1beta/properties/{PROPERTY_ID}:runReport", GA4_BODY
    )
    assert response.status_code == 429
    assert response.json()["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_ga4_rejects_fields_the_proto_does_not_have(emulator):
    response = _post(
        f"{emulator.url}/v1beta/properties/{PROPERTY_ID}:runReport",
        {**GA4_BODY, "pageToken": "x"},
    )
    assert response.status_code == 400
    assert "pageToken" in response.json()["error"]["message"]


@pytest.mark.parametrize("fault", [None, "sampled", "not_golden", "other_row"])
def test_ua_responses_match_the_discovery_document(emulator, fault):
    if fault:
        emulator.add_fault(kind=fault, api="ua")
    response = _post(f"{emulator.url}/v4/reports:batchGet", UA_BODY)
    assert response.status_code == 200
    payload = response.json()
    check_discovery(payload, {"$ref": "GetReportsResponse"})
    (report,) = payload["reports"]
    assert report["nextPageToken"] == "100"
    assert report["data"]["rowCount"] == len(expected_rows(VIEW_ID))


def test_ua_library_client_reads_the_emulator(emulator):
    with build(
        "analyticsreporting",
        "v4",
        http=httplib2.Http(),  # unauthenticated, like AnonymousCredentials
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": emulator.url + "/"},
    ) as service:
        payload = service.reports().batchGet(body=UA_BODY).execute()
    assert len(payload["reports"][0]["data"]["rows"]) == 100


def test_tap_requests_match_the_discovery_document(config, emulator, tmp_path):
    run = run_tap({**config, "ua_use_resource_quotas": True}, tmp_path)
    assert run.returncode == 0, run.stderr
    ua = [r["body"] for r in emulator.state.requests if r["api"] == "ua"]
    assert ua
    for body in ua:
        check_discovery(body, {"$ref": "GetReportsRequest"})


def test_unissued_token_is_rejected(emulator):
    response = requests.post(
        f"{emulator.url}/v4/reports:batchGet",
        json=UA_BODY,
        headers={"Authorization": "Bearer not-from-this-server"},
        timeout=30,
    )
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"
