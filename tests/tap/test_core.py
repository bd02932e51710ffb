"""The Singer SDK's standard tap tests, run against the GA API emulator."""

from __future__ import annotations

import atexit

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from ga_emulator.server import Emulator
from tap_ga_legacy.tap import TapGaLegacy
from tests.conftest import DATASET, END, PROPERTY_ID, START, VIEW_ID

# The SDK builds its test class from a config at import time, so this module
# runs an emulator of its own for as long as the session lasts.
_EMULATOR = Emulator(DATASET).start()
atexit.register(_EMULATOR.stop)

TestTapGaLegacy = get_tap_test_class(
    tap_class=TapGaLegacy,
    config={
        "property_ids": [PROPERTY_ID],
        "view_ids": [VIEW_ID],
        # The emulator's Meltano UI view: pageviews returns records too.
        "ui_view_ids": list(DATASET.ui_view_ids),
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "api_endpoint": _EMULATOR.url,
    },
    suite_config=SuiteConfig(max_records_limit=None),
)
