"""The report client contract: one date window of one property, page by page.

A client for each API (ga4.py, ua.py) yields pages as lists of plain tuples
``(date, category, action, label, project_dimension, count)`` of strings, so
the stream does the same cheap work whatever the API. Only one page is held in
memory at a time. What every client checks of GA's answer lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from tap_ga_legacy.errors import IncompleteReportError, ReportError
from tap_ga_legacy.transport import with_retries

if TYPE_CHECKING:
    import datetime as dt
    import logging
    from collections.abc import Callable, Iterator

    import google.auth.credentials

    from tap_ga_legacy.settings import Settings

Row = tuple[str, str, str, str, str, str]
T = TypeVar("T")


class ReportClient:
    """Pages of one API's report; retries, shape checks and message wording."""

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

    def _send(self, send: Callable[[], T]) -> T:
        return with_retries(send, self.settings, self.logger)

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
