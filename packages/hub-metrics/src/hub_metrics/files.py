"""``variant_metrics.yml`` and ``audit.yml``, exactly as MeltanoHub reads them.

The Hub's build (``gridsome.server.js``) does
``yaml.load(variant_metrics.yml).metrics[plugin.repo]`` and shows
``all_execs`` and ``all_projects`` as badges; ``hub-utils update_quality``
reads ``metrics[repo].all_projects``. The fields are the 17 lower-case ones
meltano/squared published (hub PR #1357), keyed by the repo URL exactly as
the Hub's definition spells it. Keys and fields are sorted and the layout is
fixed, so the same mart gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ga_report.warehouse import QueryError, ReportError, Warehouse

MART = "fct_hub_variant_metrics"
VARIANT_METRICS = "variant_metrics.yml"
AUDIT = "audit.yml"
#: What the Hub's definitions say about the variant.
DESCRIPTIVE = ("name", "variant", "plugin_type", "pip_url")
#: {all, success} x {projects, execs} x the three ways of counting.
COUNTS = tuple(
    f"{outcome}_{measure}_{group}"
    for group in ("by_name", "unstruct_by_name", "unstruct_by_variant")
    for measure in ("projects", "execs")
    for outcome in ("all", "success")
)
#: The two the Hub shows: the by-variant figures under their own names.
SHOWN = ("all_projects", "all_execs")
FIELDS = (*DESCRIPTIVE, *COUNTS, *SHOWN)
AS_OF_VAR = "hub_metrics_as_of"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_as_of(text: str | None) -> dt.date | None:
    """HUB_METRICS_AS_OF (the dbt var hub_metrics_as_of) as a date; none if empty."""
    value = (text or "").strip()
    if not value:
        return None
    day = None
    if _DATE.fullmatch(value):
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(value)
    if day is None:
        msg = f"{AS_OF_VAR} must be a date YYYY-MM-DD, got {value!r}"
        raise ReportError(msg)
    return day


@dataclass(frozen=True)
class HubMetrics:
    """What the two files say."""

    as_of: dt.date | None
    window_start: dt.date | None
    #: The latest event the counts used (UTC); none when the window is empty.
    updated_at: dt.datetime | None
    #: repo URL -> the 17 fields.
    metrics: Mapping[str, Mapping[str, int | str | None]]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _timestamp(value: Any) -> dt.datetime | None:
    """A warehouse timestamp (UTC, naive or not) as an aware UTC datetime."""
    if not value:
        return None
    stamp = dt.datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


def _fields(row: Mapping[str, Any]) -> dict[str, int | str | None]:
    fields: dict[str, int | str | None] = {}
    for name in DESCRIPTIVE:
        value = row[name]
        fields[name] = None if value is None else str(value)
    for name in (*COUNTS, *SHOWN):
        # Snowflake's NUMBER arrives as an int too (ga_report.warehouse).
        fields[name] = int(row[name])
    return fields


def read_metrics(warehouse: Warehouse, as_of: dt.date | None = None) -> HubMetrics:
    """The published rows of the mart; ``as_of``, when given, must be the mart's."""
    try:
        rows = warehouse.query(
            f"select * from {MART} where is_published order by repo"  # noqa: S608
        )
    except QueryError as exc:
        msg = (
            f"cannot read {MART} in {warehouse.where}: {exc};"
            " build it first (dbt build --select +fct_hub_variant_metrics)"
        )
        raise ReportError(msg) from exc
    if not rows:
        msg = f"{MART} in {warehouse.where} has no rows: is the Hub seed loaded?"
        raise ReportError(msg)
    built_for = _date(rows[0]["as_of_date"])
    if as_of is not None and built_for != as_of:
        msg = (
            f"{MART} was built for {AS_OF_VAR} {built_for or 'none'}, not {as_of}:"
            " run its dbt build with the same HUB_METRICS_AS_OF"
        )
        raise ReportError(msg)
    metrics: dict[str, Mapping[str, int | str | None]] = {}
    for row in rows:
        if row["repo"] in metrics:
            msg = f"{MART} publishes two rows for {row['repo']}"
            raise ReportError(msg)
        metrics[row["repo"]] = _fields(row)
    return HubMetrics(
        as_of=built_for,
        window_start=_date(rows[0]["window_start_date"]),
        updated_at=_timestamp(rows[0]["metrics_updated_at"]),
        metrics=metrics,
    )


def _dump(header: Sequence[str], data: Mapping[str, Any]) -> str:
    body = yaml.safe_dump(
        data,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=False,
        indent=2,
        # No folded lines: a long pip_url stays on one line, as in the Hub's copy.
        width=1 << 16,
    )
    return "".join(f"# {line}\n" for line in header) + body


def _window(metrics: HubMetrics) -> str:
    if metrics.as_of is None:
        return "no day (the warehouse has no plugin executions)"
    return (
        f"the three months up to {metrics.as_of}"
        f" ({metrics.window_start}..{metrics.as_of})"
    )


def render_variant_metrics(metrics: HubMetrics) -> str:
    """``variant_metrics.yml``: ``metrics:`` keyed by repo URL."""
    header = (
        f"MeltanoHub usage metrics for {_window(metrics)}.",
        "Written by `hub-metrics write` from fct_hub_variant_metrics;"
        " see docs/hub-metrics.md.",
    )
    return _dump(header, {"metrics": {k: dict(v) for k, v in metrics.metrics.items()}})


def render_audit(metrics: HubMetrics) -> str:
    """``audit.yml``: when the Meltano figures were last fed; no GitHub data here."""
    header = (
        "Written by `hub-metrics write` with variant_metrics.yml,"
        f" for {_window(metrics)}.",
    )
    return _dump(
        header,
        {
            "audit_log": {
                "github_metrics": {"UPDATED_DATE": None},
                "meltano_metrics": {"UPDATED_DATE": metrics.updated_at},
            }
        },
    )


def write_files(metrics: HubMetrics, out: Path) -> list[Path]:
    """Write both files into ``out``; each replaces the old one whole."""
    out.mkdir(parents=True, exist_ok=True)
    texts = {
        VARIANT_METRICS: render_variant_metrics(metrics),
        AUDIT: render_audit(metrics),
    }
    # Both are rendered before either is written: a failure leaves the old pair.
    written = []
    for name, text in texts.items():
        path = out / name
        partial = out / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
        written.append(path)
    return written
