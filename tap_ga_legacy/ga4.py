"""GA4 Data API ``runReport``: offset/limit paging over REST or gRPC.

Why the REST transport does not call ``BetaAnalyticsDataClient.run_report``:
that method parses each JSON response into protobuf and then proto-plus
objects, which costs several times more than everything else the tap does per
row (see the benchmark in scripts/). The REST transport therefore builds its
request with the library's own ``RunReportRequest`` type (so the body is what
the library would send) and decodes the documented JSON response with msgspec
into typed structs (responses.py). ``transport: grpc`` uses the library's gRPC
client as is.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import google.api_core.exceptions
import google.auth.exceptions
import grpc
import msgspec
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.services.beta_analytics_data.transports import (
    BetaAnalyticsDataGrpcTransport,
)
from google.analytics.data_v1beta.types import (
    DateRange,
    Dimension,
    Metric,
    OrderBy,
    RunReportRequest,
    RunReportResponse,
)
from google.protobuf import json_format

from tap_ga_legacy.client import Answer, Cells, ReportClient, RowShapeError, shape
from tap_ga_legacy.errors import ReportError, classify
from tap_ga_legacy.responses import Ga4Response, Ga4Row
from tap_ga_legacy.transport import HttpTransport, decode

if TYPE_CHECKING:
    from google.analytics.data_v1beta.types.data import Row as PbRow

GA4_HOST = "https://analyticsdata.googleapis.com"
_ROW = msgspec.json.Decoder(Ga4Row)


def ga4_request(  # noqa: PLR0917 - mirrors the request's own fields
    fields: tuple[str, ...],
    property_id: str,
    start: dt.date,
    end: dt.date,
    offset: int,
    limit: int,
) -> RunReportRequest:
    """The runReport request for one page.

    Ordered by every dimension, date first: offset paging is only stable with
    a total order, and date order lets state advance window by window.
    """
    *dimensions, metric = fields
    return RunReportRequest(
        property=f"properties/{property_id}",
        dimensions=[Dimension(name=name) for name in dimensions],
        metrics=[Metric(name=metric)],
        date_ranges=[DateRange(start_date=start.isoformat(), end_date=end.isoformat())],
        order_bys=[
            OrderBy(dimension=OrderBy.DimensionOrderBy(dimension_name=name))
            for name in dimensions
        ],
        offset=offset,
        limit=limit,
        return_property_quota=True,
    )


class _Ga4Client(ReportClient):
    """Offset/limit paging of GA4 ``runReport``; transports fetch one page."""

    api = "ga4"
    noun = "GA4 property"


class Ga4RestClient(_Ga4Client):
    """GA4 Data API ``runReport`` over REST, decoded with msgspec."""

    _decoder = msgspec.json.Decoder(Ga4Response)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = HttpTransport(
            self.settings, self.credentials, self.principal, GA4_HOST
        )

    def _fetch(  # noqa: PLR0917 - see ReportClient._fetch
        self,
        subject: str,
        property_id: str,
        start: dt.date,
        end: dt.date,
        offset: int,
        token: str,
        limit: int,
    ) -> Answer:
        request = ga4_request(self.fields, property_id, start, end, offset, limit)
        fields = json_format.MessageToDict(RunReportRequest.pb(request))
        del fields["property"]  # it travels in the URL path, as the library does
        url = f"{self.http.base_url}/v1beta/properties/{property_id}:runReport"
        raw = self.http.post(subject, url, msgspec.json.encode(fields))
        response: Ga4Response = decode(subject, self._decoder, raw)
        meta = response.metadata
        return Answer(
            headers=[h.name for h in response.dimensionHeaders]
            + [h.name for h in response.metricHeaders],
            row_count=response.rowCount,
            rows=response.rows,
            size=len(raw),
            sampled=[
                (m.samplesReadCount, m.samplingSpaceSize)
                for m in meta.samplingMetadatas
            ],
            other_row=meta.dataLossFromOtherRow,
            thresholded=meta.subjectToThresholding,
            quota={
                name: (q.remaining, q.consumed)
                for name, q in response.propertyQuota.items()
            },
        )

    @staticmethod
    def cells(row: msgspec.Raw) -> Cells:
        """The six values of one row of the JSON body."""
        try:
            r = _ROW.decode(row)
        except msgspec.DecodeError as exc:
            raise RowShapeError(
                f"a row that is not the documented JSON ({exc})"
            ) from None
        d, m = r.dimensionValues, r.metricValues
        if len(d) != 5 or len(m) != 1:
            raise shape(len(d), len(m))
        return d[0].value, d[1].value, d[2].value, d[3].value, d[4].value, m[0].value


class Ga4GrpcClient(_Ga4Client):
    """GA4 Data API through the google-analytics-data gRPC client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        endpoint = self.settings.api_endpoint
        if endpoint and endpoint.startswith("http://"):
            # A plain-text local endpoint (the emulator): no TLS, no call
            # credentials, as with AnonymousCredentials over REST.
            channel = grpc.insecure_channel(endpoint.removeprefix("http://"))
            self.client = BetaAnalyticsDataClient(
                transport=BetaAnalyticsDataGrpcTransport(channel=channel)
            )
        else:
            options = {"api_endpoint": endpoint.split("://")[-1]} if endpoint else None
            self.client = BetaAnalyticsDataClient(
                credentials=self.credentials, transport="grpc", client_options=options
            )

    def _fetch(  # noqa: PLR0917 - see ReportClient._fetch
        self,
        subject: str,
        property_id: str,
        start: dt.date,
        end: dt.date,
        offset: int,
        token: str,
        limit: int,
    ) -> Answer:
        request = ga4_request(self.fields, property_id, start, end, offset, limit)
        try:
            answer = self.client.run_report(
                request=request, timeout=self.settings.request_timeout
            )
        except google.api_core.exceptions.GoogleAPICallError as exc:
            raise classify(
                int(exc.code or 500),
                exc.message,
                subject=subject,
                principal=self.principal,
            ) from None
        except google.auth.exceptions.RefreshError as exc:
            msg = (
                f"{subject}: could not get an access token for {self.principal}: {exc}"
            )
            raise ReportError(msg) from None
        # The raw protobuf message: proto-plus wrappers cost more than the data.
        response = RunReportResponse.pb(answer)
        meta, quota = response.metadata, response.property_quota
        return Answer(
            headers=[h.name for h in response.dimension_headers]
            + [h.name for h in response.metric_headers],
            row_count=response.row_count,
            rows=response.rows,
            size=response.ByteSize(),
            sampled=[
                (str(m.samples_read_count), str(m.sampling_space_size))
                for m in meta.sampling_metadatas
            ],
            other_row=meta.data_loss_from_other_row,
            thresholded=meta.subject_to_thresholding,
            quota={
                f.camelcase_name: (
                    getattr(quota, f.name).remaining,
                    getattr(quota, f.name).consumed,
                )
                for f in quota.DESCRIPTOR.fields
                if quota.HasField(f.name)
            },
        )

    @staticmethod
    def cells(row: PbRow) -> Cells:
        """The six values of one protobuf row."""
        d, m = row.dimension_values, row.metric_values
        if len(d) != 5 or len(m) != 1:
            raise shape(len(d), len(m))
        return d[0].value, d[1].value, d[2].value, d[3].value, d[4].value, m[0].value
