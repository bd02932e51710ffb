"""The JSON the GA APIs answer with, as much of it as the tap reads.

Decoded with msgspec into these structs: several times cheaper than parsing into
protobuf and proto-plus objects (see the module docstring of ga4.py). Field
names are Google's, hence the camelCase.

A page's rows stay ``msgspec.Raw`` slices of the body until each is written:
decoding them all up front held about three times the body in structs, and
the garbage collector walked them all (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

import msgspec


# --- GA4 Data API: RunReportResponse ------------------------------------------
class Value(msgspec.Struct, gc=False):
    """A dimension or metric value: GA sends every value as a string."""

    value: str = ""


class Ga4Row(msgspec.Struct, gc=False):
    """One row: dimension values, then metric values, in header order."""

    dimensionValues: list[Value] = []  # noqa: N815 - Google's field names
    metricValues: list[Value] = []  # noqa: N815


class Header(msgspec.Struct):
    """A dimension or metric header."""

    name: str = ""


class QuotaStatus(msgspec.Struct):
    """Consumed and remaining tokens or requests of one quota."""

    consumed: int = 0
    remaining: int = 0


class SamplingMetadata(msgspec.Struct):
    """Sessions read and the sampling space, one per date range."""

    samplesReadCount: str = "0"  # noqa: N815 - int64 travels as a string
    samplingSpaceSize: str = "0"  # noqa: N815


class Ga4Metadata(msgspec.Struct):
    """What GA says about the answer's quality and the property."""

    dataLossFromOtherRow: bool = False  # noqa: N815
    subjectToThresholding: bool = False  # noqa: N815
    samplingMetadatas: list[SamplingMetadata] = []  # noqa: N815
    timeZone: str = ""  # noqa: N815


class Ga4Response(msgspec.Struct):
    """``RunReportResponse`` (v1beta)."""

    dimensionHeaders: list[Header] = []  # noqa: N815
    metricHeaders: list[Header] = []  # noqa: N815
    rows: list[msgspec.Raw] = []  # each a Ga4Row
    rowCount: int = 0  # noqa: N815
    totals: list[Ga4Row] = []
    metadata: Ga4Metadata = msgspec.field(default_factory=Ga4Metadata)
    propertyQuota: dict[str, QuotaStatus] = {}  # noqa: N815


# --- UA Reporting API v4: GetReportsResponse ----------------------------------
class UaValues(msgspec.Struct, gc=False):
    """The metric values of one row for one date range."""

    values: list[str] = []


class UaRow(msgspec.Struct, gc=False):
    """One row: dimension values and metric values per date range."""

    dimensions: list[str] = []
    metrics: list[UaValues] = []


class UaMetricHeader(msgspec.Struct):
    """The metric headers of a report."""

    metricHeaderEntries: list[Header] = []  # noqa: N815


class UaColumnHeader(msgspec.Struct):
    """Dimension names and metric headers of a report."""

    dimensions: list[str] = []
    metricHeader: UaMetricHeader = msgspec.field(  # noqa: N815
        default_factory=UaMetricHeader
    )


class UaData(msgspec.Struct):
    """Rows, counts and the quality flags of a report."""

    rows: list[msgspec.Raw] = []  # each a UaRow
    rowCount: int = 0  # noqa: N815
    isDataGolden: bool | None = None  # noqa: N815
    totals: list[UaValues] = []
    samplesReadCounts: list[str] = []  # noqa: N815
    samplingSpaceSizes: list[str] = []  # noqa: N815


class UaReport(msgspec.Struct):
    """One report of a ``GetReportsResponse``."""

    columnHeader: UaColumnHeader = msgspec.field(  # noqa: N815
        default_factory=UaColumnHeader
    )
    data: UaData = msgspec.field(default_factory=UaData)
    nextPageToken: str = ""  # noqa: N815


class UaResponse(msgspec.Struct):
    """``GetReportsResponse`` (v4)."""

    reports: list[UaReport] = []
    resourceQuotasRemaining: dict[str, int] | None = None  # noqa: N815


class GoogleError(msgspec.Struct):
    """The ``error`` object of Google's JSON error bodies."""

    code: int = 0
    message: str = ""
    status: str = ""
    errors: list[dict[str, Any]] = []


class ErrorEnvelope(msgspec.Struct):
    """A JSON error body: Google's API error, or an OAuth token error."""

    error: GoogleError | str | None = None
    error_description: str = ""
