"""The GA ids and the emulator's data set the tests read from.

The ids are the dev environment's (environments/dev.meltano.yml): the tests
pull what a developer's `make demo` pulls.
"""

from __future__ import annotations

import datetime as dt

from ga_emulator.dataset import DatasetConfig, Row, rows_in_range

PROPERTY_ID = "312647579"  # GA4
VIEW_ID = "188392047"  # UA, the CLI's view
UI_VIEW_ID = "188384771"  # UA, the Meltano UI's view ("Google Analytics for MAUI")
DATASET = DatasetConfig()
#: A week with a weekend and an outage day (2021-03-05: no data at all) in it.
START, END = dt.date(2021, 3, 4), dt.date(2021, 3, 10)
OUTAGE_DAY = dt.date(2021, 3, 5)


def expected_rows(
    property_id: str, start: dt.date = START, end: dt.date = END
) -> list[Row]:
    """What the emulator serves for one property and range."""
    return rows_in_range(DATASET, property_id, start, end)


def dev_rows(start: dt.date, end: dt.date) -> int:
    """How many rows the emulator serves for both dev properties, start to end."""
    return sum(len(expected_rows(p, start, end)) for p in (PROPERTY_ID, VIEW_ID))
