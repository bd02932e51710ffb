"""Fixtures: a warehouse loaded once per module (tests/support/warehouse.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import snowplow_sample as snowplow
from tests.support.warehouse import (
    FIRST_RUN,
    GA_DATASET,
    Warehouse,
)

if TYPE_CHECKING:
    from tests.support.emulator import Emulators


@pytest.fixture(scope="module")
def warehouse(
    tmp_path_factory: pytest.TempPathFactory, emulators: Emulators
) -> Warehouse:
    """GA rows through the real tap and target, the Snowplow sample, no dbt yet."""
    workdir = tmp_path_factory.mktemp("transform")
    rows, plan = snowplow.generate()
    house = Warehouse.create(workdir, plan, emulators.serving(GA_DATASET).url)
    house.run_tap(*FIRST_RUN)
    snowplow.load(house.path, rows)
    return house
