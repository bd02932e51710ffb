"""The ``events`` stream: one record per GA row, keyed on project_id."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING, Any

from singer_sdk import Stream
from singer_sdk import typing as th
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_ga_legacy.archive_files import read_archive
from tap_ga_legacy.auth import CredentialsError, build_credentials, describe
from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.fast_path import FastRecordsMixin
from tap_ga_legacy.ga4 import Ga4GrpcClient, Ga4RestClient
from tap_ga_legacy.rekey import (
    MISSING,
    OTHER,
    SOURCES,
    event_key,
    resolve_project_id,
)
from tap_ga_legacy.settings import Settings, parse_settings
from tap_ga_legacy.ua import UaClient

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from tap_ga_legacy.archive_files import Export
    from tap_ga_legacy.client import ReportClient, Row
    from tap_ga_legacy.settings import ArchiveSource

#: Failures whose message says what and why: they end the run with that line.
EXPLAINED = (ReportError, CredentialsError)
#: ``origin`` of the rows the APIs served, and of those read from GA
#: interface exports (the dbt project adds ``archive_table`` for the old
#: pipeline's warehouse table).
API = "api"
ARCHIVE_FILE = "archive_file"


def plan_range(
    settings: Settings, bookmark: str | None
) -> tuple[dt.date, dt.date] | None:
    """First and last day to pull for one property, or None if nothing is due.

    Without state: start_date to end_date. With a bookmark (the last day fully
    pulled), the ``lookback_days`` days up to and including it are pulled again,
    because GA data keeps changing for 24-48 hours; never before start_date.
    """
    start = settings.start_date
    if bookmark:
        resume = dt.date.fromisoformat(bookmark) + dt.timedelta(
            days=1 - settings.lookback_days
        )
        start = max(start, resume)
    if start > settings.end_date:
        return None
    return start, settings.end_date


def windows(
    start: dt.date, end: dt.date, days: int
) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive windows of at most ``days`` days covering start..end."""
    while start <= end:
        last = min(start + dt.timedelta(days=days - 1), end)
        yield start, last
        start = last + dt.timedelta(days=1)


class EventsStream(FastRecordsMixin, Stream):
    """Legacy Meltano CLI events, one record per GA (day, category, action, label)."""

    name = "events"
    # The same GA row can come from the API and from an export (same
    # event_key): both are kept, and dbt counts one origin per view and day.
    primary_keys = ("event_key", "origin")
    replication_key = "event_date"
    # Rows come ordered by date (orderBys) and windows advance in date order.
    is_sorted = True
    # Bookmarks are set at the end of each window by this stream, never from a
    # record in the middle of one: a STATE message mid-window would claim a day
    # as done while half of its rows are still to come.
    STATE_MSG_FREQUENCY = 10**12
    # Records are built with their final types; conforming them again per
    # record would only cost time.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    schema = th.PropertiesList(
        th.Property(
            "event_key",
            th.StringType,
            required=True,
            description="MD5 hex of the netstring serialisation of api,"
            " property_id, event_date, event_category, event_action,"
            " event_label and project_dimension.",
        ),
        th.Property(
            "property_id",
            th.StringType,
            required=True,
            description="GA4 property id or UA view id the row came from.",
        ),
        th.Property(
            "api",
            th.StringType(allowed_values=["ga4", "ua"]),
            required=True,
            description="`ga4` (Data API property) or `ua` (Reporting API view).",
        ),
        th.Property("event_date", th.DateType, required=True),
        th.Property("event_category", th.StringType, description="`meltano <cmd>`"),
        th.Property("event_action", th.StringType, description="The command line."),
        th.Property("event_label", th.StringType, description="As GA returned it."),
        th.Property(
            "project_dimension",
            th.StringType,
            description="Custom dimension 1 (the project_id), as GA returned it.",
        ),
        th.Property("event_count", th.IntegerType, description="Events that day."),
        th.Property(
            "project_id",
            th.UUIDType,
            description="Canonical lowercase project UUID, or null.",
        ),
        th.Property(
            "project_id_source",
            th.StringType(allowed_values=list(SOURCES)),
            required=True,
            description="Which rule gave project_id: label, custom_dimension,"
            " derived or missing.",
        ),
        th.Property(
            "origin",
            th.StringType(allowed_values=[API, ARCHIVE_FILE]),
            required=True,
            description="Where the row came from: `api` (the report APIs) or"
            " `archive_file` (a GA interface CSV export, `archive_files`).",
        ),
    ).to_dict()

    def log(
        self, message: str, *args: Any, level: int = logging.INFO, **kwargs: Any
    ) -> None:
        """Log, except the SDK's own line about a failure the tap explains.

        The SDK logs "An unhandled error occurred while syncing" for any
        exception before re-raising it; for a ReportError or CredentialsError
        the tap prints the one line that says why (tap.py), so this one only
        doubles it.
        """
        if level >= logging.ERROR and isinstance(sys.exc_info()[1], EXPLAINED):
            return
        super().log(message, *args, level=level, **kwargs)

    @property
    def check_sorted(self) -> bool:
        """Off: a lookback window starts before the saved bookmark on purpose."""
        return False

    @cached_property
    def settings(self) -> Settings:
        """The validated settings."""
        return parse_settings(dict(self.config))

    @cached_property
    def clients(self) -> dict[str, ReportClient]:
        """One report client per API in use, built on first use."""
        settings = self.settings
        if not settings.property_ids and not settings.view_ids:
            return {}  # archive files only: no credentials to look for
        credentials = build_credentials(dict(self.config))
        args = (settings, credentials, describe(credentials), self.logger)
        clients: dict[str, ReportClient] = {}
        if settings.property_ids:
            ga4 = Ga4GrpcClient if settings.transport == "grpc" else Ga4RestClient
            clients["ga4"] = ga4(*args)
        if settings.view_ids:
            clients["ua"] = UaClient(*args)
        return clients

    @cached_property
    def archive(self) -> dict[ArchiveSource, list[Export]]:
        """Every archive file, parsed before any is emitted (read_archive)."""
        return read_archive(self.settings.archive_files)

    @property
    def partitions(self) -> list[dict[str, Any]]:
        """One partition per GA4 property and UA view: each has its own bookmark.

        Then one per ``archive_files`` entry, whose state lists the files read.
        """
        settings = self.settings
        return (
            [{"api": "ga4", "property_id": p} for p in settings.property_ids]
            + [{"api": "ua", "property_id": v} for v in settings.view_ids]
            + [
                {
                    "api": "ua",
                    "property_id": source.view_id,
                    "origin": ARCHIVE_FILE,
                    "path": source.path,
                }
                for source in settings.archive_files
            ]
        )

    def get_records(self, context: dict[str, Any] | None) -> Iterable[dict[str, Any]]:
        """Pull each window of one property, then save its bookmark."""
        assert context is not None
        if context.get("origin") == ARCHIVE_FILE:
            yield from self._archive_records(context)
            return
        client = self.clients[context["api"]]
        property_id = context["property_id"]
        state = self.get_context_state(context)
        bookmark = state.get("replication_key_value")
        span = plan_range(self.settings, bookmark)
        label = f"{client.noun} {property_id}"
        if span is None:
            self.logger.info(
                "%s: up to date (bookmark %s, end_date %s)",
                label,
                bookmark,
                self.settings.end_date,
            )
            return
        start, end = span
        total_days = (end - start).days + 1
        self.logger.info(
            "%s: pulling %s..%s (%d days, bookmark %s)",
            label,
            start,
            end,
            total_days,
            bookmark,
        )
        totals: Counter[str] = Counter()
        for first, last in windows(start, end, self.settings.window_days):
            tally: Counter[str] = Counter()
            for rows in client.pages(property_id, first, last):
                self.set_time_extracted(dt.datetime.now(dt.UTC))
                yield from self._records(context, rows, tally)
            # Every row of the window has been written: it is safe to say so.
            done = last.isoformat()
            state["replication_key"] = self.replication_key
            state["replication_key_value"] = max(done, bookmark or done)
            self.finalize_state_progress_markers(state)
            totals.update(tally)
            self._log_window(label, first, last, tally, totals, end, total_days)
        self.logger.info(
            "%s: done, %d rows, %d without project_id (%s)",
            label,
            totals["rows"],
            totals[MISSING],
            ", ".join(f"{s}={totals[s]}" for s in SOURCES),
        )

    def _records(
        self,
        context: dict[str, Any],
        rows: Iterator[Row],
        tally: Counter[str],
    ) -> Iterator[dict[str, Any]]:
        # The hot loop: per row, only what is needed. The client has checked
        # and typed the values; project ids are memoised in rekey.
        property_id, api = context["property_id"], context["api"]
        origin = context.get("origin", API)
        sources: Counter[str] = Counter()
        for event_date, category, action, label, dimension, event_count in rows:
            project_id, source = resolve_project_id(label, dimension)
            sources[source] += 1
            if source == MISSING and OTHER in (category, action, label):
                tally["other_rows"] += 1
            yield {
                "event_key": event_key(
                    api, property_id, event_date, category, action, label, dimension
                ),
                "property_id": property_id,
                "api": api,
                "event_date": event_date,
                "event_category": category,
                "event_action": action,
                "event_label": label,
                "project_dimension": dimension,
                "event_count": event_count,
                "project_id": project_id,
                "project_id_source": source,
                "origin": origin,
            }
        tally.update(sources)
        tally["rows"] += sources.total()

    def _archive_records(self, context: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The rows of each file of one archive_files entry not read before.

        A file counts as read once all its rows are written: its path and
        SHA-256 then go into the partition's state (``files``), so a scheduled
        run skips it, and reads it again when its content changed.
        """
        source = next(
            s
            for s in self.archive
            if (s.path, s.view_id) == (context["path"], context["property_id"])
        )
        state = self.get_context_state(context)
        done: dict[str, str] = state.setdefault("files", {})
        exports = self.archive[source]
        if not exports:
            self.logger.warning(
                "archive_files: %s matches no file (view %s)",
                source.path,
                source.view_id,
            )
        for export in exports:
            name = str(export.path)
            if done.get(name) == export.sha256:
                self.logger.info("%s: read before, unchanged: skipped", name)
                continue
            self.set_time_extracted(dt.datetime.now(dt.UTC))
            tally: Counter[str] = Counter()
            yield from self._records(context, iter(export.rows), tally)
            done[name] = export.sha256
            self.finalize_state_progress_markers(state)
            self.logger.info(
                "%s: view %s, %s..%s: %d rows, %d without project_id",
                name,
                source.view_id,
                export.first_day,
                export.last_day,
                tally["rows"],
                tally[MISSING],
            )

    def _log_window(  # noqa: PLR0917
        self,
        label: str,
        first: dt.date,
        last: dt.date,
        tally: Counter[str],
        totals: Counter[str],
        end: dt.date,
        total_days: int,
    ) -> None:
        remaining = (end - last).days
        self.logger.info(
            "%s: %s..%s: %d rows, %d without project_id; %d rows so far, %.0f%% of"
            " the range done",
            label,
            first,
            last,
            tally["rows"],
            tally[MISSING],
            totals["rows"],
            100 * (total_days - remaining) / total_days,
        )
        if tally["other_rows"]:
            self.logger.warning(
                "%s: %s..%s: %d '(other)' rows: GA rolled rare combinations"
                " together. Lower window_days.",
                label,
                first,
                last,
                tally["other_rows"],
            )
