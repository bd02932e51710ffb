"""The ``events`` stream: one record per GA row, keyed on project_id."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from singer_sdk import Stream, metrics
from singer_sdk import typing as th
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_ga_legacy.archive_files import iter_rows, read_archive
from tap_ga_legacy.auth import CredentialsError, build_credentials, describe
from tap_ga_legacy.errors import ChecksFailedError, ReportError
from tap_ga_legacy.fast_path import FastRecordsMixin
from tap_ga_legacy.ga4 import Ga4GrpcClient, Ga4RestClient
from tap_ga_legacy.ga_values import OTHER, int64
from tap_ga_legacy.quality import warn_quality
from tap_ga_legacy.rekey import (
    MISSING,
    SOURCES,
    event_key,
    resolve_project_id,
)
from tap_ga_legacy.report_client import STOPPED
from tap_ga_legacy.settings import Settings, parse_settings
from tap_ga_legacy.ua import UaClient

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from tap_ga_legacy.archive_files import Export
    from tap_ga_legacy.ga_values import Row
    from tap_ga_legacy.report_client import Answer, ReportClient, Window
    from tap_ga_legacy.settings import ArchiveSource

#: A bookmark as the tap writes it.
BOOKMARK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: How to drop a bookmark the tap cannot resume from.
RESET = (
    "Reset it: `meltano state clear <state id>` (`meltano state list` shows"
    " the ids), or run with a --state file without it."
)
#: Failures whose message says what and why: they end the run with that line.
EXPLAINED = (ReportError, CredentialsError)
#: ``origin`` of the rows the APIs served, and of those read from GA
#: interface exports (the dbt project adds ``archive_table`` for the old
#: pipeline's warehouse table).
API = "api"
ARCHIVE_FILE = "archive_file"


def plan_range(
    settings: Settings, bookmark: dt.date | None, api: str, now: dt.datetime
) -> tuple[dt.date, dt.date] | None:
    """First and last day to pull for one property, or None if nothing is due.

    Without state: start_date to end_date. With a bookmark (the last final day
    fully pulled), the ``lookback_days`` days up to and including it are pulled
    again; never before start_date. Without end_date the range ends at
    yesterday by ``now`` (Google's clock as far as it is known): in UTC for UA;
    for GA4 at today UTC until the property's time zone says where its
    yesterday is (``past_yesterday``).
    """
    today = now.astimezone(dt.UTC).date()
    yesterday = today - dt.timedelta(days=1)
    end = settings.end_date or (yesterday if api == "ua" else today)
    start = settings.start_date
    if bookmark:
        resume = bookmark + dt.timedelta(days=1 - settings.lookback_days)
        start = max(start, resume)
    if start > end:
        return None
    return start, end


def bookmark_problem(
    value: object, end_date: dt.date | None, now: dt.datetime
) -> tuple[dt.date | None, str]:
    """A saved bookmark as a day, or why it cannot be one (``""``: it can).

    The tap writes ``YYYY-MM-DD`` only, the last final day pulled: before
    today in every time zone, never after end_date.
    """
    if value is None:
        return None, ""
    text = value if isinstance(value, str) else None
    day = None
    if text is not None and BOOKMARK.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
    if day is None:
        return None, f"{value!r} is not a day as the tap writes it (YYYY-MM-DD)"
    today = now.astimezone(dt.UTC).date()
    if day > today:
        return day, f"{day} is after today ({today} UTC): no day after it is final"
    if end_date and day > end_date:
        return day, f"{day} is after end_date {end_date}: nothing would be pulled"
    return day, ""


@dataclass
class Planner:
    """The windows of one range: halves of a doubtful one, growth after easy ones."""

    cursor: dt.date
    end: dt.date
    size: int
    max_size: int
    #: Halves still to pull, the next one last: ``(first, last, split depth)``.
    pending: list[tuple[dt.date, dt.date, int]] = field(default_factory=list)

    def next(self) -> tuple[dt.date, dt.date, int] | None:
        """The next window to pull, or None when the range is done."""
        while self.pending:
            first, last, depth = self.pending.pop()
            if first <= self.end:
                return first, min(last, self.end), depth
        if self.cursor > self.end:
            return None
        last = min(self.cursor + dt.timedelta(days=self.size - 1), self.end)
        return self.cursor, last, 0

    def split(self, first: dt.date, last: dt.date, depth: int) -> None:
        """Pull ``first..last`` again as two halves."""
        middle = first + dt.timedelta(days=(last - first).days // 2)
        self.pending += [
            (middle + dt.timedelta(days=1), last, depth + 1),
            (first, middle, depth + 1),
        ]

    def done(self, first: dt.date, last: dt.date, depth: int, *, easy: bool) -> None:
        """``first..last`` is written; ``easy``: it filled under a quarter page."""
        self.cursor = last + dt.timedelta(days=1)
        days = (last - first).days + 1
        if depth:
            # What had to be split is dense: go on at the size that worked.
            self.size = days
        elif easy:
            self.size = min(2 * days, self.max_size)


def final_through(
    answer: Answer, first: dt.date, last: dt.date, now: dt.datetime, hours: int
) -> dt.date | None:
    """The last final day of a window, or None if none of it is final.

    UA says so per answer (``isDataGolden``). GA4 does not: a day is taken as
    final ``hours`` after its end in the property's time zone, by GA's clock.
    """
    if answer.golden is not None:
        return last if answer.golden else None
    zone = zoneinfo.ZoneInfo(answer.time_zone or "UTC")
    last_final = (now - dt.timedelta(hours=hours)).astimezone(zone).date()
    last_final -= dt.timedelta(days=1)
    return min(last, last_final) if last_final >= first else None


def past_yesterday(planner: Planner, client: ReportClient, window: Window) -> bool:
    """End the range at yesterday in the property's time zone, by Google's clock.

    True if the window reaches past it: it is pulled again, shorter.
    """
    # UA answers carry no time zone: a UA view's days are taken as UTC.
    zone = zoneinfo.ZoneInfo(window.answer.time_zone or "UTC")
    today = client.server_now().astimezone(zone).date()
    # The plan's end was this machine's guess until Google's clock was known:
    # Google's yesterday replaces it, earlier or later.
    planner.end = today - dt.timedelta(days=1)
    return window.last > planner.end


def reconcile(subject: str, tally: Counter[str], answer: Answer) -> None:
    """Stop unless the window's rows add up to GA's own total."""
    if answer.total is not None and tally["events"] != answer.total:
        msg = (
            f"{subject}: the rows add up to {tally['events']} events, GA's total"
            f" for the window is {answer.total}: GA changed or dropped rows while"
            " they were read. Run again; if it persists, lower window_days and"
            f" report it. {STOPPED}"
        )
        raise ReportError(msg)


def doubt(answer: Answer) -> str:
    """What makes GA's answer not the whole truth, or ``""``."""
    reasons = [
        f"SAMPLED ({read} of {space} sessions read)" for read, space in answer.sampled
    ]
    if answer.other_row:
        reasons.append("rows rolled into '(other)' (dataLossFromOtherRow)")
    return ", ".join(reasons)


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
    _proof_schema_sent = False
    #: The ``report_windows`` stream this sync writes to (set by the tap).
    proof: ReportWindowsStream

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The stream, its logger filtered (ExplainedFailureFilter)."""
        super().__init__(*args, **kwargs)
        self.logger.addFilter(EXPLAINED_FAILURE_FILTER)

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

    def get_record_counter(self, **_: Any) -> PartitionCounter:
        """One ``record_count`` point per partition (PartitionCounter)."""
        return partition_counter(self)

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
        """Every archive file checked, before any is emitted (read_archive).

        The saved state of each archive partition is checked first: a run
        that cannot record which files it read must not read them.
        """
        for context in self.partitions:
            if context.get("origin") == ARCHIVE_FILE:
                self._files_read(context)
        return read_archive(self.settings.archive_files)

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
                    f"{client.noun} {context['property_id']}: the state's bookmark"
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
        assert context is not None
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
        self.logger.info(
            "%s: pulling %s..%s (bookmark %s)", label, start, end, bookmark
        )
        settings = self.settings
        planner = Planner(start, end, settings.window_days, settings.max_window_days)
        totals: Counter[str] = Counter()
        # The bookmark moves only while every day so far is final.
        final_so_far = True
        while (piece := planner.next()) is not None:
            first, last, depth = piece
            window = client.open(property_id, first, last)
            answer = window.answer
            if settings.end_date is None and past_yesterday(planner, client, window):
                planner.pending.append((first, last, depth))
                continue
            if self._split(planner, client, window, property_id, depth):
                continue
            warn_quality(
                self.logger,
                client.subject(property_id, first, last),
                sampled=answer.sampled,
                other_row=answer.other_row,
                thresholded=answer.thresholded,
                golden=answer.golden,
            )
            tally: Counter[str] = Counter()
            for rows in window.pages:
                self.set_time_extracted(dt.datetime.now(dt.UTC))
                yield from self._records(context, rows, tally)
            reconcile(client.subject(property_id, first, last), tally, answer)
            through = final_through(
                answer, first, last, client.server_now(), settings.finality_hours
            )
            if final_so_far and through is not None:
                done = through.isoformat()
                state["replication_key"] = self.replication_key
                state["replication_key_value"] = max(done, bookmark or done)
            final_so_far = final_so_far and through == last
            self._prove(context, window, tally, through, depth)
            # Every row of the window has been written: it is safe to say so.
            self.finalize_state_progress_markers(state)
            totals.update(tally)
            planner.done(first, last, depth, easy=tally["rows"] < client.page_size // 4)
            self._log_window(label, first, last, tally, totals, through)
        self.logger.info(
            "%s: done, %d rows, %d without project_id (%s)",
            label,
            totals["rows"],
            totals[MISSING],
            ", ".join(f"{s}={totals[s]}" for s in SOURCES),
        )

    def _split(
        self,
        planner: Planner,
        client: ReportClient,
        window: Window,
        property_id: str,
        depth: int,
    ) -> bool:
        """Whether the window is to be pulled again as halves.

        Decided on its first page: a sampled or ``(other)`` answer is never
        kept, except for a single day with ``on_sampled: split``, which is
        kept and flagged (``on_sampled: fail`` stops instead).
        """
        first, last = window.first, window.last
        reasons = doubt(window.answer)
        if reasons and first < last:
            self.logger.info(
                "%s %s: %s..%s: %s: pulling it again as two halves",
                client.noun,
                property_id,
                first,
                last,
                reasons,
            )
            planner.split(first, last, depth)
            return True
        if reasons and self.settings.on_sampled == "fail":
            msg = (
                f"{client.subject(property_id, first, last)}: GA still reports"
                f" {reasons} for this single day (on_sampled: fail). {STOPPED}"
            )
            raise ReportError(msg)
        return False

    def _prove(
        self,
        context: dict[str, Any],
        window: Window,
        tally: Counter[str],
        through: dt.date | None,
        depth: int,
    ) -> None:
        """Write the window's ``report_windows`` record, if that stream is selected."""
        proof = self.proof
        if not proof.selected:
            return
        if not self._proof_schema_sent:
            proof._write_schema_message()
            self._proof_schema_sent = True
        answer = window.answer
        read, space = answer.sampled[0] if answer.sampled else (None, None)
        proof._write_record_message(
            {
                "property_id": context["property_id"],
                "api": context["api"],
                "first_day": window.first.isoformat(),
                "last_day": window.last.isoformat(),
                "rows": tally["rows"],
                "events_sum": tally["events"],
                "events_total": answer.total,
                "sampled": bool(answer.sampled),
                # None too for a figure that is not an int64: see warn_quality.
                "samples_read": None if read is None else int64(read),
                "sampling_space": None if space is None else int64(space),
                "data_loss_from_other_row": answer.other_row,
                "other_rows": tally["other_rows"],
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
        events = 0
        for event_date, category, action, label, dimension, event_count in rows:
            project_id, source = resolve_project_id(label, dimension)
            sources[source] += 1
            events += event_count
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
        tally["events"] += events

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
            tally: Counter[str] = Counter()
            yield from self._records(context, iter_rows(export), tally)
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
        through: dt.date | None,
    ) -> None:
        self.logger.info(
            "%s: %s..%s: %d rows, %d events (GA's total agrees), %d without"
            " project_id; final through %s; %d rows so far",
            label,
            first,
            last,
            tally["rows"],
            tally["events"],
            tally[MISSING],
            through or "none of it: pulled again next run",
            totals["rows"],
        )
        if tally["other_rows"]:
            self.logger.warning(
                "%s: %s..%s: %d '(other)' rows: GA rolled rare combinations"
                " together even on a single day.",
                label,
                first,
                last,
                tally["other_rows"],
            )


class ReportWindowsStream(Stream):
    """``report_windows``: the proof, one record per window the tap kept.

    Written by the ``events`` sync, right after a window's rows and before
    its STATE, so a run that stops keeps the proof of what it loaded.
    """

    name = "report_windows"
    primary_keys = ("property_id", "api", "first_day", "last_day", "extracted_at")

    schema = th.PropertiesList(
        th.Property(
            "property_id",
            th.StringType,
            required=True,
            description="GA4 property id or UA view id.",
        ),
        th.Property(
            "api",
            th.StringType(allowed_values=["ga4", "ua"]),
            required=True,
            description="`ga4` or `ua`.",
        ),
        th.Property(
            "first_day",
            th.DateType,
            required=True,
            description="First day of the window (date).",
        ),
        th.Property(
            "last_day",
            th.DateType,
            required=True,
            description="Last day of the window, inclusive (date).",
        ),
        th.Property(
            "rows",
            th.IntegerType,
            description="Rows written to `events` for the window (integer).",
        ),
        th.Property(
            "events_sum",
            th.IntegerType,
            description="Sum of `event_count` over those rows (integer).",
        ),
        th.Property(
            "events_total",
            th.IntegerType,
            description="GA's own total of the count metric for the window"
            " (GA4 `totals`, UA `data.totals`); null if GA sent none"
            " (integer). The tap stops when it differs from `events_sum`.",
        ),
        th.Property(
            "sampled",
            th.BooleanType,
            description="Whether GA answered from a sample (boolean).",
        ),
        th.Property(
            "samples_read",
            th.IntegerType,
            description="Sessions GA read, if sampled (integer or null).",
        ),
        th.Property(
            "sampling_space",
            th.IntegerType,
            description="Sessions GA would have read (integer or null).",
        ),
        th.Property(
            "data_loss_from_other_row",
            th.BooleanType,
            description="GA rolled rows into `(other)` (boolean).",
        ),
        th.Property(
            "other_rows",
            th.IntegerType,
            description="`(other)` rows written (integer).",
        ),
        th.Property(
            "subject_to_thresholding",
            th.BooleanType,
            description="GA4 withheld rows for privacy (boolean).",
        ),
        th.Property(
            "is_data_golden",
            th.BooleanType,
            description="UA `isDataGolden`; null for GA4, which does not"
            " say (boolean or null).",
        ),
        th.Property(
            "time_zone",
            th.StringType,
            description="The property's reporting time zone (GA4"
            " `metadata.timeZone`); null for UA.",
        ),
        th.Property(
            "final_through",
            th.DateType,
            description="Last final day of the window, or null if none"
            " is final yet (date or null).",
        ),
        th.Property(
            "split_depth",
            th.IntegerType,
            description="How many times the first window was halved to"
            " reach this one (integer, 0: not split).",
        ),
        th.Property(
            "requests",
            th.IntegerType,
            description="Report requests the window took (integer).",
        ),
        th.Property(
            "quota_tokens_consumed",
            th.IntegerType,
            description="GA4 tokens the window's requests cost; null for UA (integer).",
        ),
        th.Property(
            "extracted_at",
            th.DateTimeType,
            required=True,
            description="When the window was pulled (date-time, UTC).",
        ),
    ).to_dict()

    @cached_property
    def counter(self) -> PartitionCounter:
        """Counts the records the ``events`` sync writes here, per partition.

        The SDK's own counter of this stream sees none: they do not come
        from ``get_records``. The tap logs it when the sync ends.
        """
        return partition_counter(self)

    def get_records(self, context: dict[str, Any] | None) -> Iterable[dict[str, Any]]:
        """Nothing of its own: the ``events`` sync writes each window's record."""
        return []
