"""Every place the tap overrides singer-sdk where it offers no public hook.

Each of these leans on how the SDK works inside, not on a promise it makes, so
an upgrade could stop calling an override or rename a private name without
any error: the tap would go on, wrong. They were read against the SDK's source
at ``SDK_CHECKED`` (pyproject pins ``>=0.54.9,<0.55``);
tests/tap/test_sdk_fence.py runs a sync in-process and fails when one of them
is no longer called, when a private name is gone, when the SDK writes a
bookmark of its own, or when another SDK version is installed. Before raising
the pin, read each entry against the new SDK's source, then move
``SDK_CHECKED``.

Everything else the tap does with the SDK goes through public, documented
hooks (``get_records``, ``get_record_counter``, ``check_sorted``,
``finalize_state_progress_markers``, ``message_writer_class``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The singer-sdk version every entry of FENCE was checked on.
SDK_CHECKED = "0.54.9"


@dataclass(frozen=True)
class Fenced:
    """One override of, or call into, an SDK name that is not a public hook."""

    #: The tap's class that overrides or calls it.
    owner: str
    #: The SDK's name, as ``Class.attribute`` of singer_sdk.Stream or
    #: singer_sdk.plugin_base.PluginBase.
    sdk: str
    #: What the tap would do wrong without it.
    why: str


FENCE: tuple[Fenced, ...] = (
    Fenced(
        "ReportStream",
        "Stream._increment_stream_state",
        "A no-op: bookmarks move at window ends, to the last final day only"
        " (ReportStream.get_records, for events and pageviews alike). The"
        " SDK's own would set every record's event_date as the bookmark"
        " (is_sorted), days that are not final yet included, and a lookback"
        " day would move it backwards.",
    ),
    Fenced(
        "ReportStream",
        "Stream._process_record",
        "A no-op (fast_path.py): records carry their partition keys and the"
        " stream has no children, so the SDK's work per record does nothing.",
    ),
    Fenced(
        "ReportStream",
        "Stream._write_record_message",
        "The fast path (fast_path.py): a record the SDK would write unchanged"
        " is encoded straight to stdout; anything else takes the SDK's path.",
    ),
    Fenced(
        "ReportStream",
        "Stream._write_schema_message",
        "Called, not overridden: report_windows records are written by the"
        " events and pageviews syncs, one right after each window's rows and before its"
        " STATE, so a run that stops keeps the proof of what it loaded. The SDK"
        " writes a stream's records only from its own get_records.",
    ),
    Fenced(
        "ReportStream",
        "Stream._write_record_message (of report_windows)",
        "Called, as _write_schema_message; it applies report_windows' stream maps.",
    ),
    Fenced(
        "TapGaLegacy",
        "PluginBase._env_var_config",
        "Reads TAP_GA_LEGACY_* variables as the SDK does (with the private"
        " singer_sdk.configuration._dict_config.parse_environment_config and"
        " singer_sdk.helpers._classproperty), except the credentials settings:"
        " they stay strings for auth.py to parse, where the SDK would parse"
        " them as objects and end a bad one in a traceback.",
    ),
    Fenced(
        "TapGaLegacy",
        "PluginBase._validate_config",
        "The SDK's messages quote the offending value, secrets included; this"
        " one names the setting only (settings.schema_errors), then checks"
        " what a schema cannot say. It fills defaults into the private"
        " ``_config`` dict, as the SDK's check does: ``config`` is read-only.",
    ),
    Fenced(
        "ReportStream",
        "Stream.sync (its ERROR line)",
        "Not an override: a logging.Filter on the stream's logger"
        " (streams.ExplainedFailureFilter) drops the SDK's 'An unhandled error"
        " occurred while syncing' line while a failure the tap explains in one"
        " line of its own is raised. It relies on the SDK logging that line"
        " through the stream's logger.",
    ),
)
