"""`make demo` in a fresh clone: the full range into a new warehouse, always.

The first `make demo` is the session's (the `demo_clone` fixture, shared with
the docs test); the reruns here change that copy after it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

from ga_emulator import ui_views
from ga_emulator.dataset import DatasetConfig, rows_in_range
from tests.support.dataset import UI_VIEW_ID, VIEW_ID, dev_rows

if TYPE_CHECKING:
    from tests.support.demo import DemoClone

#: environments/dev.meltano.yml's range, and the tap's default lookback (3 days).
FULL = dev_rows(dt.date(2022, 3, 1), dt.date(2022, 5, 31))
LOOKBACK = dev_rows(dt.date(2022, 5, 29), dt.date(2022, 5, 31))
#: The Meltano UI view's rows over the same range and lookback.
DEV_END = dt.date(2022, 5, 31)
PAGEVIEWS, PAGEVIEWS_LOOKBACK = (
    len(
        ui_views.rows_in_range(DatasetConfig(), UI_VIEW_ID, start, dt.date(2022, 5, 31))
    )
    for start in (dt.date(2022, 3, 1), dt.date(2022, 5, 29))
)
#: The GA interface export the demo writes for February 2022: one row per
#: (day, category, action, label), read once (state remembers the file).
EXPORT = len(
    {
        (r.date, r.category, r.action, r.label)
        for r in rows_in_range(
            DatasetConfig(), VIEW_ID, dt.date(2022, 2, 1), dt.date(2022, 2, 28)
        )
    }
)


def _figure(output: str, label: str) -> int:
    return int(re.search(rf"^{label}:\s+(\d+)", output, re.MULTILINE)[1])


def test_a_fresh_clone_loads_the_full_range(demo_clone: DemoClone) -> None:
    first = demo_clone.first
    assert FULL == 19_360
    assert EXPORT == 2_920
    assert _figure(first, "rows loaded this run") == FULL + EXPORT
    # The Meltano UI's pageviews, a stream of their own, and the UI marts.
    assert PAGEVIEWS == 523
    assert _figure(first, "UI pageview rows loaded") == PAGEVIEWS
    assert "UI use (Meltano UI):" in first
    # The proof of the API rows, not counted as rows: 2022-03-01..05-31 in
    # windows of 31 days (the dev environment's window_days) per view and
    # property: GA4, the CLI's UA view and the UI's.
    assert _figure(first, "report windows loaded") == 3 * 3
    # One continuous history: the old table, then the export, then the API.
    assert (
        "GA days by origin (UA):  archive_table 2022-01-01..2022-01-31 (31 days);"
        " archive_file 2022-02-02..2022-02-28 (27 days);"
        " api 2022-03-01..2022-05-31 (89 days)"
    ) in first
    assert "demo: seeding the old warehouse table" in first
    # MeltanoHub's files, from the mart the same run built.
    assert "MeltanoHub files:        output/hub_metrics/variant_metrics.yml" in first
    hub = demo_clone.root / "output" / "hub_metrics"
    assert (hub / "variant_metrics.yml").read_text().count(
        "\n    all_projects: "
    ) > 1000
    assert (hub / "audit.yml").read_text().startswith("# Written by `hub-metrics")


def test_a_rerun_is_incremental_and_a_deleted_warehouse_is_rebuilt_in_full(
    demo_clone: DemoClone,
) -> None:
    second = demo_clone.demo()
    # The old table is seeded into a new warehouse only, and still read.
    assert "seeding the old warehouse table" not in second
    assert "archive_table 2022-01-01..2022-01-31 (31 days)" in second
    assert _figure(second, "rows loaded this run") == LOOKBACK
    assert _figure(second, "UI pageview rows loaded") == PAGEVIEWS_LOOKBACK
    assert _figure(second, "rows in the table") == FULL + EXPORT
    # The bookmark in .meltano/ survives; the warehouse it described does not.
    shutil.rmtree(demo_clone.root / "output")
    third = demo_clone.demo()
    assert _figure(third, "rows loaded this run") == FULL + EXPORT
    assert _figure(third, "rows in the table") == FULL + EXPORT


def test_the_printed_query_works_when_pasted(demo_clone: DemoClone) -> None:
    output = demo_clone.latest_demo()
    shown = output.split("Run it yourself from the project root:\n", 1)[1]
    command = shown.splitlines()[0].strip()
    assert command.startswith(".venv/bin/python -c ")
    pasted = subprocess.run(
        ["bash", "-c", command],
        cwd=demo_clone.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert pasted.returncode == 0, pasted.stderr
    assert "activity_date" in pasted.stdout
    assert "ga_active_projects" in pasted.stdout
    # The GA era, not the Snowplow sample's tail: its last API day first.
    dates = re.findall(r"\b20\d\d-\d\d-\d\d\b", pasted.stdout)
    assert dates == [f"2022-05-{day}" for day in (31, 30, 29, 28, 27)]
    # The summary printed the same table the pasted command prints.
    assert pasted.stdout.strip() in output
