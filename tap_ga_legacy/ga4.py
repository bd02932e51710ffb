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
from dataclasses import dataclass
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

from tap_ga_legacy.client import ReportClient, Row
from tap_ga_legacy.errors import IncompleteReportError, ReportError, classify
from tap_ga_legacy.quality import log_quota, warn_quality
from tap_ga_legacy.responses import Ga4Response
from tap_ga_legacy.transport import HttpTransport, decode

if TYPE_CHECKING:
    from collections.abc import Iterator

GA4_HOST = "https://analyticsdata.googleapis.com"


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


@dataclass(slots=True)
class Ga4Answer:
    """One runReport response, whatever the transport."""

    headers: list[str]
    row_count: int
    rows: list[Row]
    sampled: list[tuple[str, str]]
    other_row: bool
    thresholded: bool
    quota: dict[str, tuple[int, int]]


class _Ga4Client(ReportClient):
    """Offset/limit paging of GA4 ``runReport``; transports fetch one page."""

    api = "ga4"
    noun = "GA4 property"

    def _fetch(
        self, subject: str, property_id: str, start: dt.date, end: dt.date, offset: int
    ) -> Ga4Answer:
        raise NotImplementedError

    def pages(
        self, property_id: str, start: dt.date, end: dt.date
    ) -> Iterator[list[Row]]:
        """Every page of one window; checks the rows add up to rowCount."""
        subject = self.subject(property_id, start, end)
        offset, expected = 0, 0
        while True:
            answer = self._send(
                lambda o=offset: self._fetch(subject, property_id, start, end, o)
            )
            if offset == 0:
                self._check_headers(subject, answer.headers)
                warn_quality(
                    self.logger,
                    subject,
                    sampled=answer.sampled,
                    other_row=answer.other_row,
                    thresholded=answer.thresholded,
                )
                expected = answer.row_count
            elif answer.row_count != expected:
                msg = (
                    f"{subject}: rowCount changed from {expected} to"
                    f" {answer.row_count} while paging: GA was still processing"
                    " this window. Nothing was saved for it; run again."
                )
                raise IncompleteReportError(msg)
            log_quota(self.logger, subject, answer.quota)
            offset += len(answer.rows)
            yield answer.rows
            if offset >= expected or not answer.rows:
                break
        self._check_total(subject, offset, expected)


class Ga4RestClient(_Ga4Client):
    """GA4 Data API ``runReport`` over REST, decoded with msgspec."""

    _decoder = msgspec.json.Decoder(Ga4Response)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = HttpTransport(
            self.settings, self.credentials, self.principal, GA4_HOST
        )

    def _fetch(
        self, subject: str, property_id: str, start: dt.date, end: dt.date, offset: int
    ) -> Ga4Answer:
        request = ga4_request(
            self.fields, property_id, start, end, offset, self.settings.ga4_page_size
        )
        fields = json_format.MessageToDict(RunReportRequest.pb(request))
        del fields["property"]  # it travels in the URL path, as the library does
        url = f"{self.http.base_url}/v1beta/properties/{property_id}:runReport"
        raw = self.http.post(subject, url, msgspec.json.encode(fields))
        response: Ga4Response = decode(subject, self._decoder, raw)
        meta = response.metadata
        return Ga4Answer(
            headers=[h.name for h in response.dimensionHeaders]
            + [h.name for h in response.metricHeaders],
            row_count=response.rowCount,
            rows=[
                (d[0].value, d[1].value, d[2].value, d[3].value, d[4].value, m[0].value)
                for r in response.rows
                for d, m in ((r.dimensionValues, r.metricValues),)
            ],
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

    def _fetch(
        self, subject: str, property_id: str, start: dt.date, end: dt.date, offset: int
    ) -> Ga4Answer:
        request = ga4_request(
            self.fields, property_id, start, end, offset, self.settings.ga4_page_size
        )
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
        return Ga4Answer(
            headers=[h.name for h in response.dimension_headers]
            + [h.name for h in response.metric_headers],
            row_count=response.row_count,
            rows=[
                (d[0].value, d[1].value, d[2].value, d[3].value, d[4].value, m[0].value)
                for r in response.rows
                for d, m in ((r.dimension_values, r.metric_values),)
            ],
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
