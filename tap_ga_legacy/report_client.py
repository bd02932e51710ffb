"""The report client contract: one date window of one property, page by page.

A client for each API (ga4.py, ua.py) fetches one page as an ``Answer``; the
paging loop and every check of GA's answer live here, so both APIs and both
GA4 transports are held to the same rules:

* every page has the columns asked for, in that order, and the ``rowCount`` of
  the first page;
* every row has exactly one value per column;
* dates are ``YYYYMMDD`` in ASCII digits, real days inside the window; counts
  are ASCII digits within int64;
* the rows add up to ``rowCount``.

Any deviation stops the run with one line naming the property, the window, the
page (and row), what was expected and what came. Rows are checked as they are
written, so nothing after a deviation is written and the window's bookmark
does not move.

``open`` fetches a window's first page and returns it as a ``Window`` before
any row is written, so the caller can judge GA's answer (sampled, ``(other)``,
its totals) and split the window without having emitted half of it. Hourly
GA4 quotas are waited out here, timed by the server's ``Date`` header.

Pages are yielded as iterators of ``Row`` tuples decoded one at a time from the
body, and sized so that a body stays under ``PAGE_BYTES``: peak memory follows
that bound, not ``page_size`` or the data's density.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from time import sleep  # by name: a test on a fake clock replaces it
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tap_ga_legacy.errors import IncompleteReportError, QuotaError, ReportError
from tap_ga_legacy.ga_values import (
    INT64_DIGITS,
    INT64_MAX,
    OTHER,
    int64,
    parse_yyyymmdd,
)
from tap_ga_legacy.quality import log_quota
from tap_ga_legacy.retries import with_retries

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterator

    import google.auth.credentials

    from tap_ga_legacy.ga_values import Row
    from tap_ga_legacy.reports import Report
    from tap_ga_legacy.settings import Settings

#: The values of a row exactly as GA sent them: dimensions, then metrics.
Cells = Sequence[str]
T = TypeVar("T")


#: The most body bytes one page may hold. requests holds a body twice while
#: reading it, and the tap's imports take about 90 MB: this keeps the peak
#: under 150 MB (docs/performance.md).
PAGE_BYTES = 16 * 2**20
#: Bytes a row is assumed to take until a page has shown the real figure: a
#: long GA4 row, pretty-printed as Google sends it.
FIRST_ROW_BYTES = 512
STOPPED = "The bookmark stays before this window."
HOURLY_QUOTAS = ("tokensPerHour", "tokensPerProjectPerHour")
PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


class ServerTime(Protocol):
    """Whatever keeps the ``Date`` of Google's last answer."""

    server_time: dt.datetime | None


class RowShapeError(ValueError):
    """A row without exactly one value per column; the message says what came."""


@dataclass(slots=True)
class Answer:
    """One page of a report, whatever the API or transport.

    ``rows`` are still encoded (``msgspec.Raw`` or protobuf rows): the client's
    ``cells`` turns one into its strings when it is written.
    """

    headers: list[str]
    row_count: int
    rows: Sequence[Any]
    size: int
    next_token: str = ""
    last: bool = False
    sampled: list[tuple[str, str]] = field(default_factory=list)
    other_row: bool = False
    thresholded: bool = False
    golden: bool | None = None
    quota: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: GA's total of each metric over the whole window, in request order;
    #: empty if it sent none.
    totals: tuple[int, ...] = ()
    time_zone: str = ""

    @property
    def tokens(self) -> int | None:
        """GA4 tokens this request cost; None where the API does not say."""
        return self.quota["tokensPerHour"][1] if "tokensPerHour" in self.quota else None


@dataclass(slots=True)
class Window:
    """One window of one property: GA's first page, then every page's rows.

    It carries what the stream asks while it writes the window (how messages
    name it, Google's clock, how many rows a page holds), so the stream deals
    with the window alone once the client has opened it.
    """

    first: dt.date
    last: dt.date
    answer: Answer
    #: How messages name the property: ``UA view 188392047``.
    name: str
    #: How messages name the window: ``UA view 188392047 (2021-01-01..2021-01-07)``.
    subject: str
    #: The most rows a page holds (``page_size``, capped for the API).
    page_size: int
    #: Google's clock as its last answer told it (``ReportClient.server_now``).
    server_now: Callable[[], dt.datetime]
    pages: Iterator[Iterator[Row]] = field(default_factory=lambda: iter(()))
    requests: int = 1
    tokens: int | None = None


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Where one page sits: which window of which property, and how far in."""

    subject: str
    property_id: str
    start: dt.date
    end: dt.date
    #: Rows to ask for.
    limit: int
    #: Rows already received (GA4's offset paging).
    offset: int = 0
    #: UA's page token ("" for the first page).
    token: str = ""
    #: The page's place in the window, from 1.
    number: int = 1

    @property
    def where(self) -> str:
        """How messages name the page: the window's subject and its number."""
        return f"{self.subject}, page {self.number}"


class ReportClient:
    """Pages of one report of one API; retries, shape checks and message wording."""

    api = ""
    noun = ""
    #: Keeps Google's clock (``server_time``) from each answer: the HTTP
    #: transport, or the gRPC channel's interceptor (ga4.ServerClock).
    clock: ServerTime

    def __init__(
        self,
        settings: Settings,
        credentials: google.auth.credentials.Credentials,
        principal: str,
        logger: logging.Logger,
        report: Report,
    ) -> None:
        self.settings = settings
        self.credentials = credentials
        self.principal = principal
        self.logger = logger
        self.report = report
        self.fields = report.fields
        self.page_size = (
            settings.ga4_page_size if self.api == "ga4" else settings.ua_page_size
        )
        # The widest row seen so far, in body bytes: it sizes the next pages.
        self._row_bytes = 0

    def name(self, property_id: str) -> str:
        """How messages name one property: ``UA view 188392047``."""
        return f"{self.noun} {property_id}"

    def _fetch(self, page: PageRequest) -> Answer:
        """One page of the report (implemented per API)."""
        raise NotImplementedError

    def cells(self, row: Any, dimensions: int, metrics: int) -> Cells:
        """The values of one encoded row; RowShapeError unless it has that many."""
        raise NotImplementedError

    def page_limit(self) -> int:
        """Rows to ask for: ``page_size``, or fewer to keep a body in PAGE_BYTES."""
        row_bytes = self._row_bytes or FIRST_ROW_BYTES
        return max(1, min(self.page_size, PAGE_BYTES // row_bytes))

    def check(self, property_id: str) -> None:
        """Checks before the first report of a property (GA4: ga4.py)."""

    def server_now(self) -> dt.datetime:
        """Google's clock as its last answer told it, else this machine's."""
        return self.clock.server_time or dt.datetime.now(dt.UTC)

    def open(self, property_id: str, start: dt.date, end: dt.date) -> Window:
        """A window's first page, fetched and checked; its rows not yet read."""
        name = self.name(property_id)
        page = PageRequest(
            f"{name} ({start}..{end})", property_id, start, end, self.page_limit()
        )
        answer = self._page(page)
        window = Window(
            start,
            end,
            answer,
            name,
            page.subject,
            self.page_size,
            self.server_now,
            tokens=answer.tokens,
        )
        window.pages = self._pages(window, page)
        return window

    def _page(self, page: PageRequest) -> Answer:
        """One page, its quotas waited out (or stopped at), its columns checked."""
        subject = page.subject
        while True:
            try:
                answer = self._send(lambda: self._fetch(page))
                break
            except QuotaError as exc:
                why = str(exc).removeprefix(f"{subject}: ")
                self._quota_stop_or_wait(subject, exc, why)
        if answer.headers != list(self.fields):
            raise deviation(page.where, "columns", list(self.fields), answer.headers)
        log_quota(self.logger, subject, answer.quota)
        low = [
            name
            for name in HOURLY_QUOTAS
            if name in answer.quota and answer.quota[name][0] < answer.quota[name][1]
        ]
        if low:
            # The next request would overdraw it: wait now rather than be refused.
            self._quota_stop_or_wait(
                subject,
                QuotaError("", low[0]),
                f"{low[0]} has {answer.quota[low[0]][0]} tokens left, less than"
                f" the last request cost ({answer.quota[low[0]][1]})",
            )
        return answer

    def _quota_stop_or_wait(self, subject: str, exc: QuotaError, why: str) -> None:
        """Sleep until the next hour if allowed; else stop with one line."""
        now = self.server_now()
        if exc.hourly:
            back = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(
                hours=1
            )
            # The Date header counts whole seconds: one more makes sure.
            wait = (back - now).total_seconds() + 1
            if wait <= self.settings.max_quota_wait_seconds:
                self.logger.warning(
                    "%s: %s; waiting %.0f s for it to come back at %s UTC"
                    " (max_quota_wait_seconds %d)",
                    subject,
                    why,
                    wait,
                    back.strftime("%H:%M"),
                    self.settings.max_quota_wait_seconds,
                )
                sleep(wait)
                return
            when = (
                f"{back:%Y-%m-%d %H:%M} UTC, in {wait:.0f} s, longer than"
                f" max_quota_wait_seconds ({self.settings.max_quota_wait_seconds})"
            )
        else:
            midnight = dt.datetime.combine(
                now.astimezone(PACIFIC).date() + dt.timedelta(days=1),
                dt.time(),
                PACIFIC,
            )
            left = midnight - now
            when = (
                f"midnight Pacific time ({midnight.astimezone(dt.UTC):%Y-%m-%d %H:%M}"
                f" UTC, in {left.seconds // 3600} h {left.seconds % 3600 // 60} min)"
            )
        msg = (
            f"{subject}: quota {exc.quota} used up ({why}); it resets at {when}."
            " State is saved through the last finished window: run again then."
        )
        raise QuotaError(msg, exc.quota) from None

    def _pages(self, window: Window, first: PageRequest) -> Iterator[Iterator[Row]]:
        """Every page of one window, each checked, its rows checked as they go.

        ``first`` is the request of the page already in ``window.answer``.
        """
        start, end = window.first, window.last
        received, token = 0, ""
        expected = window.answer.row_count
        answer: Answer | None = window.answer
        page = first
        for number in itertools.count(1):
            if answer is None:
                # Sized now: the rows of the pages before tell how wide rows are.
                page = replace(
                    first,
                    offset=received,
                    token=token,
                    limit=self.page_limit(),
                    number=number,
                )
                answer = self._page(page)
                window.requests += 1
                if answer.tokens is not None:
                    window.tokens = (window.tokens or 0) + answer.tokens
            where = page.where
            if answer.row_count != expected:
                raise deviation(
                    where,
                    "rowCount changed while paging",
                    expected,
                    answer.row_count,
                    "GA was still processing this window: run again later.",
                    incomplete=True,
                )
            rows, token = answer.rows, answer.next_token
            done = answer.last or not rows
            if rows:
                self._row_bytes = max(self._row_bytes, -(-answer.size // len(rows)))
            # The page's rows live on in the iterator only, which lets them go
            # as soon as they are written: not while the next page is fetched.
            answer.rows = ()
            answer = None
            received += len(rows)
            yield self._rows(where, start, end, rows)
            del rows
            # A token with an empty page, or beyond rowCount, would loop forever.
            if done or received >= expected:
                break
        if received != expected:
            raise deviation(
                window.subject,
                "rows received in all pages (rowCount)",
                expected,
                received,
                "The data may have changed while paging: run again.",
                incomplete=True,
            )

    def _rows(
        self, where: str, first: dt.date, last: dt.date, rows: Sequence[Any]
    ) -> Iterator[Row]:
        # The hot loop: per row, only what is needed. Dates repeat, so their
        # parsing is memoised; a count is checked with two str methods.
        cells, dates = self.cells, {}
        width, metrics = self.report.width, len(self.report.spec.metrics)
        for n, row in enumerate(rows, 1):
            try:
                values = cells(row, width, metrics)
            except RowShapeError as exc:
                expected = shape(width, metrics)
                raise deviation(f"{where}, row {n}", "values", expected, exc) from None
            raw_date = values[0]
            day = dates.get(raw_date)
            if day is None:
                day = dates[raw_date] = self._day(
                    f"{where}, row {n}", raw_date, first, last
                )
            # Up to 18 digits always fit int64: only longer ones need a look.
            counts = [
                int(count)
                if len(count) < INT64_DIGITS and count.isdigit() and count.isascii()
                else int64(count)
                for count in values[width:]
            ]
            if None in counts:
                at = counts.index(None)
                raise deviation(
                    f"{where}, row {n}",
                    self.fields[width + at],
                    f"an integer 0..{INT64_MAX} in ASCII digits",
                    _shown(values[width + at]),
                )
            yield (day, *values[1:width], *counts)

    def _day(self, where: str, raw: str, first: dt.date, last: dt.date) -> str:
        """``YYYYMMDD`` from GA as ``YYYY-MM-DD``, checked to be inside the window."""
        day = parse_yyyymmdd(raw)
        if day is None or not first <= day <= last:
            raise deviation(
                where,
                self.fields[0],
                f"a day {first}..{last} as YYYYMMDD",
                repr(raw),
                "Lower window_days to avoid '(other)' rows." if raw == OTHER else "",
            )
        return day.isoformat()

    def _send(self, send: Callable[[], T]) -> T:
        return with_retries(send, self.settings, self.logger)


def deviation(
    where: str,
    what: str,
    expected: object,
    got: object,
    hint: str = "",
    *,
    incomplete: bool = False,
) -> ReportError:
    """The one-line stop for an answer that is not what was asked for."""
    kind = IncompleteReportError if incomplete else ReportError
    hint = f" {hint}" if hint else ""
    return kind(f"{where}: {what}: expected {expected}, got {got}.{hint} {STOPPED}")


def shape(dimensions: int, metrics: int) -> RowShapeError:
    """What came instead of a well-formed row."""
    return RowShapeError(
        f"{dimensions} dimension value{'s' * (dimensions != 1)} and {metrics}"
        f" metric value{'s' * (metrics != 1)}"
    )


def _shown(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message, cut short if long (a count of 5,000 digits)."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value):,} characters)"


def total_value(subject: str, value: str) -> int:
    """GA's total of a window: ASCII digits like any count, past int64 too.

    A sum of int64 counts has at most twice their digits (and more would
    stop Python's int(), which refuses over 4,300 digits).
    """
    if not (value.isdigit() and value.isascii()) or (
        len(value.lstrip("0")) > 2 * INT64_DIGITS
    ):
        msg = (
            f"{subject}: totals: expected an integer in ASCII digits, got"
            f" {_shown(value)}."
        )
        raise ReportError(msg)
    return int(value.lstrip("0") or "0")
