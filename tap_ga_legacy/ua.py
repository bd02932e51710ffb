"""UA Reporting API v4 ``reports:batchGet``: nextPageToken paging over REST."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.ga_values import rolled_into_other
from tap_ga_legacy.http_session import JsonReportClient, decode
from tap_ga_legacy.report_client import Answer, shape, total_value
from tap_ga_legacy.responses import UaResponse, UaRow

if TYPE_CHECKING:
    from tap_ga_legacy.report_client import Cells, PageRequest


class UaClient(JsonReportClient):
    """UA Reporting API v4 ``reports:batchGet``, nextPageToken paging."""

    api = "ua"
    noun = "UA view"
    host = "https://analyticsreporting.googleapis.com"
    row_decoder = msgspec.json.Decoder(UaRow)
    _decoder = msgspec.json.Decoder(UaResponse)

    def _body(self, page: PageRequest) -> bytes:
        width = self.report.width
        dimensions, metrics = self.fields[:width], self.fields[width:]
        request: dict[str, Any] = {
            "viewId": page.property_id,
            "dateRanges": [
                {"startDate": page.start.isoformat(), "endDate": page.end.isoformat()}
            ],
            "dimensions": [{"name": name} for name in dimensions],
            "metrics": [{"expression": metric} for metric in metrics],
            "orderBys": [
                {"fieldName": name, "sortOrder": "ASCENDING"} for name in dimensions
            ],
            "pageSize": page.limit,
            # LARGE: the most precise sampling UA offers (the default is faster).
            "samplingLevel": "LARGE",
            "hideValueRanges": True,
        }
        if page.token:
            request["pageToken"] = page.token
        body: dict[str, Any] = {"reportRequests": [request]}
        if self.settings.ua_use_resource_quotas:
            body["useResourceQuotas"] = True
        return msgspec.json.encode(body)

    def _fetch(self, page: PageRequest) -> Answer:
        subject = page.subject
        url = f"{self.http.base_url}/v4/reports:batchGet"
        raw = self.http.post(subject, url, self._body(page))
        response: UaResponse = decode(subject, self._decoder, raw)
        if len(response.reports) != 1:
            msg = f"{subject}: expected 1 report, got {len(response.reports)}."
            raise ReportError(msg)
        report = response.reports[0]
        header, data = report.columnHeader, report.data
        return Answer(
            headers=header.dimensions
            + [e.name for e in header.metricHeader.metricHeaderEntries],
            row_count=data.rowCount,
            rows=data.rows,
            size=len(raw),
            next_token=report.nextPageToken,
            last=not report.nextPageToken,
            sampled=list(
                zip(data.samplesReadCounts, data.samplingSpaceSizes, strict=False)
            ),
            golden=data.isDataGolden,
            other_row=rolled_into_other(False, raw),
            totals=tuple(total_value(subject, v) for v in data.totals[0].values)
            if data.totals
            else (),
            quota={
                k: (v, 0) for k, v in (response.resourceQuotasRemaining or {}).items()
            },
        )

    @staticmethod
    def values(row: UaRow, dimensions: int, metrics: int) -> Cells:
        """The values of one row: one date range, so one list of metrics."""
        d, m = row.dimensions, row.metrics
        if len(d) != dimensions or len(m) != 1 or len(m[0].values) != metrics:
            raise shape(len(d), sum(len(v.values) for v in m))
        return d + m[0].values
