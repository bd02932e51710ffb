"""``ga-emulator``: serve the GA API emulator until interrupted."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from ga_emulator.dataset import DatasetConfig
from ga_emulator.faults import Fault, FaultSpecError, parse_faults
from ga_emulator.server import Emulator


def _faults(text: str) -> list[Fault]:
    try:
        return parse_faults(text)
    except FaultSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    defaults = DatasetConfig()
    parser = argparse.ArgumentParser(
        prog="ga-emulator",
        description="Serve Meltano legacy GA telemetry (the CLI's events and the"
        " UI's pageviews) through local GA4 Data API and UA Reporting API v4"
        " endpoints.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--grpc-port", type=int, help="also serve GA4 over gRPC (0: a free port)"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--projects", type=int, default=defaults.projects)
    parser.add_argument("--rows-per-day", type=int, default=defaults.rows_per_day)
    parser.add_argument(
        "--first-day", type=dt.date.fromisoformat, default=defaults.first_day
    )
    parser.add_argument(
        "--last-day", type=dt.date.fromisoformat, default=defaults.last_day
    )
    parser.add_argument(
        "--outage-every",
        type=int,
        default=defaults.outage_every,
        help="days whose ordinal is a multiple of this have no data (0: none)",
    )
    parser.add_argument(
        "--empty-per-mille",
        type=int,
        default=defaults.empty_per_mille,
        help="rows per 1000 whose label and/or dimension 1 is an empty string",
    )
    parser.add_argument(
        "--ui-view-id",
        action="append",
        metavar="ID",
        help="a UA view that serves the Meltano UI's pageviews instead of events"
        f" (repeatable; default: {', '.join(defaults.ui_view_ids)})",
    )
    parser.add_argument(
        "--cache-pages", type=int, default=0, help="keep this many encoded answers"
    )
    parser.add_argument(
        "--fault",
        type=_faults,
        action="append",
        default=[],
        metavar="JSON",
        help='inject a fault, e.g. \'{"kind": "error", "status": 429, "times": 2}\'',
    )
    parser.add_argument(
        "--ready-file", type=Path, help="write the endpoint URLs here as JSON once up"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the emulator in the foreground; print its URL; stop on SIGINT/SIGTERM."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    dataset = DatasetConfig(
        seed=args.seed,
        projects=args.projects,
        rows_per_day=args.rows_per_day,
        first_day=args.first_day,
        last_day=args.last_day,
        outage_every=args.outage_every,
        empty_per_mille=args.empty_per_mille,
        ui_view_ids=tuple(args.ui_view_id or DatasetConfig().ui_view_ids),
    )
    emulator = Emulator(
        dataset,
        host=args.host,
        port=args.port,
        grpc_port=args.grpc_port,
        cache_size=args.cache_pages,
    )
    for faults in args.fault:
        emulator.state.faults.add(*faults)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with emulator:
        urls = {"url": emulator.url}
        if emulator.grpc_port is not None:
            urls["grpc_url"] = emulator.grpc_url
        if args.ready_file:
            args.ready_file.write_text(json.dumps(urls))
        print(json.dumps(urls), flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
