"""Sending a request: JSON over an authorised HTTP session, and its failures.

Every failure leaves here as one of two exceptions (see errors.py): a
``RetriableAPIError``, which ``retries.with_retries`` sends again after a
backoff, or a ``ReportError`` whose message names the cause and the fix.
``JsonReportClient`` is what the two JSON report clients (UA, GA4 over REST)
share: this transport, and a page's rows decoded one at a time.
(Not ``http.py``: run as a script, tap.py would put this folder first on the
path, and the file would shadow the standard library's ``http``.)
"""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import TYPE_CHECKING, Any

import msgspec
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from singer_sdk.exceptions import RetriableAPIError

from tap_ga_legacy.auth import TOKEN_ERRORS, token_lost
from tap_ga_legacy.errors import ReportError, classify, socket_reason
from tap_ga_legacy.report_client import ReportClient, RowShapeError
from tap_ga_legacy.responses import ErrorEnvelope, GoogleError

if TYPE_CHECKING:
    import google.auth.credentials

    from tap_ga_legacy.report_client import Cells
    from tap_ga_legacy.settings import Settings


class HttpTransport:
    """POSTs JSON with an authorised requests session and maps its failures."""

    def __init__(
        self,
        settings: Settings,
        credentials: google.auth.credentials.Credentials,
        principal: str,
        default_host: str,
    ) -> None:
        self.settings = settings
        self.principal = principal
        # On a 401 the session refreshes the token and tries again, which
        # anonymous credentials cannot do: they get the 401 as it is.
        anonymous = isinstance(credentials, AnonymousCredentials)
        self.session = AuthorizedSession(
            credentials, refresh_status_codes=() if anonymous else (401,)
        )
        self.base_url = settings.api_endpoint or default_host
        #: The server's clock at its last answer (its ``Date`` header): quota
        #: waits and the finality of days are timed by Google's clock.
        self.server_time: dt.datetime | None = None

    def post(self, subject: str, url: str, body: bytes) -> bytes:
        """The body of a 200 answer; any other outcome raises (see errors.py)."""
        return self._request(subject, "POST", url, body)

    def get(self, subject: str, url: str) -> bytes:
        """As ``post``, for a GET."""
        return self._request(subject, "GET", url, None)

    def _request(
        self, subject: str, method: str, url: str, body: bytes | None
    ) -> bytes:
        settings = self.settings
        try:
            response = self.session.request(
                method,
                url,
                data=body,
                headers={"Content-Type": "application/json"} if body else None,
                timeout=settings.request_timeout_seconds,
            )
        except requests.Timeout:
            msg = (
                f"{subject}: ReadTimeout: no answer from {self.base_url} within"
                f" {settings.request_timeout_seconds:g} s (request_timeout_seconds)"
            )
            raise RetriableAPIError(msg) from None
        except requests.ConnectionError as exc:
            setting = " (the api_endpoint setting)" if settings.api_endpoint else ""
            msg = (
                f"{subject}: cannot connect to {self.base_url}{setting}:"
                f" {socket_reason(exc)}"
            )
            raise RetriableAPIError(msg) from None
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ):
            msg = (
                f"{subject}: {self.base_url} is not an http(s) URL: check the"
                " api_endpoint setting."
            )
            raise ReportError(msg) from None
        except TOKEN_ERRORS as exc:
            raise token_lost(subject, self.principal, exc) from None
        except requests.RequestException as exc:
            # The answer broke off mid-body (ChunkedEncodingError and the like):
            # like a dropped connection, worth another try.
            msg = f"{subject}: the answer from {self.base_url} broke off: {exc!r}"
            raise RetriableAPIError(" ".join(msg.split())) from None
        self.server_time = server_time(response.headers.get("Date"))
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


def server_time(header: str | None) -> dt.datetime | None:
    """An HTTP ``Date`` header as an aware datetime; None if absent or unreadable."""
    try:
        return email.utils.parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        return None


def decode(subject: str, decoder: msgspec.json.Decoder, raw: bytes) -> Any:
    """``raw`` decoded into the documented response type, or a ReportError."""
    try:
        return decoder.decode(raw)
    except msgspec.DecodeError as exc:
        msg = f"{subject}: the response is not the documented JSON: {exc}"
        raise ReportError(msg) from None


def _error_text(raw: bytes) -> tuple[str, str]:
    """Google's error message and (UA) reason from an error body, if it has them."""
    try:
        envelope = msgspec.json.decode(raw, type=ErrorEnvelope)
    except msgspec.DecodeError:
        return raw[:200].decode(errors="replace").strip(), ""
    error = envelope.error
    if isinstance(error, GoogleError):
        reason = str(error.errors[0].get("reason", "")) if error.errors else ""
        status = f"{error.status}: " if error.status else ""
        return f"{status}{error.message}", reason
    return f"{error}: {envelope.error_description}".strip(": "), ""


class JsonReportClient(ReportClient):
    """A report client whose pages come as JSON over HTTP: UA, and GA4 over REST.

    A page's rows stay ``msgspec.Raw`` slices of its body until ``cells``
    decodes one, as it is written.
    """

    #: Google's host of the API, unless ``api_endpoint`` replaces it.
    host: str
    #: Decodes one row of a page's body into the API's row struct.
    row_decoder: msgspec.json.Decoder

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = self.clock = HttpTransport(
            self.settings, self.credentials, self.principal, self.host
        )

    def cells(self, row: msgspec.Raw, dimensions: int, metrics: int) -> Cells:
        """The values of one row of the JSON body."""
        try:
            decoded = self.row_decoder.decode(row)
        except msgspec.DecodeError as exc:
            msg = f"a row that is not the documented JSON ({exc})"
            raise RowShapeError(msg) from None
        return self.values(decoded, dimensions, metrics)

    @staticmethod
    def values(row: Any, dimensions: int, metrics: int) -> Cells:
        """The values of one decoded row; RowShapeError unless it has that many."""
        raise NotImplementedError
