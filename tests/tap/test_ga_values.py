"""One ``(other)`` detector for JSON bodies (REST) and protobuf ones (gRPC)."""

from __future__ import annotations

import json

import pytest
from google.analytics.data_v1beta.types import (
    DimensionValue,
    MetricValue,
    Row,
    RunReportResponse,
)

from tap_ga_legacy.ga_values import rolled_into_other


def _bodies(*labels: str) -> dict[str, bytes]:
    """The same one-row-per-label answer as GA4 sends it on each transport."""
    rows = [
        Row(
            dimension_values=[
                DimensionValue(value="20210304"),
                DimensionValue(value=x),
            ],
            metric_values=[MetricValue(value="3")],
        )
        for x in labels
    ]
    proto = RunReportResponse.serialize(RunReportResponse(rows=rows))
    rest = {
        "rows": [
            {
                "dimensionValues": [{"value": "20210304"}, {"value": x}],
                "metricValues": [{"value": "3"}],
            }
            for x in labels
        ]
    }
    return {"protobuf": proto, "json": json.dumps(rest, indent=2).encode()}


@pytest.mark.parametrize("encoding", ["json", "protobuf"])
def test_an_other_value_is_found_without_the_flag(encoding):
    assert rolled_into_other(
        False, _bodies("meltano elt", "(other)")[encoding], encoding
    )


@pytest.mark.parametrize("encoding", ["json", "protobuf"])
def test_other_inside_a_longer_value_is_not_a_roll_up(encoding):
    body = _bodies("meltano elt (other)", "(other) tap-x", "x(other)")[encoding]
    assert not rolled_into_other(False, body, encoding)
    assert rolled_into_other(True, body, encoding), "GA's flag is enough"
