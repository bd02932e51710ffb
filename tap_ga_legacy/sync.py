"""One window's rows as records of their report, and the tally that proves them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from tap_ga_legacy.errors import ReportError
from tap_ga_legacy.ga_values import OTHER
from tap_ga_legacy.rekey import MISSING
from tap_ga_legacy.report_client import STOPPED
from tap_ga_legacy.schemas import API

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tap_ga_legacy.ga_values import Row
    from tap_ga_legacy.report_client import Answer
    from tap_ga_legacy.reports import Report


@dataclass
class WindowTally:
    """What a window's (or a run's, or a file's) records add up to."""

    rows: int = 0
    #: The sum of each metric of the report, in its order (``ReportSpec.metrics``).
    sums: list[int] = field(default_factory=list)
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
        self.sums = _added(self.sums, other.sums)
        self.other_rows += other.other_rows
        self.sources.update(other.sources)


def _added(a: list[int], b: list[int]) -> list[int]:
    """Two lists of sums added position by position; a missing one counts 0."""
    return [x + y for x, y in zip_longest(a, b, fillvalue=0)]


def reconcile(subject: str, report: Report, tally: WindowTally, answer: Answer) -> None:
    """Stop unless the window's rows add up to GA's own totals of them."""
    units = report.spec.units
    for at in report.reconciled_at:
        if at >= len(answer.totals):
            continue  # GA sent no total of this metric: nothing to hold it to
        summed = tally.sums[at] if at < len(tally.sums) else 0
        if summed != answer.totals[at]:
            msg = (
                f"{subject}: the rows add up to {summed}"
                f" {units[report.spec.metrics[at]]}, GA's total for the window is"
                f" {answer.totals[at]}: GA changed or dropped rows while they were"
                " read. Run again; if it persists, lower window_days and report"
                f" it. {STOPPED}"
            )
            raise ReportError(msg)


def records(
    report: Report, context: dict[str, Any], rows: Iterator[Row], tally: WindowTally
) -> Iterator[dict[str, Any]]:
    """The records of ``rows`` (one report's), counted into ``tally``.

    The hot loop: per row, only what is needed. The client has checked and
    typed the values; project ids are memoised in rekey.
    """
    origin = context.get("origin", API)
    build = report.builder(context["api"], context["property_id"], origin)
    other_roles = report.spec.other_roles
    sources: Counter[str] = Counter()
    # The first metric is summed on its own: most reports (events) have one.
    first, *others = range(report.width, len(report.roles))
    summed, more = 0, [0] * len(others)
    for row in rows:
        record = build(row)
        source = record["project_id_source"]
        sources[source] += 1
        summed += row[first]
        if others:
            for n, at in enumerate(others):
                more[n] += row[at]
        if source == MISSING and any(record.get(r) == OTHER for r in other_roles):
            tally.other_rows += 1
        yield record
    tally.sources.update(sources)
    tally.rows += sources.total()
    tally.sums = _added(tally.sums, [summed, *more])
