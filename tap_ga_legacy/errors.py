"""How a Google API error becomes a retry or a stop with a message that says why."""

from __future__ import annotations

import re

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

#: UA reports some rate limits as 403 with these reasons (Reporting API v4
#: "Limits and quotas"); they pass, so they are retried.
RETRIABLE_REASONS = frozenset(
    {"userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded", "backendError"}
)
RETRIABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
#: A daily quota does not come back for hours: retrying only burns the
#: server-error budget (singer-io/tap-google-analytics#37), so stop instead.
DAILY_QUOTA = re.compile(r"per day|daily|dailyLimitExceeded", re.IGNORECASE)
#: GA4's hourly token quotas, as its 429 messages name them.
HOURLY_QUOTA = re.compile(r"tokens (for a project )?per hour", re.IGNORECASE)


#: The useful end of a connection error: "[Errno 111] Connection refused".
_SOCKET_ERROR = re.compile(r"(\[Errno -?\d+\] [^'\")]+)")


def socket_reason(exc: BaseException) -> str:
    """Why a connection failed, in a few words, without the URL's path or query."""
    found = _SOCKET_ERROR.search(str(exc))
    return found[1] if found else type(exc).__name__


class ReportError(FatalAPIError):
    """A report that cannot be pulled; the message names the cause and the fix."""


class IncompleteReportError(ReportError):
    """The rows received do not add up to the rowCount GA announced."""


class QuotaError(ReportError):
    """A quota is used up; ``quota`` names it (GA4's name where it has one)."""

    def __init__(self, message: str, quota: str) -> None:
        super().__init__(message)
        self.quota = quota

    @property
    def hourly(self) -> bool:
        """Whether it comes back within the hour (else: at midnight Pacific)."""
        return self.quota.endswith("PerHour")


class ChecksFailedError(ReportError):
    """Problems found before any report was requested, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def classify(
    status: int,
    message: str,
    *,
    reason: str = "",
    subject: str,
    principal: str,
) -> RetriableAPIError | ReportError:
    """The exception for a failed request.

    Args:
        status: HTTP status (gRPC errors carry their HTTP equivalent).
        message: Google's error message.
        reason: UA's ``errors[0].reason``, if any.
        subject: what was asked, e.g. ``GA4 property 123 (2021-01-01..2021-01-07)``.
        principal: who asked, e.g. ``service account x@y.iam.gserviceaccount.com``.
    """
    detail = f"{subject}: HTTP {status}: {message}"
    if status in (403, 429) and DAILY_QUOTA.search(f"{message} {reason}"):
        ga4 = subject.startswith("GA4")
        return QuotaError(
            detail, "tokensPerDay" if ga4 else "requests per view per day"
        )
    hourly = HOURLY_QUOTA.search(message) if status == 429 else None
    if hourly:
        project = "Project" if hourly[1] else ""
        return QuotaError(detail, f"tokensPer{project}Hour")
    if status in RETRIABLE_STATUSES or reason in RETRIABLE_REASONS:
        return RetriableAPIError(detail)
    hint = {
        400: "Google rejected the request: check the id and the field names in"
        " the `dimensions` setting (GA4 custom dimensions must be registered on"
        " the property).",
        401: "The credentials were rejected: check credentials_json,"
        " key_file_location or oauth_credentials.",
        403: f"{principal} has no access: grant it the Viewer role on the"
        " property or view, and check the id.",
        404: "No such property or view: check the id.",
    }.get(status, "Unexpected error from Google.")
    return ReportError(f"{detail}. {hint}")
