"""tap-ga-legacy: Meltano's legacy Google Analytics telemetry, keyed on project_id."""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any

import click
from singer_sdk import Tap

# _dict_config and _classproperty are private to the SDK: only the
# _env_var_config override uses them (fenced: see sdk_fence.py).
from singer_sdk.configuration._dict_config import parse_environment_config
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers._classproperty import classproperty

from tap_ga_legacy.auth import JSON_CREDENTIALS, build_credentials, check_credentials
from tap_ga_legacy.errors import ChecksFailedError, ReportError
from tap_ga_legacy.settings import (
    CONFIG_SCHEMA,
    SettingsError,
    parse_settings,
    schema_errors,
)
from tap_ga_legacy.streams import (
    EXPLAINED,
    EventsStream,
    PageviewsStream,
    ReportStream,
    ReportWindowsStream,
)

if TYPE_CHECKING:
    from tap_ga_legacy.settings import Settings

#: ``report_windows`` records are written by the report syncs, per window.
PROOF_ALONE = (
    "report_windows is selected without events or pageviews: its records are"
    " written by their syncs, one per window pulled. Select events too (e.g."
    " `meltano select tap-ga-legacy events '*'`), or deselect report_windows."
)


class TapGaLegacy(Tap):
    """Pulls GA4 Data API and UA Reporting API v4 reports: `events`, `pageviews`."""

    name = "tap-ga-legacy"
    # A copy: the SDK appends its built-in settings to this dict in place, and
    # CONFIG_SCHEMA is ours alone (settings.py reads it for the bounds).
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)
    # msgspec serialises a RECORD several times faster than the default writer.
    message_writer_class = MsgSpecWriter

    @classproperty
    def _env_var_config(cls) -> dict[str, Any]:  # noqa: N805 - the SDK's signature
        """Config from ``TAP_GA_LEGACY_*`` variables (``--config ENV``).

        As the SDK reads them, except the settings that hold credentials as
        JSON: they stay the strings they are, for auth.py to parse. The SDK
        would parse them as objects and end a bad one in a traceback.
        """
        schema = cls.config_jsonschema
        cls.append_builtin_config(schema)
        as_text = {name: {"type": ["string"]} for name in JSON_CREDENTIALS}
        schema = {**schema, "properties": {**schema["properties"], **as_text}}
        return parse_environment_config(schema, cls._env_var_prefix)

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """The schema checks, plus what a schema cannot say (dates, credentials).

        Replaces the SDK's check, whose messages quote the offending value,
        secrets included (see settings.schema_errors). The credentials are
        looked into, and the settings parsed, only once every setting has the
        right type and is within its bounds.
        """
        schema = self.config_jsonschema
        self.append_builtin_config(schema)
        # The SDK's own check validates (and fills defaults into) this dict.
        errors = schema_errors(self._config, schema)
        if not errors:
            # Only values of the right types and within bounds can be parsed.
            credential_errors = check_credentials(dict(self.config))
            try:
                self.settings  # noqa: B018 - parsed here, once for the run
            except SettingsError as exc:
                errors.extend(exc.errors)
            errors.extend(credential_errors)
        if errors and raise_errors:
            raise ConfigValidationError(
                "Config validation failed", errors=errors, schema=CONFIG_SCHEMA
            )
        return errors

    @functools.cached_property
    def settings(self) -> Settings:
        """The typed settings, parsed once: by the config check, for every stream.

        Raises:
            SettingsError: naming every problem (the config check lists them).
        """
        return parse_settings(dict(self.config))

    def sync_all(self) -> None:
        """Sync; a failure the tap explains itself ends with that line, exit 1.

        Tracebacks are kept for the unexpected: a report that cannot be pulled
        or credentials that cannot be used already say what and why. Google's
        message text may hold newlines: they are folded, so the line is one.
        """
        try:
            reports = [s for s in self.streams.values() if isinstance(s, ReportStream)]
            if self.streams[ReportWindowsStream.name].selected and not any(
                s.selected for s in reports
            ):
                raise ReportError(PROOF_ALONE)
            for stream in reports:
                if not stream.selected:
                    continue
                # Credentials and their token first: refused credentials stop
                # the run here, before any stream starts or any request is sent;
                # so does a malformed archive file. Then every property's
                # checks and bookmark, before any report is requested.
                stream.clients  # noqa: B018
                stream.archive  # noqa: B018
                stream.preflight()
            try:
                super().sync_all()
            finally:
                proof = self.streams[ReportWindowsStream.name]
                if "counter" in vars(proof):  # a report_windows record was written
                    proof.counter.exit()
        except EXPLAINED as exc:
            problems = exc.problems if isinstance(exc, ChecksFailedError) else [exc]
            for problem in problems:
                line = " ".join(str(problem).split())
                self.logger.error("%s", line)  # noqa: TRY400 - the message is the point
            raise click.exceptions.Exit(1) from None

    def discover_streams(self) -> list[ReportStream | ReportWindowsStream]:
        """``events``, ``pageviews`` and their proof; discovery makes no API call."""
        proof = ReportWindowsStream(self)
        reports: list[ReportStream] = [EventsStream(self), PageviewsStream(self)]
        login = functools.cache(lambda: build_credentials(dict(self.config)))
        for stream in reports:
            stream.proof, stream.login = proof, login
            # Not parsed here: discovery needs no valid config.
            stream.parsed = lambda: self.settings
        return [*reports, proof]


if __name__ == "__main__":
    TapGaLegacy.cli()
