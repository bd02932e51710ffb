"""A later Snowpipe delivery, planted by the dbt chain tests (DuckDB and Snowflake)."""

from __future__ import annotations

import json

from snowplow_sample import UNSTRUCT_SCHEMA

#: The planted later batch: its aborted run and its re-delivered event.
LATER_RUN_CONTEXT_UUID = "00000000-0000-4000-8000-00000000abcd"
LATER_RUN_EVENT_ID = "00000000-0000-4000-8000-00000000beef"


def later_batch(template: dict[str, str | None]) -> list[dict[str, str | None]]:
    """A later Snowpipe delivery built from one cli_event row of a project.

    It holds ``template`` again (a re-delivered event_id, to be deduplicated)
    and a run of the same project that started on 2022-09-01 and never
    completed (a new context_uuid, to be counted as aborted).
    """
    again = dict(template)
    started = dict(template)
    contexts = json.loads(template["contexts"] or "{}")
    for context in contexts["data"]:
        if "context_uuid" in context["data"]:
            context["data"]["context_uuid"] = LATER_RUN_CONTEXT_UUID
    started["contexts"] = json.dumps(contexts)
    started["event_id"] = LATER_RUN_EVENT_ID
    started["unstruct_event"] = json.dumps(
        {
            "schema": UNSTRUCT_SCHEMA,
            "data": {
                "schema": "iglu:com.meltano/cli_event/jsonschema/1-0-1",
                "data": {"event": "started"},
            },
        }
    )
    started["derived_tstamp"] = "2022-09-01 12:00:00.000"
    return [again, started]
