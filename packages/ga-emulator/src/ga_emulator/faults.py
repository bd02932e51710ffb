"""Faults the emulator injects on request, the way Google's APIs misbehave."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

#: HTTP status -> (google.rpc status name, message), as Google words them.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: (
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access"
        " token, login cookie or other valid authentication credential.",
    ),
    403: (
        "PERMISSION_DENIED",
        "User does not have sufficient permissions for this property.",
    ),
    429: (
        "RESOURCE_EXHAUSTED",
        # A transient 429; the token quotas have their own (clock.QuotaExhaustedError).
        "Exhausted concurrent requests quota.",
    ),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}

#: What a fault does to a response that would otherwise succeed.
KINDS = (
    "error",
    "slow",
    "sampled",
    "not_golden",
    "other_row",
    "drop_rows",
    "row_count_changed",
    "totals_mismatch",  # GA's total is one more than its rows add up to
    "incompatible",  # checkCompatibility finds the first dimension incompatible
    # Malformed pages, each as Google never documents them, on one row
    # (``row``) of the page or on the page's columns:
    "short_row",  # one dimension value fewer
    "extra_dimension",  # a sixth dimension value
    "extra_metric",  # a second metric value
    "no_metric",  # GA4 "metricValues": [], UA "metrics": []
    "no_metric_values",  # UA "metrics": [{"values": []}] (GA4: as no_metric)
    "reordered_columns",  # the 2nd and 3rd columns swapped, headers and values
    "count_value",  # the metric value replaced by ``value``
    "date_value",  # the date replaced by ``value``
)

#: Faults of a report request; ``incompatible`` is checkCompatibility's own.
REPORT_KINDS = frozenset(KINDS) - {"incompatible"}
COMPATIBILITY_KINDS = frozenset({"incompatible"})


@dataclass
class Fault:
    """One injected misbehaviour.

    Attributes:
        kind: one of ``KINDS``.
        api: ``ga4``, ``ua`` or ``any``.
        property_id: only requests for this property or view (``None``: any).
        status: HTTP status of an ``error`` fault.
        message: overrides the default error message.
        times: how many matching requests it affects (``None``: all of them).
        delay_seconds: the wait of a ``slow`` fault.
        after: let this many matching requests pass before firing.
        row: the row of the page a row fault changes (0: the first).
        value: what ``count_value`` and ``date_value`` put in that row.
    """

    kind: str = "error"
    api: str = "any"
    property_id: str | None = None
    status: int = 503
    message: str | None = None
    times: int | None = 1
    delay_seconds: float = 0.0
    after: int = 0
    row: int = 0
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            msg = f"unknown fault kind {self.kind!r}; expected one of {KINDS}"
            raise ValueError(msg)
        if self.kind == "error" and self.status not in ERRORS:
            msg = f"unsupported fault status {self.status}; one of {sorted(ERRORS)}"
            raise ValueError(msg)

    def matches(self, api: str, property_id: str) -> bool:
        """Whether this fault applies to a request."""
        return self.api in ("any", api) and self.property_id in (None, property_id)


#: The JSON types each field of a fault spec accepts (None: the field may be null).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "api": (str,),
    "property_id": (str, type(None)),
    "status": (int,),
    "message": (str, type(None)),
    "times": (int, type(None)),
    "delay_seconds": (int, float),
    "after": (int,),
    "row": (int,),
    "value": (str,),
}


class FaultSpecError(ValueError):
    """A fault description that cannot be used; the message says why, in one line."""


def _fault(spec: Any) -> Fault:
    if not isinstance(spec, dict):
        msg = f"a fault is a JSON object, not {json.dumps(spec)}"
        raise FaultSpecError(msg)
    for name, value in spec.items():
        if name not in _FIELD_TYPES:
            msg = f"unknown fault field {name!r}; expected one of {tuple(_FIELD_TYPES)}"
            raise FaultSpecError(msg)
        # bool is an int in Python, never in a fault.
        if isinstance(value, bool) or not isinstance(value, _FIELD_TYPES[name]):
            msg = f"fault field {name!r} cannot be {json.dumps(value)}"
            raise FaultSpecError(msg)
    try:
        return Fault(**spec)
    except ValueError as exc:
        raise FaultSpecError(str(exc)) from None


def parse_faults(text: str | bytes) -> list[Fault]:
    """The faults in a JSON fault or list of faults; none if any is invalid.

    Raises:
        FaultSpecError: naming the first problem.
    """
    try:
        specs = json.loads(text)
    except ValueError as exc:  # also invalid UTF-8
        msg = f"not JSON: {exc}"
        raise FaultSpecError(msg) from None
    return [_fault(spec) for spec in (specs if isinstance(specs, list) else [specs])]


@dataclass
class FaultBook:
    """The faults waiting to fire, consumed in the order they were added."""

    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *faults: Fault) -> None:
        """Register faults, to fire in this order."""
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._faults.clear()

    def take(
        self, api: str, property_id: str, kinds: frozenset[str] = REPORT_KINDS
    ) -> list[Fault]:
        """The faults of ``kinds`` that fire for this request (one per kind).

        Each is used up once.
        """
        fired: dict[str, Fault] = {}
        with self._lock:
            for fault in list(self._faults):
                if (
                    fault.kind in fired
                    or fault.kind not in kinds
                    or not fault.matches(api, property_id)
                ):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fired[fault.kind] = fault
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return list(fired.values())
