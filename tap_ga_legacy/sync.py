"""One window's rows as ``events`` records, and the tally that proves them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.ga_values import OTHER
from tap_ga_legacy.rekey import MISSING, event_key, resolve_project_id
from tap_ga_legacy.report_client import STOPPED
from tap_ga_legacy.schemas import API

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tap_ga_legacy.ga_values import Row
    from tap_ga_legacy.report_client import Answer


@dataclass
class WindowTally:
    """What a window's (or a run's, or a file's) records add up to."""

    rows: int = 0
    #: The sum of their ``event_count``.
    events: int = 0
    #: Rows GA rolled into ``(other)``, without a project id.
    other_rows: int = 0
    #: Rows per ``project_id_source`` (rekey.SOURCES).
    sources: Counter[str] = field(default_factory=Counter)

    @property
    def missing(self) -> int:
        """Rows without a project id."""
        return self.sources[MISSING]

    def add(self, other: WindowTally) -> None:
        """Count ``other``'s records in too."""
        self.rows += other.rows
        self.events += other.events
        self.other_rows += other.other_rows
        self.sources.update(other.sources)


def reconcile(subject: str, tally: WindowTally, answer: Answer) -> None:
    """Stop unless the window's rows add up to GA's own total."""
    if answer.total is not None and tally.events != answer.total:
        msg = (
            f"{subject}: the rows add up to {tally.events} events, GA's total"
            f" for the window is {answer.total}: GA changed or dropped rows while"
            " they were read. Run again; if it persists, lower window_days and"
            f" report it. {STOPPED}"
        )
        raise ReportError(msg)


def records(
    context: dict[str, Any], rows: Iterator[Row], tally: WindowTally
) -> Iterator[dict[str, Any]]:
    """The ``events`` records of ``rows``, counted into ``tally``.

    The hot loop: per row, only what is needed. The client has checked and
    typed the values; project ids are memoised in rekey.
    """
    property_id, api = context["property_id"], context["api"]
    origin = context.get("origin", API)
    sources: Counter[str] = Counter()
    events = 0
    for event_date, category, action, label, dimension, event_count in rows:
        project_id, source = resolve_project_id(label, dimension)
        sources[source] += 1
        events += event_count
        if source == MISSING and OTHER in (category, action, label):
            tally.other_rows += 1
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
    tally.sources.update(sources)
    tally.rows += sources.total()
    tally.events += events
