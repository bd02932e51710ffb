"""The streams: ``events``, ``pageviews`` (keyed on project_id), ``report_windows``.

``events`` (Meltano's CLI) and ``pageviews`` (Meltano UI) are declarations
over one ``ReportStream``: a report (reports.py), the settings that list its
properties, its schema and its archive format. ``ReportStream`` walks each
property's windows (windows.py) and writes their rows (sync.py), the same
code for either. ``report_windows`` is the proof, one record per window kept
by either stream. The schemas are in schemas.py, and the SDK hooks overridden
without a public one are listed in sdk_fence.py.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import Stream, metrics
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_ga_legacy.archive_files import (
    EVENTS_FORMAT,
    PAGES_FORMAT,
    iter_rows,
    read_archive,
)
from tap_ga_legacy.auth import CredentialsError, describe
from tap_ga_legacy.errors import ChecksFailedError, ReportError
from tap_ga_legacy.fast_path import FastRecordsMixin
from tap_ga_legacy.ga4 import Ga4GrpcClient, Ga4RestClient
from tap_ga_legacy.ga_values import int64
from tap_ga_legacy.quality import warn_quality
from tap_ga_legacy.rekey import SOURCES
from tap_ga_legacy.report_client import STOPPED
from tap_ga_legacy.reports import EVENTS, PAGEVIEWS
from tap_ga_legacy.schemas import (
    ARCHIVE_FILE,
    EVENTS_SCHEMA,
    PAGEVIEWS_SCHEMA,
    REPORT_WINDOWS_SCHEMA,
)
from tap_ga_legacy.sync import WindowTally, reconcile, records
from tap_ga_legacy.ua import UaClient
from tap_ga_legacy.windows import (
    RESET,
    Planner,
    bookmark_problem,
    doubt,
    final_through,
    past_yesterday,
    plan_range,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    import google.auth.credentials

    from tap_ga_legacy.archive_files import Export
    from tap_ga_legacy.report_client import ReportClient, Window
    from tap_ga_legacy.reports import Report, ReportSpec
    from tap_ga_legacy.settings import ArchiveSource, Settings

#: Failures whose message says what and why: they end the run with that line.
EXPLAINED = (ReportError, CredentialsError)


class PartitionCounter(metrics.Counter):
    """A record counter that says what each partition counted.

    The SDK counts all of a stream's partitions with one counter and logs its
    total once, tagged with the context it was last given: the API's rows
    were credited to the archive_file partition. This one logs the count so
    far whenever the context changes, so each point is one partition's.
    """

    def with_context(self, value: dict[str, Any] | None) -> None:
        """Log what the previous partition counted, then count for ``value``."""
        if self.context is not None and value != self.context:
            self.exit()  # logs the count so far and starts again from 0
        super().with_context(value)


def partition_counter(stream: Stream) -> PartitionCounter:
    """The ``record_count`` counter of ``stream``, one point per partition."""
    tags = metrics.record_counter(stream.name).tags
    return PartitionCounter(metrics.Metric.RECORD_COUNT, tags)


class ExplainedFailureFilter(logging.Filter):
    """Drops the SDK's own ERROR line about a failure the tap explains.

    The SDK logs "An unhandled error occurred while syncing" through the
    stream's logger for any exception before re-raising it; for a
    ReportError or CredentialsError the tap prints the one line that says why
    (tap.py), so this one only doubles it. Fenced: see sdk_fence.py.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False (drop) for an ERROR line while an explained failure is raised."""
        return record.levelno < logging.ERROR or not isinstance(
            sys.exc_info()[1], EXPLAINED
        )


#: One instance: a logger keeps a filter once however many taps are built.
EXPLAINED_FAILURE_FILTER = ExplainedFailureFilter()


class ReportStream(FastRecordsMixin, Stream):
    """One report's rows, property by property and window by window.

    A subclass declares the report (``report``), which settings list its
    properties (``property_settings``), its schema and the ``format`` of its
    archive files; everything else is here.
    """

    #: The report the stream pulls.
    report: ReportSpec
    #: API -> the setting (a ``Settings`` field) listing its properties.
    property_settings: ClassVar[dict[str, str]]
    #: The ``format`` of the ``archive_files`` entries read into this stream.
    archive_format: str
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
    #: The ``report_windows`` stream this sync writes to (set by the tap).
    proof: ReportWindowsStream
    #: The run's credentials, built (and their token fetched) once for all
    #: report streams (set by the tap).
    login: Callable[[], google.auth.credentials.Credentials]
    #: The run's settings, parsed once for all report streams (set by the tap).
    parsed: Callable[[], Settings]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The stream, its logger filtered (ExplainedFailureFilter)."""
        super().__init__(*args, **kwargs)
        self.logger.addFilter(EXPLAINED_FAILURE_FILTER)

    def get_record_counter(self, **_: Any) -> PartitionCounter:
        """One ``record_count`` point per partition (PartitionCounter)."""
        return partition_counter(self)

    @property
    def check_sorted(self) -> bool:
        """Off: a lookback window starts before the saved bookmark on purpose."""
        return False

    @property
    def settings(self) -> Settings:
        """The validated settings, parsed once for the run (``parsed``)."""
        return self.parsed()

    @cached_property
    def property_ids(self) -> dict[str, tuple[str, ...]]:
        """API -> the properties (GA4) or views (UA) to pull, from the settings."""
        return {
            api: getattr(self.settings, name)
            for api, name in self.property_settings.items()
        }

    @cached_property
    def archive_sources(self) -> tuple[ArchiveSource, ...]:
        """The ``archive_files`` entries whose files this stream reads."""
        return tuple(
            s for s in self.settings.archive_files if s.format == self.archive_format
        )

    @cached_property
    def clients(self) -> dict[str, ReportClient]:
        """One report client per API in use, built on first use."""
        settings = self.settings
        apis = [api for api, ids in self.property_ids.items() if ids]
        if not apis:
            return {}  # archive files only: no credentials to look for
        credentials = self.login()
        args = (settings, credentials, describe(credentials), self.logger)
        ga4 = Ga4GrpcClient if settings.transport == "grpc" else Ga4RestClient
        kinds: dict[str, type[ReportClient]] = {"ga4": ga4, "ua": UaClient}
        return {
            api: kinds[api](*args, settings.report(self.report.stream, api))
            for api in apis
        }

    @cached_property
    def archive(self) -> dict[ArchiveSource, list[Export]]:
        """Every archive file checked, before any is emitted (read_archive).

        The saved state of each archive partition is checked first: a run
        that cannot record which files it read must not read them.
        """
        for context in self.partitions:
            if context.get("origin") == ARCHIVE_FILE:
                self._files_read(context)
        return read_archive(self.archive_sources)

    def _files_read(self, context: dict[str, Any]) -> dict[str, str]:
        """The partition's ``files`` state (path -> SHA-256), checked."""
        state = self.get_context_state(context)
        done = state.setdefault("files", {})
        if not isinstance(done, dict) or not all(
            isinstance(v, str) for v in done.values()
        ):
            msg = (
                f"state: the archive_files partition of {context['path']!r} (view"
                f" {context['property_id']}) holds 'files' as a"
                f" {type(done).__name__}, not a mapping of path to SHA-256;"
                " remove that partition from the state (`meltano state edit"
                " <state_id>`, or run without --state) and its files are read"
                " again."
            )
            raise ReportError(msg)
        return done

    @property
    def partitions(self) -> list[dict[str, Any]]:
        """One partition per GA4 property and UA view: each has its own bookmark.

        Then one per ``archive_files`` entry, whose state lists the files read.
        """
        return [
            {"api": api, "property_id": p}
            for api, ids in self.property_ids.items()
            for p in ids
        ] + [
            {
                "api": "ua",
                "property_id": source.view_id,
                "origin": ARCHIVE_FILE,
                "path": source.path,
            }
            for source in self.archive_sources
        ]

    def preflight(self) -> None:
        """Every check of every property, before the run's first report.

        Each saved bookmark, then GA4's ``getMetadata`` and
        ``checkCompatibility`` for each property with days to pull. Every
        problem found is raised at once, one line each.
        """
        problems: list[str] = []
        # Read, never written: get_context_state would add a partition to the
        # state, which the SDK then writes in its first STATE message.
        saved = {
            json.dumps(p.get("context"), sort_keys=True): p
            for p in self.tap_state.get("bookmarks", {})
            .get(self.name, {})
            .get("partitions", [])
        }
        due = []
        for context in self.partitions:
            if context.get("origin") == ARCHIVE_FILE:
                continue
            client = self.clients[context["api"]]
            partition = saved.get(json.dumps(context, sort_keys=True), {})
            bookmark = partition.get("replication_key_value")
            day, problem = bookmark_problem(
                bookmark, self.settings.end_date, client.server_now()
            )
            if problem:
                problems.append(
                    f"{client.name(context['property_id'])}: the state's bookmark"
                    f" {problem}. {RESET}"
                )
            elif context["api"] == "ga4" and plan_range(
                self.settings, day, "ga4", client.server_now()
            ):
                due.append(context["property_id"])
        # Only properties with days to pull: an up-to-date one costs nothing.
        for property_id in due:
            try:
                self.clients["ga4"].check(property_id)
            except ChecksFailedError as exc:
                problems += exc.problems
            except ReportError as exc:
                problems.append(str(exc))
        if problems:
            raise ChecksFailedError(problems)

    def _increment_stream_state(
        self, latest_record: dict[str, Any], *, context: dict | None = None
    ) -> None:
        """Nothing: the bookmark is not a record's, it is the window's.

        The SDK would move the bookmark to every record's ``event_date``
        (``is_sorted``): past days that are not final yet, and back to a
        lookback day. get_records sets it instead, once a window's rows are
        all written, to the last final day of a run of final days. Fenced:
        see sdk_fence.py.
        """

    def get_records(self, context: dict[str, Any] | None) -> Iterable[dict[str, Any]]:
        """Pull each window of one property, then save its bookmark."""
        if context is None:
            # No partition: the SDK asks once without one. Nothing is listed.
            return
        if context.get("origin") == ARCHIVE_FILE:
            yield from self._archive_records(context)
            return
        client = self.clients[context["api"]]
        property_id = context["property_id"]
        state = self.get_context_state(context)
        bookmark = state.get("replication_key_value")
        # Checked before the run's first request (preflight).
        day, _ = bookmark_problem(bookmark, None, client.server_now())
        span = plan_range(self.settings, day, context["api"], client.server_now())
        label = client.name(property_id)
        if span is None:
            self.logger.info(
                "%s: up to date (bookmark %s, end_date %s)",
                label,
                bookmark,
                self.settings.end_date,
            )
            return
        start, end = span
        self.logger.info(
            "%s: pulling %s..%s (bookmark %s)", label, start, end, bookmark
        )
        settings = self.settings
        report = client.report
        planner = Planner(start, end, settings.window_days, settings.max_window_days)
        totals = WindowTally()
        # The bookmark moves only while every day so far is final.
        final_so_far = True
        while (piece := planner.next()) is not None:
            first, last, depth = piece
            window = client.open(property_id, first, last)
            answer = window.answer
            if settings.end_date is None and past_yesterday(planner, window):
                planner.pending.append((first, last, depth))
                continue
            if self._split(planner, window, depth):
                continue
            warn_quality(
                self.logger,
                window.subject,
                sampled=answer.sampled,
                other_row=answer.other_row,
                thresholded=answer.thresholded,
                golden=answer.golden,
            )
            tally = WindowTally()
            for rows in window.pages:
                self.set_time_extracted(dt.datetime.now(dt.UTC))
                yield from records(report, context, rows, tally)
            reconcile(window.subject, report, tally, answer)
            through = final_through(
                answer, first, last, window.server_now(), settings.finality_hours
            )
            if final_so_far and through is not None:
                done = through.isoformat()
                state["replication_key"] = self.replication_key
                state["replication_key_value"] = max(done, bookmark or done)
            final_so_far = final_so_far and through == last
            self._prove(context, window, tally, through, depth)
            # Every row of the window has been written: it is safe to say so.
            self.finalize_state_progress_markers(state)
            totals.add(tally)
            planner.done(first, last, depth, easy=tally.rows < window.page_size // 4)
            self._log_window(label, first, last, tally, totals, through)
        self.logger.info(
            "%s: done, %d rows, %d without project_id (%s)",
            label,
            totals.rows,
            totals.missing,
            ", ".join(f"{s}={totals.sources[s]}" for s in SOURCES),
        )

    def _split(self, planner: Planner, window: Window, depth: int) -> bool:
        """Whether the window is to be pulled again as halves.

        Decided on its first page: a sampled or ``(other)`` answer is never
        kept, except for a single day with ``on_sampled: split``, which is
        kept and flagged (``on_sampled: fail`` stops instead).
        """
        first, last = window.first, window.last
        reasons = doubt(window.answer)
        if reasons and first < last:
            self.logger.info(
                "%s: %s..%s: %s: pulling it again as two halves",
                window.name,
                first,
                last,
                reasons,
            )
            planner.split(first, last, depth)
            return True
        if reasons and self.settings.on_sampled == "fail":
            msg = (
                f"{window.subject}: GA still reports"
                f" {reasons} for this single day (on_sampled: fail). {STOPPED}"
            )
            raise ReportError(msg)
        return False

    def _prove(
        self,
        context: dict[str, Any],
        window: Window,
        tally: WindowTally,
        through: dt.date | None,
        depth: int,
    ) -> None:
        """Write the window's ``report_windows`` record, if that stream is selected."""
        proof = self.proof
        if not proof.selected:
            return
        if not proof.schema_sent:
            proof._write_schema_message()
            proof.schema_sent = True
        answer = window.answer
        read, space = answer.sampled[0] if answer.sampled else (None, None)
        # The first reconciled metric is the one the proof columns hold.
        (at, *_) = self.clients[context["api"]].report.reconciled_at
        proof._write_record_message(
            {
                "property_id": context["property_id"],
                "api": context["api"],
                "stream": self.name,
                "first_day": window.first.isoformat(),
                "last_day": window.last.isoformat(),
                "rows": tally.rows,
                "events_sum": tally.sums[at] if at < len(tally.sums) else 0,
                "events_total": answer.totals[at] if at < len(answer.totals) else None,
                "sampled": bool(answer.sampled),
                # None too for a figure that is not an int64: see warn_quality.
                "samples_read": None if read is None else int64(read),
                "sampling_space": None if space is None else int64(space),
                "data_loss_from_other_row": answer.other_row,
                "other_rows": tally.other_rows,
                "subject_to_thresholding": answer.thresholded,
                "is_data_golden": answer.golden,
                "time_zone": answer.time_zone or None,
                "final_through": through and through.isoformat(),
                "split_depth": depth,
                "requests": window.requests,
                "quota_tokens_consumed": window.tokens,
                "extracted_at": dt.datetime.now(dt.UTC).isoformat(),
            }
        )
        proof.counter.with_context(context)
        proof.counter.increment()

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
        done = self._files_read(context)
        exports = self.archive[source]
        for export in exports:
            name = str(export.path)
            if done.get(name) == export.sha256:
                self.logger.info("%s: read before, unchanged: skipped", name)
                continue
            self.set_time_extracted(dt.datetime.now(dt.UTC))
            tally = WindowTally()
            yield from records(self.archive_report, context, iter_rows(export), tally)
            done[name] = export.sha256
            self.finalize_state_progress_markers(state)
            self.logger.info(
                "%s: view %s, %s..%s: %d rows, %d without project_id",
                name,
                source.view_id,
                export.first_day,
                export.last_day,
                tally.rows,
                tally.missing,
            )

    @cached_property
    def archive_report(self) -> Report:
        """The report as an export holds it: every dimension, optional ones too."""
        return self.report.resolve("ua", {})

    def _log_window(  # noqa: PLR0917
        self,
        label: str,
        first: dt.date,
        last: dt.date,
        tally: WindowTally,
        totals: WindowTally,
        through: dt.date | None,
    ) -> None:
        counted = self.report.reconciled[0]
        at = self.report.metrics.index(counted)
        self.logger.info(
            "%s: %s..%s: %d rows, %d %s (GA's total agrees), %d without"
            " project_id; final through %s; %d rows so far",
            label,
            first,
            last,
            tally.rows,
            tally.sums[at] if at < len(tally.sums) else 0,
            self.report.units[counted],
            tally.missing,
            through or "none of it: pulled again next run",
            totals.rows,
        )
        if tally.other_rows:
            self.logger.warning(
                "%s: %s..%s: %d '(other)' rows: GA rolled rare combinations"
                " together even on a single day.",
                label,
                first,
                last,
                tally.other_rows,
            )


class EventsStream(ReportStream):
    """Legacy Meltano CLI events, one record per GA (day, category, action, label)."""

    name = "events"
    # The same GA row can come from the API and from an export (same
    # event_key): both are kept, and dbt counts one origin per view and day.
    primary_keys = ("event_key", "origin")
    schema = EVENTS_SCHEMA
    report = EVENTS
    property_settings: ClassVar = {"ga4": "property_ids", "ua": "view_ids"}
    archive_format = EVENTS_FORMAT


class PageviewsStream(ReportStream):
    """Meltano UI pageviews, one record per GA (day, project, version, page)."""

    name = "pageviews"
    primary_keys = ("pageview_key", "origin")
    schema = PAGEVIEWS_SCHEMA
    report = PAGEVIEWS
    property_settings: ClassVar = {"ua": "ui_view_ids"}
    archive_format = PAGES_FORMAT


class ReportWindowsStream(Stream):
    """``report_windows``: the proof, one record per window the tap kept.

    Written by the ``events`` and ``pageviews`` syncs, right after a window's
    rows and before its STATE, so a run that stops keeps the proof of what it
    loaded; ``stream`` says whose window it was.
    """

    name = "report_windows"
    primary_keys = ("property_id", "api", "first_day", "last_day", "extracted_at")

    schema = REPORT_WINDOWS_SCHEMA
    #: Whether a sync has written the SCHEMA message before its first record.
    schema_sent = False

    @cached_property
    def counter(self) -> PartitionCounter:
        """Counts the records the report syncs write here, per partition.

        The SDK's own counter of this stream sees none: they do not come
        from ``get_records``. The tap logs it when the sync ends.
        """
        return partition_counter(self)

    def get_records(self, context: dict[str, Any] | None) -> Iterable[dict[str, Any]]:
        """Nothing of its own: the report syncs write each window's record."""
        return []
