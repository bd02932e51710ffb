"""Report clients: one date window of one property or view, page by page.

All three clients yield pages as lists of plain tuples
``(date, category, action, label, project_dimension, count)`` of strings, so
the stream does the same cheap work whatever the API. Only one page is held in
memory at a time.

Why the GA4 REST client does not call ``BetaAnalyticsDataClient.run_report``:
that method parses each JSON response into protobuf and then proto-plus
objects, which costs several times more than everything else the tap does per
row (see the benchmark in scripts/). The REST client therefore builds its
request with the library's own ``RunReportRequest`` type (so the body is what
the library would send) and decodes the documented JSON response with msgspec
into typed structs. ``transport: grpc`` uses the library's gRPC client as is.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import google.api_core.exceptions
import google.auth.exceptions
import grpc
import msgspec
import requests
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
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from google.protobuf import json_format
from singer_sdk.exceptions import RetriableAPIError

from tap_ga_legacy.errors import IncompleteReportError, ReportError, classify

if TYPE_CHECKING:
    import google.auth.credentials

    from tap_ga_legacy.settings import Settings

GA4_HOST = "https://analyticsdata.googleapis.com"
UA_HOST = "https://analyticsreporting.googleapis.com"
#: Warn when a quota has less than this share left.
QUOTA_WARNING_SHARE = 0.1

Row = tuple[str, str, str, str, str, str]
#: The useful end of a requests connection error: "[Errno 111] Connection refused".
_SOCKET_ERROR = re.compile(r"(\[Errno -?\d+\] [^'\")]+)")
T = TypeVar("T")


# --- GA4 Data API: RunReportResponse, as much of it as the tap reads ----------
class _Value(msgspec.Struct, gc=False):
    value: str = ""


class _Ga4Row(msgspec.Struct, gc=False):
    dimensionValues: list[_Value] = []  # noqa: N815 - Google's field names
    metricValues: list[_Value] = []  # noqa: N815


class _Header(msgspec.Struct):
    name: str = ""


class _QuotaStatus(msgspec.Struct):
    consumed: int = 0
    remaining: int = 0


class _SamplingMetadata(msgspec.Struct):
    samplesReadCount: str = "0"  # noqa: N815 - int64 travels as a string
    samplingSpaceSize: str = "0"  # noqa: N815


class _Ga4Metadata(msgspec.Struct):
    dataLossFromOtherRow: bool = False  # noqa: N815
    subjectToThresholding: bool = False  # noqa: N815
    samplingMetadatas: list[_SamplingMetadata] = []  # noqa: N815
    timeZone: str = ""  # noqa: N815


class _Ga4Response(msgspec.Struct):
    dimensionHeaders: list[_Header] = []  # noqa: N815
    metricHeaders: list[_Header] = []  # noqa: N815
    rows: list[_Ga4Row] = []
    rowCount: int = 0  # noqa: N815
    metadata: _Ga4Metadata = msgspec.field(default_factory=_Ga4Metadata)
    propertyQuota: dict[str, _QuotaStatus] = {}  # noqa: N815


# --- UA Reporting API v4: GetReportsResponse ----------------------------------
class _UaValues(msgspec.Struct, gc=False):
    values: list[str] = []


class _UaRow(msgspec.Struct, gc=False):
    dimensions: list[str] = []
    metrics: list[_UaValues] = []


class _UaMetricHeader(msgspec.Struct):
    metricHeaderEntries: list[_Header] = []  # noqa: N815


class _UaColumnHeader(msgspec.Struct):
    dimensions: list[str] = []
    metricHeader: _UaMetricHeader = msgspec.field(  # noqa: N815
        default_factory=_UaMetricHeader
    )


class _UaData(msgspec.Struct):
    rows: list[_UaRow] = []
    rowCount: int = 0  # noqa: N815
    isDataGolden: bool | None = None  # noqa: N815
    samplesReadCounts: list[str] = []  # noqa: N815
    samplingSpaceSizes: list[str] = []  # noqa: N815


class _UaReport(msgspec.Struct):
    columnHeader: _UaColumnHeader = msgspec.field(  # noqa: N815
        default_factory=_UaColumnHeader
    )
    data: _UaData = msgspec.field(default_factory=_UaData)
    nextPageToken: str = ""  # noqa: N815


class _UaResponse(msgspec.Struct):
    reports: list[_UaReport] = []
    resourceQuotasRemaining: dict[str, int] | None = None  # noqa: N815


class _GoogleError(msgspec.Struct):
    code: int = 0
    message: str = ""
    status: str = ""
    errors: list[dict[str, Any]] = []


class _ErrorEnvelope(msgspec.Struct):
    error: _GoogleError | str | None = None
    error_description: str = ""


class ReportClient:
    """Shared behaviour: retries with backoff, logging, error wording."""

    api = ""
    noun = ""

    def __init__(
        self,
        settings: Settings,
        credentials: google.auth.credentials.Credentials,
        principal: str,
        logger: logging.Logger,
    ) -> None:
        self.settings = settings
        self.credentials = credentials
        self.principal = principal
        self.logger = logger
        self.fields = settings.ga4_fields if self.api == "ga4" else settings.ua_fields

    def subject(self, property_id: str, start: dt.date, end: dt.date) -> str:
        """How messages name one window of one property."""
        return f"{self.noun} {property_id} ({start}..{end})"

    def pages(
        self, property_id: str, start: dt.date, end: dt.date
    ) -> Iterator[list[Row]]:
        """Every page of the report for one window (implemented per API)."""
        raise NotImplementedError

    def _with_retries(self, subject: str, send: Callable[[], T]) -> T:
        settings = self.settings
        attempt = 0
        while True:
            try:
                return send()
            except RetriableAPIError as exc:
                if attempt >= settings.max_retries:
                    msg = f"{exc} (gave up after {attempt + 1} attempts)"
                    raise ReportError(msg) from None
                wait = min(settings.backoff_max, settings.backoff_base * 2**attempt)
                wait *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not crypto
                attempt += 1
                self.logger.warning(
                    "%s; retry %d of %d in %.1f s",
                    exc,
                    attempt,
                    settings.max_retries,
                    wait,
                )
                time.sleep(wait)

    def _warn_quality(
        self,
        subject: str,
        *,
        sampled: list[tuple[str, str]],
        other_row: bool = False,
        thresholded: bool = False,
        golden: bool | None = None,
    ) -> None:
        for read, space in sampled:
            share = int(read) / int(space) if int(space) else 0
            self.logger.warning(
                "%s: SAMPLED data: %s of %s sessions read (%.1f%%). Lower"
                " window_days to avoid sampling.",
                subject,
                read,
                space,
                100 * share,
            )
        if other_row:
            self.logger.warning(
                "%s: some rows were rolled into an '(other)' row"
                " (dataLossFromOtherRow). Lower window_days.",
                subject,
            )
        if thresholded:
            self.logger.warning("%s: subject to thresholding.", subject)
        if golden is False:
            self.logger.warning(
                "%s: data is not golden yet (isDataGolden=false): it may still"
                " change; the next run's lookback pulls it again.",
                subject,
            )

    def _log_quota(self, subject: str, quota: dict[str, tuple[int, int]]) -> None:
        """Log ``{name: (remaining, consumed)}``; warn about nearly empty ones."""
        if not quota:
            return
        parts = []
        low = []
        for name, (remaining, consumed) in quota.items():
            parts.append(f"{name}={remaining}")
            # Only quotas that report consumption have a known size.
            if consumed and remaining < QUOTA_WARNING_SHARE * (remaining + consumed):
                low.append(name)
        self.logger.info("%s: quota remaining %s", subject, " ".join(parts))
        if low:
            self.logger.warning(
                "%s: quota nearly used up: %s", subject, ", ".join(sorted(low))
            )

    def _check_total(self, subject: str, received: int, expected: int) -> None:
        if received != expected:
            msg = (
                f"{subject}: received {received} rows but GA announced rowCount"
                f" {expected}. Nothing was saved for this window; run again (the"
                " data may have changed while paging)."
            )
            raise IncompleteReportError(msg)

    def _check_headers(self, subject: str, headers: list[str]) -> None:
        if headers != list(self.fields):
            msg = f"{subject}: GA answered with columns {headers}, asked {self.fields}."
            raise ReportError(msg)


class _JsonOverHttp(ReportClient):
    """POSTs JSON with an authorised requests session; maps errors."""

    host = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # On a 401 the session refreshes the token and tries again, which
        # anonymous credentials cannot do: they get the 401 as it is.
        anonymous = isinstance(self.credentials, AnonymousCredentials)
        self.session = AuthorizedSession(
            self.credentials, refresh_status_codes=() if anonymous else (401,)
        )
        self.base_url = self.settings.api_endpoint or self.host

    def _post(self, subject: str, url: str, body: bytes) -> bytes:
        try:
            response = self.session.post(
                url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=self.settings.request_timeout,
            )
        except requests.Timeout:
            msg = (
                f"{subject}: ReadTimeout: no answer from {self.base_url} within"
                f" {self.settings.request_timeout:g} s (request_timeout_seconds)"
            )
            raise RetriableAPIError(msg) from None
        except requests.ConnectionError as exc:
            setting = (
                " (the api_endpoint setting)" if self.settings.api_endpoint else ""
            )
            reason = _SOCKET_ERROR.search(str(exc))
            msg = (
                f"{subject}: cannot connect to {self.base_url}{setting}:"
                f" {reason[1] if reason else type(exc).__name__}"
            )
            raise RetriableAPIError(msg) from None
        except google.auth.exceptions.RefreshError as exc:
            msg = (
                f"{subject}: could not get an access token for {self.principal}:"
                f" {exc.args[0] if exc.args else exc}. Check the credentials."
            )
            raise ReportError(msg) from None
        except google.auth.exceptions.TransportError as exc:
            msg = f"{subject}: token endpoint unreachable: {exc}"
            raise RetriableAPIError(msg) from None
        if response.status_code == 200:
            return response.content
        message, reason = _error_text(response.content)
        raise classify(
            response.status_code,
            message or response.reason or "no message",
            reason=reason,
            subject=subject,
            principal=self.principal,
        )

    def _decode(self, subject: str, decoder: msgspec.json.Decoder, raw: bytes) -> Any:
        try:
            return decoder.decode(raw)
        except msgspec.DecodeError as exc:
            msg = f"{subject}: the response is not the documented JSON: {exc}"
            raise ReportError(msg) from None


def _error_text(raw: bytes) -> tuple[str, str]:
    try:
        envelope = msgspec.json.decode(raw, type=_ErrorEnvelope)
    except msgspec.DecodeError:
        return raw[:200].decode(errors="replace").strip(), ""
    error = envelope.error
    if isinstance(error, _GoogleError):
        reason = str(error.errors[0].get("reason", "")) if error.errors else ""
        status = f"{error.status}: " if error.status else ""
        return f"{status}{error.message}", reason
    return f"{error}: {envelope.error_description}".strip(": "), ""


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
class _Ga4Answer:
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
    ) -> _Ga4Answer:
        raise NotImplementedError

    def pages(
        self, property_id: str, start: dt.date, end: dt.date
    ) -> Iterator[list[Row]]:
        """Every page of one window; checks the rows add up to rowCount."""
        subject = self.subject(property_id, start, end)
        offset, expected = 0, 0
        while True:
            answer = self._with_retries(
                subject,
                lambda o=offset: self._fetch(subject, property_id, start, end, o),
            )
            if offset == 0:
                self._check_headers(subject, answer.headers)
                self._warn_quality(
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
            self._log_quota(subject, answer.quota)
            offset += len(answer.rows)
            yield answer.rows
            if offset >= expected or not answer.rows:
                break
        self._check_total(subject, offset, expected)


class Ga4RestClient(_Ga4Client, _JsonOverHttp):
    """GA4 Data API ``runReport`` over REST, decoded with msgspec."""

    host = GA4_HOST
    _decoder = msgspec.json.Decoder(_Ga4Response)

    def _fetch(
        self, subject: str, property_id: str, start: dt.date, end: dt.date, offset: int
    ) -> _Ga4Answer:
        request = ga4_request(
            self.fields, property_id, start, end, offset, self.settings.ga4_page_size
        )
        fields = json_format.MessageToDict(RunReportRequest.pb(request))
        del fields["property"]  # it travels in the URL path, as the library does
        url = f"{self.base_url}/v1beta/properties/{property_id}:runReport"
        raw = self._post(subject, url, msgspec.json.encode(fields))
        response: _Ga4Response = self._decode(subject, self._decoder, raw)
        meta = response.metadata
        return _Ga4Answer(
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
    ) -> _Ga4Answer:
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
        return _Ga4Answer(
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


class UaClient(_JsonOverHttp):
    """UA Reporting API v4 ``reports:batchGet``, nextPageToken paging."""

    api = "ua"
    noun = "UA view"
    host = UA_HOST
    _decoder = msgspec.json.Decoder(_UaResponse)

    def _body(
        self, view_id: str, start: dt.date, end: dt.date, token: str | None
    ) -> bytes:
        *dimensions, metric = self.fields
        request: dict[str, Any] = {
            "viewId": view_id,
            "dateRanges": [
                {"startDate": start.isoformat(), "endDate": end.isoformat()}
            ],
            "dimensions": [{"name": name} for name in dimensions],
            "metrics": [{"expression": metric}],
            "orderBys": [
                {"fieldName": name, "sortOrder": "ASCENDING"} for name in dimensions
            ],
            "pageSize": self.settings.ua_page_size,
            # LARGE: the most precise sampling UA offers (the default is faster).
            "samplingLevel": "LARGE",
            "hideTotals": True,
            "hideValueRanges": True,
        }
        if token:
            request["pageToken"] = token
        body: dict[str, Any] = {"reportRequests": [request]}
        if self.settings.ua_use_resource_quotas:
            body["useResourceQuotas"] = True
        return msgspec.json.encode(body)

    def pages(
        self, property_id: str, start: dt.date, end: dt.date
    ) -> Iterator[list[Row]]:
        """Every page of one window; checks the rows add up to rowCount."""
        subject = self.subject(property_id, start, end)
        url = f"{self.base_url}/v4/reports:batchGet"
        token: str | None = None
        received, expected = 0, 0
        while True:
            body = self._body(property_id, start, end, token)
            raw = self._with_retries(
                subject, lambda b=body: self._post(subject, url, b)
            )
            response: _UaResponse = self._decode(subject, self._decoder, raw)
            if len(response.reports) != 1:
                msg = f"{subject}: expected 1 report, got {len(response.reports)}."
                raise ReportError(msg)
            report = response.reports[0]
            data = report.data
            if token is None:
                header = report.columnHeader
                self._check_headers(
                    subject,
                    header.dimensions
                    + [e.name for e in header.metricHeader.metricHeaderEntries],
                )
                expected = data.rowCount
                self._warn_quality(
                    subject,
                    sampled=list(
                        zip(
                            data.samplesReadCounts,
                            data.samplingSpaceSizes,
                            strict=False,
                        )
                    ),
                    golden=data.isDataGolden,
                )
            self._log_quota(
                subject,
                {
                    k: (v, 0)
                    for k, v in (response.resourceQuotasRemaining or {}).items()
                },
            )
            rows = [
                (d[0], d[1], d[2], d[3], d[4], r.metrics[0].values[0])
                for r in data.rows
                for d in (r.dimensions,)
            ]
            received += len(rows)
            yield rows
            token = report.nextPageToken
            # A token with an empty page, or beyond rowCount, would loop forever.
            if not token or not rows or received >= expected:
                break
        self._check_total(subject, received, expected)


def make_clients(
    settings: Settings,
    credentials: google.auth.credentials.Credentials,
    principal: str,
    logger: logging.Logger,
) -> dict[str, ReportClient]:
    """One client per API the settings name."""
    clients: dict[str, ReportClient] = {}
    if settings.property_ids:
        ga4 = Ga4GrpcClient if settings.transport == "grpc" else Ga4RestClient
        clients["ga4"] = ga4(settings, credentials, principal, logger)
    if settings.view_ids:
        clients["ua"] = UaClient(settings, credentials, principal, logger)
    return clients
