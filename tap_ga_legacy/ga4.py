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
from typing import TYPE_CHECKING, Any, TypeVar

import google.api_core.exceptions
import google.auth.exceptions
import grpc
import msgspec
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.services.beta_analytics_data.transports import (
    BetaAnalyticsDataGrpcTransport,
)
from google.analytics.data_v1beta.types import (
    CheckCompatibilityRequest,
    CheckCompatibilityResponse,
    DateRange,
    Dimension,
    GetMetadataRequest,
    Metadata,
    Metric,
    MetricAggregation,
    OrderBy,
    RunReportRequest,
    RunReportResponse,
)
from google.protobuf import json_format

from tap_ga_legacy.auth import token_lost
from tap_ga_legacy.errors import ChecksFailedError, ReportError, classify
from tap_ga_legacy.ga_values import rolled_into_other
from tap_ga_legacy.http_session import JsonReportClient, decode, server_time
from tap_ga_legacy.report_client import Answer, ReportClient, shape, total_value
from tap_ga_legacy.responses import Ga4Response, Ga4Row

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from google.analytics.data_v1beta.types.data import Row as PbRow

    from tap_ga_legacy.report_client import Cells, PageRequest

T = TypeVar("T")
GA4_HOST = "https://analyticsdata.googleapis.com"


def ga4_request(
    fields: tuple[str, ...], page: PageRequest, metrics: int = 1
) -> RunReportRequest:
    """The runReport request for ``page``: ``fields`` ends with ``metrics`` metrics.

    Ordered by every dimension, date first: offset paging is only stable with
    a total order, and date order lets state advance window by window.
    """
    dimensions, metric_names = fields[:-metrics], fields[-metrics:]
    return RunReportRequest(
        property=f"properties/{page.property_id}",
        dimensions=[Dimension(name=name) for name in dimensions],
        metrics=[Metric(name=name) for name in metric_names],
        date_ranges=[
            DateRange(start_date=page.start.isoformat(), end_date=page.end.isoformat())
        ],
        order_bys=[
            OrderBy(dimension=OrderBy.DimensionOrderBy(dimension_name=name))
            for name in dimensions
        ],
        offset=page.offset,
        limit=page.limit,
        # GA's own total of the window, to reconcile the rows against.
        metric_aggregations=[MetricAggregation.TOTAL],
        return_property_quota=True,
    )


def _register_hint(name: str) -> str:
    parameter = name.removeprefix("customEvent:")
    return (
        f"register it in GA4 Admin > Custom definitions > Create custom dimension"
        f" (scope Event, event parameter {parameter!r})"
        if name.startswith("customEvent:")
        else "check the name against the Data API schema"
    )


class _Ga4Client(ReportClient):
    """Offset/limit paging of GA4 ``runReport``; transports fetch one page."""

    api = "ga4"
    noun = "GA4 property"

    def _request(self, page: PageRequest) -> RunReportRequest:
        """The runReport request for ``page``."""
        return ga4_request(self.fields, page, len(self.report.spec.metrics))

    def _metadata(self, subject: str, property_id: str) -> Metadata:
        raise NotImplementedError

    def _compatibility(
        self, subject: str, property_id: str, request: CheckCompatibilityRequest
    ) -> CheckCompatibilityResponse:
        raise NotImplementedError

    def check(self, property_id: str) -> None:
        """``getMetadata`` then ``checkCompatibility``: every problem, one line each.

        Before any ``runReport``: a custom dimension that is not registered
        would otherwise cost a report request and say less.
        """
        subject = f"{self.noun} {property_id}"
        metadata = self._send(lambda: self._metadata(subject, property_id))
        known = {d.api_name for d in metadata.dimensions} | {
            m.api_name for m in metadata.metrics
        }
        width = self.report.width
        dimensions, metrics = self.fields[:width], self.fields[width:]
        problems = [
            f"{subject}: {'metric' if name in metrics else 'dimension'} {name} does"
            f" not exist on the property: {_register_hint(name)}, or change"
            " the `dimensions` setting. No report was requested."
            for name in self.fields
            if name not in known
        ]
        if not problems:
            request = CheckCompatibilityRequest(
                property=f"properties/{property_id}",
                dimensions=[Dimension(name=name) for name in dimensions],
                metrics=[Metric(name=name) for name in metrics],
            )
            answer = self._send(
                lambda: self._compatibility(subject, property_id, request)
            )
            problems = [
                f"{subject}: {kind} {name} is {compatibility.name} with the other"
                " fields asked for: change the `dimensions` setting. No report"
                " was requested."
                for kind, name, compatibility in [
                    ("dimension", c.dimension_metadata.api_name, c.compatibility)
                    for c in answer.dimension_compatibilities
                ]
                + [
                    ("metric", c.metric_metadata.api_name, c.compatibility)
                    for c in answer.metric_compatibilities
                ]
                if compatibility.name != "COMPATIBLE"
            ]
        if problems:
            raise ChecksFailedError(problems)


class Ga4RestClient(JsonReportClient, _Ga4Client):
    """GA4 Data API ``runReport`` over REST, decoded with msgspec."""

    host = GA4_HOST
    row_decoder = msgspec.json.Decoder(Ga4Row)
    _decoder = msgspec.json.Decoder(Ga4Response)

    def _fetch(self, page: PageRequest) -> Answer:
        subject, property_id = page.subject, page.property_id
        request = self._request(page)
        fields = json_format.MessageToDict(RunReportRequest.pb(request))
        del fields["property"]  # it travels in the URL path, as the library does
        url = f"{self.http.base_url}/v1beta/properties/{property_id}:runReport"
        raw = self.http.post(subject, url, msgspec.json.encode(fields))
        response: Ga4Response = decode(subject, self._decoder, raw)
        meta = response.metadata
        totals = response.totals
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
            other_row=rolled_into_other(meta.dataLossFromOtherRow, raw),
            thresholded=meta.subjectToThresholding,
            quota={
                name: (q.remaining, q.consumed)
                for name, q in response.propertyQuota.items()
            },
            totals=tuple(total_value(subject, v.value) for v in totals[0].metricValues)
            if totals
            else (),
            time_zone=meta.timeZone,
        )

    def _json(self, subject: str, raw: bytes, message: Any) -> Any:
        """``raw`` parsed into the library's own type of ``message``."""
        pb = type(message).pb(message)
        try:
            json_format.Parse(raw, pb, ignore_unknown_fields=True)
        except json_format.ParseError as exc:
            msg = f"{subject}: the response is not the documented JSON: {exc}"
            raise ReportError(msg) from None
        return type(message).wrap(pb)

    def _metadata(self, subject: str, property_id: str) -> Metadata:
        url = f"{self.http.base_url}/v1beta/properties/{property_id}/metadata"
        return self._json(subject, self.http.get(subject, url), Metadata())

    def _compatibility(
        self, subject: str, property_id: str, request: CheckCompatibilityRequest
    ) -> CheckCompatibilityResponse:
        fields = json_format.MessageToDict(CheckCompatibilityRequest.pb(request))
        del fields["property"]
        url = f"{self.http.base_url}/v1beta/properties/{property_id}:checkCompatibility"
        raw = self.http.post(subject, url, msgspec.json.encode(fields))
        return self._json(subject, raw, CheckCompatibilityResponse())

    @staticmethod
    def values(row: Ga4Row, dimensions: int, metrics: int) -> Cells:
        """The values of one decoded row."""
        return _values(row.dimensionValues, row.metricValues, dimensions, metrics)


class ServerClock(grpc.UnaryUnaryClientInterceptor):
    """Google's clock over gRPC: the ``date`` of each answer's initial metadata.

    Google's frontends send the HTTP ``Date`` header on gRPC answers too, as
    initial metadata; the library's methods return only the message, so it
    is read here, on the channel, for answers and errors alike.
    """

    def __init__(self) -> None:
        #: As ``HttpTransport.server_time``: None until an answer told it.
        self.server_time: dt.datetime | None = None

    def intercept_unary_unary(
        self,
        continuation: Callable[..., Any],
        client_call_details: grpc.ClientCallDetails,
        request: Any,
    ) -> Any:
        """Make the call; keep the ``date`` it came back with."""
        call = continuation(client_call_details, request)
        for key, value in call.initial_metadata() or ():
            if key == "date":
                self.server_time = server_time(value) or self.server_time
        return call


class Ga4GrpcClient(_Ga4Client):
    """GA4 Data API through the google-analytics-data gRPC client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        endpoint = self.settings.api_endpoint
        self.clock = ServerClock()
        if endpoint and endpoint.startswith("http://"):
            # A plain-text local endpoint (the emulator): no TLS, no call
            # credentials, as with AnonymousCredentials over REST.
            channel = grpc.insecure_channel(endpoint.removeprefix("http://"))
        else:
            host = endpoint.split("://")[-1] if endpoint else GA4_HOST.split("://")[1]
            channel = BetaAnalyticsDataGrpcTransport.create_channel(
                host if ":" in host else f"{host}:443", credentials=self.credentials
            )
        self.client = BetaAnalyticsDataClient(
            transport=BetaAnalyticsDataGrpcTransport(
                channel=grpc.intercept_channel(channel, self.clock)
            )
        )

    def _fetch(self, page: PageRequest) -> Answer:
        subject = page.subject
        request = self._request(page)
        answer = self._call(subject, self.client.run_report, request)
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
            other_row=rolled_into_other(
                meta.data_loss_from_other_row,
                response.SerializeToString(),
                "protobuf",
            ),
            thresholded=meta.subject_to_thresholding,
            totals=tuple(
                total_value(subject, v.value) for v in response.totals[0].metric_values
            )
            if response.totals
            else (),
            time_zone=meta.time_zone,
            quota={
                f.camelcase_name: (
                    getattr(quota, f.name).remaining,
                    getattr(quota, f.name).consumed,
                )
                for f in quota.DESCRIPTOR.fields
                if quota.HasField(f.name)
            },
        )

    def _failure(self, subject: str, exc: Exception) -> Exception:
        if isinstance(exc, google.api_core.exceptions.GoogleAPICallError):
            return classify(
                int(exc.code or 500),
                exc.message,
                subject=subject,
                principal=self.principal,
            )
        return token_lost(subject, self.principal, exc)

    def _metadata(self, subject: str, property_id: str) -> Metadata:
        request = GetMetadataRequest(name=f"properties/{property_id}/metadata")
        return self._call(subject, self.client.get_metadata, request)

    def _compatibility(
        self, subject: str, property_id: str, request: CheckCompatibilityRequest
    ) -> CheckCompatibilityResponse:
        return self._call(subject, self.client.check_compatibility, request)

    def _call(self, subject: str, method: Callable[..., T], request: Any) -> T:
        """One gRPC call; its failures become the tap's retry-or-stop errors."""
        try:
            return method(
                request=request, timeout=self.settings.request_timeout_seconds
            )
        except (
            google.api_core.exceptions.GoogleAPICallError,
            google.auth.exceptions.RefreshError,
        ) as exc:
            raise self._failure(subject, exc) from None

    @staticmethod
    def cells(row: PbRow, dimensions: int, metrics: int) -> Cells:
        """The values of one protobuf row."""
        return _values(row.dimension_values, row.metric_values, dimensions, metrics)


def _values(d: Sequence[Any], m: Sequence[Any], dimensions: int, metrics: int) -> Cells:
    """The ``.value`` of each of a GA4 row's dimension and metric values, checked."""
    if len(d) != dimensions or len(m) != metrics:
        raise shape(len(d), len(m))
    return [v.value for v in d] + [v.value for v in m]
