"""UA Reporting API v4 ``reports:batchGet``: nextPageToken paging over REST."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.ga_values import rolled_into_other
from tap_ga_legacy.http_session import HttpTransport, decode
from tap_ga_legacy.report_client import (
    Answer,
    Cells,
    PageRequest,
    ReportClient,
    RowShapeError,
    shape,
    total_value,
)
from tap_ga_legacy.responses import UaResponse, UaRow

if TYPE_CHECKING:
    import datetime as dt

UA_HOST = "https://analyticsreporting.googleapis.com"
_ROW = msgspec.json.Decoder(UaRow)


class UaClient(ReportClient):
    """UA Reporting API v4 ``reports:batchGet``, nextPageToken paging."""

    api = "ua"
    noun = "UA view"
    _decoder = msgspec.json.Decoder(UaResponse)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = self.clock = HttpTransport(
            self.settings, self.credentials, self.principal, UA_HOST
        )

    def _body(
        self, view_id: str, start: dt.date, end: dt.date, token: str, limit: int
    ) -> bytes:
        width = self.report.width
        dimensions, metrics = self.fields[:width], self.fields[width:]
        request: dict[str, Any] = {
            "viewId": view_id,
            "dateRanges": [
                {"startDate": start.isoformat(), "endDate": end.isoformat()}
            ],
            "dimensions": [{"name": name} for name in dimensions],
            "metrics": [{"expression": metric} for metric in metrics],
            "orderBys": [
                {"fieldName": name, "sortOrder": "ASCENDING"} for name in dimensions
            ],
            "pageSize": limit,
            # LARGE: the most precise sampling UA offers (the default is faster).
            "samplingLevel": "LARGE",
            "hideValueRanges": True,
        }
        if token:
            request["pageToken"] = token
        body: dict[str, Any] = {"reportRequests": [request]}
        if self.settings.ua_use_resource_quotas:
            body["useResourceQuotas"] = True
        return msgspec.json.encode(body)

    def _fetch(self, page: PageRequest) -> Answer:
        subject, property_id = page.subject, page.property_id
        url = f"{self.http.base_url}/v4/reports:batchGet"
        body = self._body(property_id, page.start, page.end, page.token, page.limit)
        raw = self.http.post(subject, url, body)
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
    def cells(row: msgspec.Raw, dimensions: int, metrics: int) -> Cells:
        """The values of one row: one date range, so one list of metrics."""
        try:
            r = _ROW.decode(row)
        except msgspec.DecodeError as exc:
            msg = f"a row that is not the documented JSON ({exc})"
            raise RowShapeError(msg) from None
        d, m = r.dimensions, r.metrics
        if len(d) != dimensions or len(m) != 1 or len(m[0].values) != metrics:
            raise shape(len(d), sum(len(v.values) for v in m))
        return d + m[0].values
