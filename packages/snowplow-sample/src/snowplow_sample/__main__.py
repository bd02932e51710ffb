"""``snowplow-sample``: write the sample, load it and print the plan."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from snowplow_sample.enriched import load, write_tsv
from snowplow_sample.generator import SnowplowConfig, generate


def _parser() -> argparse.ArgumentParser:
    defaults = SnowplowConfig()
    parser = argparse.ArgumentParser(
        prog="snowplow-sample",
        description="Write deterministic Snowplow enriched events for the GA"
        " emulator's projects into snowplow.events of a DuckDB file (replacing"
        " what the table held), or as TSV.",
    )
    parser.add_argument("--database", help="DuckDB file to load into")
    parser.add_argument("--tsv", type=Path, help="also write the enriched TSV here")
    parser.add_argument("--schema", default="snowplow")
    parser.add_argument("--table", default="events")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--projects", type=int, default=defaults.projects)
    parser.add_argument(
        "--executions-per-day", type=float, default=defaults.executions_per_day
    )
    parser.add_argument(
        "--first-day", type=dt.date.fromisoformat, default=defaults.first_day
    )
    parser.add_argument(
        "--last-day", type=dt.date.fromisoformat, default=defaults.last_day
    )
    parser.add_argument(
        "--plan", type=Path, help="write the planted known answers here as JSON"
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="add to the table instead of replacing its contents",
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="set uploaded_at to each event's simulated upload time, not now",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Generate the sample, load it and print the plan (known answers) as JSON."""
    args = _parser().parse_args(argv)
    config = SnowplowConfig(
        seed=args.seed,
        projects=args.projects,
        executions_per_day=args.executions_per_day,
        first_day=args.first_day,
        last_day=args.last_day,
    )
    rows, plan = generate(config)
    if args.tsv:
        write_tsv(rows, args.tsv)
    if args.database:
        load(
            args.database,
            rows,
            args.schema,
            args.table,
            replay=args.replay,
            replace=not args.append,
        )
    text = json.dumps(dataclasses.asdict(plan), indent=2)
    if args.plan:
        args.plan.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
