"""Deterministic Snowplow enriched events for the GA emulator's projects.

``generate`` draws the events and the ``Plan`` of what was planted (the known
answers tests check); ``load`` puts them into a DuckDB table the way Snowpipe
loads ``RAW.SNOWPLOW.EVENTS``.
"""

from snowplow_sample.enriched import COLUMNS, load, load_tsv, table_ddl, write_tsv
from snowplow_sample.generator import (
    TS_FORMAT,
    UNSTRUCT_FROM,
    UNSTRUCT_SCHEMA,
    Plan,
    SnowplowConfig,
    generate,
    iter_events,
)

__all__ = [
    "COLUMNS",
    "TS_FORMAT",
    "UNSTRUCT_FROM",
    "UNSTRUCT_SCHEMA",
    "Plan",
    "SnowplowConfig",
    "generate",
    "iter_events",
    "load",
    "load_tsv",
    "table_ddl",
    "write_tsv",
]
