"""Benchmark: the analysts' report's size and build time for many projects.

Not a test: it measures and reports. It writes a synthetic warehouse of
``--projects`` distinct projects (scripts/report_marts.py: the columns the
pages read, each project active for up to 90 days), then runs ``ga-report``
on it as ``make report`` does and prints the project page's size, all pages'
size and the build's wall and CPU time. One SVG per project made 3,000
projects a 25 MB project page built in 322 s (issue 19); the goal is 10,000
projects under 5 MB and 30 s.

    .venv/bin/python scripts/bench_report.py [--projects 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_tap import measure
from report_marts import Labels, numbered_projects, write_marts

BIN = Path(sys.executable).parent
GOAL_MB, GOAL_S = 5, 30


def main() -> None:
    """Write the marts, build the report, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = write_marts(
            Path(folder) / "marts.duckdb", Labels(numbered_projects(args.projects))
        )
        out = Path(folder) / "report"
        figures, _, _ = measure(
            [str(BIN / "ga-report"), "--database", str(database), "--out", str(out)]
        )
        project_mb = (out / "project-timeline.html").stat().st_size / 1e6
        total_mb = sum(page.stat().st_size for page in out.glob("*.html")) / 1e6
    print(
        f"ga-report, {args.projects:,} projects: project page {project_mb:.2f} MB"
        f" (goal < {GOAL_MB} MB), all pages {total_mb:.2f} MB, built in"
        f" {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU"
        f" (goal < {GOAL_S} s), peak RSS {figures['peak_mb']} MB"
    )


if __name__ == "__main__":
    main()
