"""Deterministic Snowplow enriched events for the GA emulator's projects.

``generate`` draws the events and the ``Plan`` of what was planted (the known
answers tests check); ``load`` puts them into a DuckDB table the way Snowpipe
loads ``RAW.SNOWPLOW.EVENTS``.

Plugin answers: ``plugin_usage(plan)`` gives, per plugin as the marts name it
(a Hub name in clear, else the SHA-256 of the name), its projects, executions
(success, failed, aborted) and 1.97-1.105 struct events; ``era_usage`` splits
GA's (``ga_emulator.dataset.plugin_usage``) and Snowplow's by each project's
activation date (``activation_dates``, dbt's rule); ``plan.hashed_names``
maps each hash the sample sent for a non-Hub name back to the name.
"""

from snowplow_sample.enriched import COLUMNS, load, load_tsv, table_ddl, write_tsv
from snowplow_sample.generator import (
    TS_FORMAT,
    UNSTRUCT_FROM,
    UNSTRUCT_SCHEMA,
    Plan,
    PluginUsage,
    SnowplowConfig,
    activation_dates,
    era_usage,
    generate,
    iter_events,
    plugin_usage,
)

__all__ = [
    "COLUMNS",
    "TS_FORMAT",
    "UNSTRUCT_FROM",
    "UNSTRUCT_SCHEMA",
    "Plan",
    "PluginUsage",
    "SnowplowConfig",
    "activation_dates",
    "era_usage",
    "generate",
    "iter_events",
    "load",
    "load_tsv",
    "plugin_usage",
    "table_ddl",
    "write_tsv",
]
