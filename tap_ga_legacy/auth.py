"""Google credentials from the tap's config, checked before any request.

Order: ``credentials_json``, then ``key_file_location``, then
``oauth_credentials``; with none of them, anonymous credentials when
``api_endpoint`` points at an emulator, else Application Default Credentials.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import google.auth
import google.auth.credentials
import google.auth.exceptions
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

SCOPES = ("https://www.googleapis.com/auth/analytics.readonly",)
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105
SERVICE_ACCOUNT_KEYS = ("client_email", "private_key", "token_uri")
OAUTH_KEYS = ("client_id", "client_secret", "refresh_token")


class CredentialsError(ValueError):
    """Credentials in the config that cannot be used (the secret is never quoted)."""


def _service_account_info(text: str, origin: str) -> dict[str, Any]:
    try:
        info = json.loads(text)
    except ValueError:
        msg = f"{origin} is not JSON; expected a service-account key file's content."
        raise CredentialsError(msg) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else type(info).__name__
        msg = (
            f"{origin} is not a service-account key (type is {kind!r}, expected"
            " 'service_account'). Create a key under IAM > Service accounts > Keys."
        )
        raise CredentialsError(msg)
    missing = [key for key in SERVICE_ACCOUNT_KEYS if not info.get(key)]
    if missing:
        msg = f"{origin} is a service-account key without {', '.join(missing)}."
        raise CredentialsError(msg)
    return info


def _oauth_info(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        msg = "oauth_credentials must be an object with " + ", ".join(OAUTH_KEYS) + "."
        raise CredentialsError(msg)
    missing = [key for key in OAUTH_KEYS if not value.get(key)]
    if missing:
        msg = f"oauth_credentials is missing {', '.join(missing)}."
        raise CredentialsError(msg)
    return value


def check_credentials(config: dict[str, Any]) -> list[str]:
    """Every problem with the configured credentials, without using them."""
    try:
        _source(config)
    except CredentialsError as exc:
        return [str(exc)]
    return []


def _source(config: dict[str, Any]) -> tuple[str, Any]:
    if config.get("credentials_json"):
        return "service_account", _service_account_info(
            config["credentials_json"], "credentials_json"
        )
    if config.get("key_file_location"):
        path = Path(config["key_file_location"]).expanduser()
        try:
            text = path.read_text()
        except OSError as exc:
            msg = f"key_file_location: cannot read {path}: {exc.strerror}."
            raise CredentialsError(msg) from None
        return "service_account", _service_account_info(
            text, f"key_file_location ({path})"
        )
    if config.get("oauth_credentials"):
        return "oauth", _oauth_info(config["oauth_credentials"])
    if config.get("api_endpoint"):
        return "anonymous", None
    return "default", None


def build_credentials(config: dict[str, Any]) -> google.auth.credentials.Credentials:
    """The credentials to send requests with.

    Raises:
        CredentialsError: if none can be built (including no ADC found).
    """
    kind, info = _source(config)
    if kind == "service_account":
        return service_account.Credentials.from_service_account_info(
            info, scopes=SCOPES
        )
    if kind == "oauth":
        return user_credentials.Credentials(
            None,
            refresh_token=info["refresh_token"],
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            token_uri=info.get("token_uri") or GOOGLE_TOKEN_URI,
            scopes=SCOPES,
        )
    if kind == "anonymous":
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


def describe(credentials: google.auth.credentials.Credentials) -> str:
    """Who the requests run as, for error messages (no secret in it)."""
    email = getattr(credentials, "service_account_email", None)
    if email:
        return f"service account {email}"
    if isinstance(credentials, google.auth.credentials.AnonymousCredentials):
        return "anonymous credentials"
    return f"{type(credentials).__name__} credentials"
