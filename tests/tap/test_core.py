"""The Singer SDK's standard tap tests, run against the GA API emulator."""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_ga_legacy.tap import TapGaLegacy
from tests.support.dataset import END, PROPERTY_ID, START, UI_VIEW_ID, VIEW_ID
from tests.support.emulator import EMULATORS

# The SDK builds its test class from a config at import time: the session's
# emulator of the default data set is started here, before any fixture runs.
_EMULATOR = EMULATORS.serving()

TestTapGaLegacy = get_tap_test_class(
    tap_class=TapGaLegacy,
    config={
        "property_ids": [PROPERTY_ID],
        "view_ids": [VIEW_ID],
        # The emulator's Meltano UI view: pageviews returns records too.
        "ui_view_ids": [UI_VIEW_ID],
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "api_endpoint": _EMULATOR.url,
    },
    suite_config=SuiteConfig(max_records_limit=None),
)
