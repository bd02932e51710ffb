"""tap-ga-legacy: Meltano's legacy Google Analytics telemetry, keyed on project_id."""

from __future__ import annotations

import click
from singer_sdk import Tap
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import ConfigValidationError

from tap_ga_legacy.auth import check_credentials
from tap_ga_legacy.settings import CONFIG_SCHEMA, SettingsError, parse_settings
from tap_ga_legacy.streams import EXPLAINED, EventsStream


class TapGaLegacy(Tap):
    """Pulls GA4 Data API and UA Reporting API v4 events; one `events` stream."""

    name = "tap-ga-legacy"
    config_jsonschema = CONFIG_SCHEMA
    # msgspec serialises a RECORD several times faster than the default writer.
    message_writer_class = MsgSpecWriter

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """The schema checks, plus what a schema cannot say (dates, credentials)."""
        errors = super()._validate_config(raise_errors=False)
        try:
            parse_settings(dict(self.config))
        except SettingsError as exc:
            errors.extend(exc.errors)
        errors.extend(check_credentials(dict(self.config)))
        if errors and raise_errors:
            raise ConfigValidationError(
                "Config validation failed", errors=errors, schema=CONFIG_SCHEMA
            )
        return errors

    def sync_all(self) -> None:
        """Sync; a failure the tap explains itself ends with that line, exit 1.

        Tracebacks are kept for the unexpected: a report that cannot be pulled
        or credentials that cannot be used already say what and why. Google's
        message text may hold newlines: they are folded, so the line is one.
        """
        try:
            super().sync_all()
        except EXPLAINED as exc:
            line = " ".join(str(exc).split())
            self.logger.error("%s", line)  # noqa: TRY400 - the message is the point
            raise click.exceptions.Exit(1) from None

    def discover_streams(self) -> list[EventsStream]:
        """The one stream; discovery makes no API call."""
        return [EventsStream(self)]


if __name__ == "__main__":
    TapGaLegacy.cli()
