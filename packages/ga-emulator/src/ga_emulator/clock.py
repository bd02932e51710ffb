"""The emulator's clock and what depends on it: finality and GA4 token quotas.

The clock runs at real speed from wherever a test puts it (``POST
/__emulator/clock``), so a test can stand a few seconds before the hour and
see an hourly quota come back without anyone sleeping an hour. Every answer's
``Date`` header is this clock.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from dataclasses import dataclass, field

#: GA4 Standard property quotas (Data API "Quotas"), in tokens.
QUOTA_LIMITS = {
    "tokensPerDay": 200_000,
    "tokensPerHour": 40_000,
    "tokensPerProjectPerHour": 14_000,
}
#: GA4 daily quotas reset at midnight Pacific time.
PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
#: How long after the end of a day (in the property's time zone) GA keeps
#: revising its figures; before that the emulator serves them half processed.
PROCESSING = dt.timedelta(hours=48)


@dataclass
class Clock:
    """Real time shifted by an offset that a test can set, or a fake clock.

    A frozen clock reads the same moment until ``advance`` moves it: a test
    whose client sleeps by this clock (the fake sleep advances it) sees the
    hour turn exactly when it should, however slow the machine is.
    """

    offset: float = 0.0
    #: The moment a frozen clock reads (a POSIX timestamp); None: it runs.
    frozen_at: float | None = None

    def now(self) -> dt.datetime:
        """The emulator's current time, in UTC."""
        if self.frozen_at is not None:
            return dt.datetime.fromtimestamp(self.frozen_at, dt.UTC)
        return dt.datetime.fromtimestamp(time.time() + self.offset, dt.UTC)

    def set(self, moment: dt.datetime, *, frozen: bool = False) -> None:
        """From now on the clock reads ``moment`` and runs on from there.

        ``frozen``: it stays at ``moment`` until ``advance`` moves it.
        """
        self.frozen_at = moment.timestamp() if frozen else None
        self.offset = moment.timestamp() - time.time()

    def advance(self, seconds: float) -> None:
        """Move the clock on by ``seconds`` (a frozen one stays frozen there)."""
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds

    def reset(self) -> None:
        """Back on real time."""
        self.offset, self.frozen_at = 0.0, None


def is_final(day: dt.date, time_zone: str, now: dt.datetime) -> bool:
    """Whether GA has finished processing ``day`` of a property in ``time_zone``."""
    end = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(), zoneinfo.ZoneInfo(time_zone)
    )
    return now >= end + PROCESSING


class QuotaExhaustedError(Exception):
    """A request that a GA4 token quota refuses; ``name`` is the quota."""

    def __init__(self, name: str) -> None:
        self.name = name
        period = "day" if name == "tokensPerDay" else "hour"
        scope = " for a project" if name == "tokensPerProjectPerHour" else ""
        super().__init__(
            f"Exhausted property tokens{scope} per {period}. These quota tokens"
            f" will return in under {'a day' if period == 'day' else 'an hour'}."
        )


@dataclass
class QuotaMeter:
    """GA4 tokens per property, in hourly (UTC) and daily (Pacific) buckets."""

    clock: Clock = field(default_factory=Clock)
    limits: dict[str, int] = field(default_factory=lambda: dict(QUOTA_LIMITS))
    used: dict[tuple[str, str, str], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self, limits: dict[str, int] | None = None) -> None:
        """Forget all usage; new limits for the quotas named in ``limits``."""
        with self.lock:
            self.used.clear()
            self.limits = {**QUOTA_LIMITS, **(limits or {})}

    def _buckets(self, property_id: str) -> dict[str, tuple[str, str, str]]:
        now = self.clock.now()
        hour = now.strftime("%Y-%m-%dT%H")
        day = now.astimezone(PACIFIC).date().isoformat()
        return {
            "tokensPerDay": (property_id, "day", day),
            "tokensPerHour": (property_id, "hour", hour),
            "tokensPerProjectPerHour": (property_id, "project-hour", hour),
        }

    def charge(self, property_id: str, cost: int) -> dict[str, tuple[int, int]]:
        """Charge one request: ``{quota: (consumed, remaining)}``.

        Raises:
            QuotaExhaustedError: the first quota the request would overdraw, daily
                first (it is the one that does not come back within the hour).
        """
        with self.lock:
            buckets = self._buckets(property_id)
            for name, key in buckets.items():
                if self.used.get(key, 0) + cost > self.limits[name]:
                    raise QuotaExhaustedError(name)
            answer = {}
            for name, key in buckets.items():
                self.used[key] = self.used.get(key, 0) + cost
                answer[name] = (cost, self.limits[name] - self.used[key])
            return answer
