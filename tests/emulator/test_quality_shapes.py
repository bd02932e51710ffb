"""The response shapes issue 11 added, checked strictly against Google's types.

GA4 ``getMetadata``, ``checkCompatibility``, ``totals`` (``metricAggregations``)
and ``propertyQuota`` must parse with no unknown field into the client
library's protobuf types and be read by the library's own REST client; UA's
``data.totals`` and ``isDataGolden`` must match the discovery document. The
values must be the dataset's: totals add up its rows, quotas count down on the
emulator's clock.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import requests
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.types import (
    CheckCompatibilityRequest,
    CheckCompatibilityResponse,
    Compatibility,
    Dimension,
    GetMetadataRequest,
    Metadata,
    Metric,
    RunReportResponse,
)
from google.auth.credentials import AnonymousCredentials
from google.protobuf import json_format

from ga_emulator.dataset import DEFAULT_TIME_ZONE
from tap_ga_legacy.settings import GA4_DEFAULT_FIELDS
from tests.emulator.test_emulator import GA4_BODY, UA_BODY, check_discovery
from tests.support.dataset import DATASET, PROPERTY_ID, VIEW_ID, expected_rows

*DIMENSIONS, METRIC = GA4_DEFAULT_FIELDS.values()
COMPATIBILITY_BODY = {
    "dimensions": [{"name": name} for name in DIMENSIONS],
    "metrics": [{"name": METRIC}],
}


def _strict(text: str, message_type: type) -> object:
    message = message_type.pb(message_type())
    json_format.Parse(text, message, ignore_unknown_fields=False)
    return message


def _library(emulator) -> BetaAnalyticsDataClient:
    return BetaAnalyticsDataClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": emulator.url},
    )


def _run_report(emulator, body: dict) -> requests.Response:
    return requests.post(
        f"{emulator.url}/v1beta/properties/{PROPERTY_ID}:runReport",
        json=body,
        timeout=30,
    )


def test_get_metadata_parses_strictly_and_lists_the_fields(emulator):
    response = requests.get(
        f"{emulator.url}/v1beta/properties/{PROPERTY_ID}/metadata", timeout=30
    )
    assert response.status_code == 200
    metadata = _strict(response.text, Metadata)
    assert metadata.name == f"properties/{PROPERTY_ID}/metadata"
    assert set(DIMENSIONS) <= {d.api_name for d in metadata.dimensions}
    assert METRIC in {m.api_name for m in metadata.metrics}


def test_get_metadata_leaves_out_an_unregistered_dimension(emulator):
    emulator.state.dataset = replace(
        DATASET, unregistered=((PROPERTY_ID, "customEvent:project_id"),)
    )
    with _library(emulator) as client:
        metadata = client.get_metadata(
            request=GetMetadataRequest(name=f"properties/{PROPERTY_ID}/metadata")
        )
    names = {d.api_name for d in metadata.dimensions}
    assert "customEvent:project_id" not in names
    assert "customEvent:event_label" in names


@pytest.mark.parametrize("fault", [None, "incompatible"])
def test_check_compatibility_parses_strictly(emulator, fault):
    if fault:
        emulator.add_fault(kind=fault, api="ga4")
    response = requests.post(
        f"{emulator.url}/v1beta/properties/{PROPERTY_ID}:checkCompatibility",
        json=COMPATIBILITY_BODY,
        timeout=30,
    )
    assert response.status_code == 200
    answer = CheckCompatibilityResponse.wrap(
        _strict(response.text, CheckCompatibilityResponse)
    )
    verdicts = {
        c.dimension_metadata.api_name: c.compatibility
        for c in answer.dimension_compatibilities
    } | {
        c.metric_metadata.api_name: c.compatibility
        for c in answer.metric_compatibilities
    }
    assert set(verdicts) == {*DIMENSIONS, METRIC}
    if fault:
        assert verdicts.pop(DIMENSIONS[0]) == Compatibility.INCOMPATIBLE
    assert set(verdicts.values()) == {Compatibility.COMPATIBLE}


def test_library_client_checks_compatibility(emulator):
    with _library(emulator) as client:
        answer = client.check_compatibility(
            request=CheckCompatibilityRequest(
                property=f"properties/{PROPERTY_ID}",
                dimensions=[Dimension(name=name) for name in DIMENSIONS],
                metrics=[Metric(name=METRIC)],
            )
        )
    assert len(answer.dimension_compatibilities) == len(DIMENSIONS)


@pytest.mark.parametrize("fault", [None, "totals_mismatch"])
def test_totals_parse_strictly_and_add_up_the_rows(emulator, fault):
    if fault:
        emulator.add_fault(kind=fault, api="ga4")
    response = _run_report(emulator, {**GA4_BODY, "metricAggregations": ["TOTAL"]})
    assert response.status_code == 200
    message = _strict(response.text, RunReportResponse)
    (total,) = message.totals
    assert [v.value for v in total.dimension_values] == ["RESERVED_TOTAL"] * len(
        DIMENSIONS
    )
    events = sum(r.count for r in expected_rows(PROPERTY_ID))
    assert total.metric_values[0].value == str(events + (fault is not None))
    assert message.metadata.time_zone == DEFAULT_TIME_ZONE
    assert not _run_report(emulator, GA4_BODY).json().get("totals"), "only if asked"


def test_property_quota_counts_down_then_refuses_as_google_words_it(emulator):
    requests.post(
        f"{emulator.url}/__emulator/quota", json={"tokensPerHour": 2}, timeout=5
    )
    left = []
    for _ in range(2):
        response = _run_report(emulator, GA4_BODY)
        quota = _strict(response.text, RunReportResponse).property_quota
        assert quota.tokens_per_hour.consumed == 1
        left.append(quota.tokens_per_hour.remaining)
        assert quota.tokens_per_day.remaining > 0
        assert quota.tokens_per_project_per_hour.remaining > 0
    assert left == [1, 0]
    refused = _run_report(emulator, GA4_BODY)
    assert refused.status_code == 429
    assert refused.json()["error"] == {
        "code": 429,
        "message": "Exhausted property tokens per hour. These quota tokens will"
        " return in under an hour.",
        "status": "RESOURCE_EXHAUSTED",
    }


def test_quota_comes_back_with_the_hour_and_date_header_follows_the_clock(emulator):
    # Frozen: the first request is before the hour however long it takes.
    requests.post(
        f"{emulator.url}/__emulator/clock",
        json={"now": "2021-03-20T09:59:59Z", "frozen": True},
        timeout=5,
    )
    requests.post(
        f"{emulator.url}/__emulator/quota", json={"tokensPerHour": 1}, timeout=5
    )
    first = _run_report(emulator, GA4_BODY)
    assert first.headers["Date"] == "Sat, 20 Mar 2021 09:59:59 GMT"
    assert _run_report(emulator, GA4_BODY).status_code == 429, "the hour's used"
    requests.post(
        f"{emulator.url}/__emulator/clock",
        json={"now": "2021-03-20T10:00:01Z", "frozen": True},
        timeout=5,
    )
    again = _run_report(emulator, GA4_BODY)
    assert again.status_code == 200, "a new hour, a new bucket"
    assert again.headers["Date"] == "Sat, 20 Mar 2021 10:00:01 GMT"


@pytest.mark.parametrize(
    ("now", "golden"),
    [("2021-03-20T12:00:00Z", True), ("2021-03-11T12:00:00Z", False)],
)
def test_ua_totals_and_golden_match_the_discovery_document(emulator, now, golden):
    requests.post(f"{emulator.url}/__emulator/clock", json={"now": now}, timeout=5)
    response = requests.post(
        f"{emulator.url}/v4/reports:batchGet", json=UA_BODY, timeout=30
    )
    payload = response.json()
    check_discovery(payload, {"$ref": "GetReportsResponse"})
    data = payload["reports"][0]["data"]
    assert data.get("isDataGolden", False) is golden
    events = sum(r.count for r in expected_rows(VIEW_ID))
    if golden:
        assert data["totals"] == [{"values": [str(events)]}]
    else:  # the last days half processed: fewer events than final
        assert int(data["totals"][0]["values"][0]) < events
