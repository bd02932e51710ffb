"""Write the Meltano job schedules to orchestrate/airflow/schedules.json.

The Airflow DAG generator (orchestrate/airflow/dags/meltano_schedules.py)
reads this committed file instead of running ``meltano schedule list`` on
every parse: Airflow re-parses DAG files every 30 s with a 30 s import
timeout, and a Meltano start on a busy scheduler took longer than that, so the
DAGs vanished. Run ``make schedules`` after changing a schedule or a job
(orchestrate/jobs.meltano.yml); tests/airflow checks that the file matches
``meltano schedule list``.

    python scripts/airflow_schedules.py          # rewrite the file
    python scripts/airflow_schedules.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEDULES_FILE = ROOT / "orchestrate" / "airflow" / "schedules.json"
MELTANO = Path(sys.executable).parent / "meltano"
REGENERATE = "make schedules"


def job_schedules(listed: str) -> list[dict[str, Any]]:
    """The job schedules in the output of ``meltano schedule list --format=json``.

    Log lines may come before the JSON document; elt schedules (no job) are
    not DAGs.
    """
    return json.loads(listed[listed.index("{") :])["schedules"].get("job", [])


def render(schedules: list[dict[str, Any]]) -> str:
    """The file's text: the schedules, and the command that regenerates them."""
    document = {"generated_by": REGENERATE, "schedules": schedules}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the schedules file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args(argv)
    # A fixed argv, no shell: the project's own Meltano.
    listed = subprocess.run(
        [MELTANO, "schedule", "list", "--format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:
        last = (listed.stderr.strip().splitlines() or ["(no output)"])[-1]
        print(f"airflow-schedules: `meltano schedule list` failed: {last}")
        return 1
    text = render(job_schedules(listed.stdout))
    relative = SCHEDULES_FILE.relative_to(ROOT)
    if args.check:
        if SCHEDULES_FILE.exists() and SCHEDULES_FILE.read_text() == text:
            return 0
        print(f"airflow-schedules: {relative} is stale: run `{REGENERATE}`")
        return 1
    SCHEDULES_FILE.write_text(text)
    print(f"airflow-schedules: wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
