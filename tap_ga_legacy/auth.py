"""Google credentials from the tap's config, checked before any request.

Order: ``credentials_json``, then ``key_file_location``, then
``oauth_credentials``; with none of them, anonymous credentials when
``api_endpoint`` points at an emulator, else Application Default Credentials.

No message here ever quotes a value from a credential: they name the setting
and what is wrong with it. A token that cannot be renewed later, mid-run, is
worded here too (``token_lost``), as it is before the first request.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.auth.transport.requests
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from singer_sdk.exceptions import RetriableAPIError

from tap_ga_legacy.errors import ReportError, socket_reason

SCOPES = ("https://www.googleapis.com/auth/analytics.readonly",)
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105
SERVICE_ACCOUNT_KEYS = ("client_email", "private_key", "token_uri")
OAUTH_KEYS = ("client_id", "client_secret", "refresh_token")
#: Settings holding credentials as an object or the JSON string of one.
JSON_CREDENTIALS = ("credentials_json", "oauth_credentials")
#: Longest part of a token endpoint's refusal quoted: a proxy's HTML page
#: would otherwise fill the line.
_REASON_CHARS = 200


class CredentialsError(ValueError):
    """Credentials in the config that cannot be used (the secret is never quoted)."""


@dataclass(frozen=True)
class _Source:
    """Where the credentials come from: the setting, its kind and its content."""

    setting: str
    kind: str  # service_account, oauth, anonymous or default
    info: dict[str, Any] | None = None


def _json_object(value: Any, setting: str, expected: str) -> dict[str, Any]:
    """A setting given as an object or as a JSON string of one (as env vars are)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            msg = f"{setting} is not JSON; expected {expected}."
            raise CredentialsError(msg) from None
    if not isinstance(value, dict):
        msg = f"{setting} is not an object; expected {expected}."
        raise CredentialsError(msg)
    return value


def _require_strings(info: dict[str, Any], keys: tuple[str, ...], setting: str) -> None:
    missing = [key for key in keys if not info.get(key)]
    if missing:
        msg = f"{setting} is missing {', '.join(missing)}."
        raise CredentialsError(msg)
    wrong = [key for key in keys if not isinstance(info[key], str)]
    if wrong:
        msg = f"{setting}: {', '.join(wrong)} must be a string."
        raise CredentialsError(msg)


def _service_account_info(value: Any, setting: str) -> dict[str, Any]:
    info = _json_object(value, setting, "a service-account key file's content")
    if info.get("type") != "service_account":
        hint = (
            " It holds OAuth user credentials: set them as oauth_credentials."
            if "refresh_token" in info
            else " Create a key under IAM > Service accounts > Keys."
        )
        msg = (
            f"{setting} is not a service-account key (its type is not"
            f" 'service_account').{hint}"
        )
        raise CredentialsError(msg)
    _require_strings(info, SERVICE_ACCOUNT_KEYS, setting)
    return info


def _oauth_info(value: Any) -> dict[str, Any]:
    setting = "oauth_credentials"
    info = _json_object(value, setting, "an object with " + ", ".join(OAUTH_KEYS))
    _require_strings(info, OAUTH_KEYS, setting)
    token_uri = info.get("token_uri") or GOOGLE_TOKEN_URI
    if not isinstance(token_uri, str):
        msg = f"{setting}: token_uri must be a string."
        raise CredentialsError(msg)
    return {**info, "token_uri": token_uri}


def _source(config: dict[str, Any]) -> _Source:
    if config.get("credentials_json"):
        setting = "credentials_json"
        info = _service_account_info(config[setting], setting)
        return _Source(setting, "service_account", info)
    if config.get("key_file_location"):
        path = Path(config["key_file_location"]).expanduser()
        try:
            text = path.read_text()
        except OSError as exc:
            msg = f"key_file_location: cannot read {path}: {exc.strerror}."
            raise CredentialsError(msg) from None
        setting = f"key_file_location ({path})"
        return _Source(setting, "service_account", _service_account_info(text, setting))
    if config.get("oauth_credentials"):
        info = _oauth_info(config["oauth_credentials"])
        return _Source("oauth_credentials", "oauth", info)
    if config.get("api_endpoint"):
        return _Source("api_endpoint", "anonymous")
    return _Source("Application Default Credentials", "default")


def _service_account(info: dict[str, Any], setting: str) -> service_account.Credentials:
    """Credentials from a key, whose private key is proven to load and sign."""
    try:
        credentials = service_account.Credentials.from_service_account_info(
            info, scopes=SCOPES
        )
        # Loading accepts any PEM private key; only signing shows it is RSA.
        credentials.signer.sign(b"tap-ga-legacy")
    except (ValueError, TypeError, google.auth.exceptions.GoogleAuthError):
        msg = (
            f"{setting}: the private_key does not load as an RSA private key in"
            " PEM form (damaged, truncated or of another type). Create a new key"
            " under IAM > Service accounts > Keys."
        )
        raise CredentialsError(msg) from None
    return credentials


def _credentials(source: _Source) -> google.auth.credentials.Credentials:
    info = source.info or {}
    if source.kind == "service_account":
        return _service_account(info, source.setting)
    if source.kind == "oauth":
        return user_credentials.Credentials(
            None,
            refresh_token=info["refresh_token"],
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            token_uri=info["token_uri"],
            scopes=SCOPES,
        )
    if source.kind == "anonymous":
        return google.auth.credentials.AnonymousCredentials()
    try:
        credentials, _ = google.auth.default(scopes=SCOPES)
    except google.auth.exceptions.DefaultCredentialsError:
        msg = (
            "No credentials: set credentials_json, key_file_location or"
            " oauth_credentials, or provide Application Default Credentials"
            " (GOOGLE_APPLICATION_CREDENTIALS); or set api_endpoint to use the GA"
            " emulator."
        )
        raise CredentialsError(msg) from None
    return credentials


def check_credentials(config: dict[str, Any]) -> list[str]:
    """Every problem with the configured credentials, without sending anything."""
    try:
        source = _source(config)
        if source.kind == "service_account":
            _credentials(source)
    except CredentialsError as exc:
        return [str(exc)]
    return []


def _host(uri: str | None) -> str:
    """`` scheme://host:port`` of a URI, nothing that could hold a secret."""
    if not uri:
        return ""
    parts = urllib.parse.urlsplit(uri)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number: the host says enough
        port = ""
    return f" {parts.scheme}://{parts.hostname}{port}"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:_REASON_CHARS]


#: What fetching an access token fails with: the endpoint refused the
#: credentials (RefreshError), or it could not be reached (TransportError).
TOKEN_ERRORS = (
    google.auth.exceptions.RefreshError,
    google.auth.exceptions.TransportError,
)


def token_failure(
    exc: google.auth.exceptions.GoogleAuthError, token_uri: str | None = None
) -> str:
    """Why no access token came (one of TOKEN_ERRORS), in one line, no secret."""
    if isinstance(exc, google.auth.exceptions.TransportError):
        return (
            f"cannot reach the token endpoint{_host(token_uri)}: {socket_reason(exc)}"
        )
    reason = _one_line(str(exc.args[0] if exc.args else exc)).rstrip(".")
    return f"the token endpoint refused the credentials: {reason}"


def build_credentials(config: dict[str, Any]) -> google.auth.credentials.Credentials:
    """The credentials to send requests with, holding a fresh access token.

    The token is fetched here, before any report request, so credentials the
    token endpoint refuses stop the run at once, naming the setting.

    Raises:
        CredentialsError: if none can be built, or no token can be had.
    """
    source = _source(config)
    credentials = _credentials(source)
    if source.kind == "anonymous":
        return credentials
    try:
        credentials.refresh(google.auth.transport.requests.Request())
    except TOKEN_ERRORS as exc:
        why = token_failure(exc, (source.info or {}).get("token_uri"))
        raise CredentialsError(f"{source.setting}: {why}.") from None
    return credentials


def token_lost(
    subject: str, principal: str, exc: google.auth.exceptions.GoogleAuthError
) -> Exception:
    """The error for a token that expired mid-run and could not be renewed.

    In the words ``build_credentials`` uses before the first request; retried
    when the endpoint was not reached, a stop when it refused.
    """
    msg = (
        f"{subject}: could not get an access token for {principal}:"
        f" {token_failure(exc)}."
    )
    if isinstance(exc, google.auth.exceptions.TransportError):
        return RetriableAPIError(msg)
    return ReportError(msg)


def describe(credentials: google.auth.credentials.Credentials) -> str:
    """Who the requests run as, for error messages (no secret in it)."""
    email = getattr(credentials, "service_account_email", None)
    if email:
        return f"service account {email}"
    if isinstance(credentials, google.auth.credentials.AnonymousCredentials):
        return "anonymous credentials"
    return f"{type(credentials).__name__} credentials"
