"""UA Reporting API v4 ``reports:batchGet``: nextPageToken paging over REST."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from tap_ga_legacy.client import ReportClient, Row
from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.quality import log_quota, warn_quality
from tap_ga_legacy.responses import UaResponse
from tap_ga_legacy.transport import HttpTransport, decode

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

UA_HOST = "https://analyticsreporting.googleapis.com"


class UaClient(ReportClient):
    """UA Reporting API v4 ``reports:batchGet``, nextPageToken paging."""

    api = "ua"
    noun = "UA view"
    _decoder = msgspec.json.Decoder(UaResponse)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = HttpTransport(
            self.settings, self.credentials, self.principal, UA_HOST
        )

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
        url = f"{self.http.base_url}/v4/reports:batchGet"
        token: str | None = None
        received, expected = 0, 0
        while True:
            body = self._body(property_id, start, end, token)
            raw = self._send(lambda b=body: self.http.post(subject, url, b))
            response: UaResponse = decode(subject, self._decoder, raw)
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
                warn_quality(
                    self.logger,
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
            log_quota(
                self.logger,
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
