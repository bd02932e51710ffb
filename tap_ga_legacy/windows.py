"""Date windows: the range a property is due, its windows, and their finality.

A range is split into windows that grow after easy ones and halve when GA's
answer is doubtful (``Planner``); a window's days are final by GA's word (UA)
or by the clock (GA4), and the bookmark is the last final day pulled.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tap_ga_legacy.report_client import Answer, Window
    from tap_ga_legacy.settings import Settings

#: A bookmark as the tap writes it.
BOOKMARK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: How to drop a bookmark the tap cannot resume from.
RESET = (
    "Reset it: `meltano state clear <state id>` (`meltano state list` shows"
    " the ids), or run with a --state file without it."
)


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


def past_yesterday(planner: Planner, window: Window) -> bool:
    """End the range at yesterday in the property's time zone, by Google's clock.

    True if the window reaches past it: it is pulled again, shorter.
    """
    # UA answers carry no time zone: a UA view's days are taken as UTC.
    zone = zoneinfo.ZoneInfo(window.answer.time_zone or "UTC")
    today = window.server_now().astimezone(zone).date()
    # The plan's end was this machine's guess until Google's clock was known:
    # Google's yesterday replaces it, earlier or later.
    planner.end = today - dt.timedelta(days=1)
    return window.last > planner.end


def doubt(answer: Answer) -> str:
    """What makes GA's answer not the whole truth, or ``""``."""
    reasons = [
        f"SAMPLED ({read} of {space} sessions read)" for read, space in answer.sampled
    ]
    if answer.other_row:
        reasons.append("rows rolled into '(other)' (dataLossFromOtherRow)")
    return ", ".join(reasons)
