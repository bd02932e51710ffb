"""Fixtures: the chain's warehouse (tests/support/warehouse.py), built once for
the session and copied for each module that reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import snowplow_sample as snowplow
from tests.support.dataset import UI_VIEW_ID
from tests.support.warehouse import FIRST_RUN, GA_DATASET, Warehouse

if TYPE_CHECKING:
    from tests.support.emulator import Emulators


@pytest.fixture(scope="session")
def built_once(
    tmp_path_factory: pytest.TempPathFactory, emulators: Emulators
) -> Warehouse:
    """The chain's warehouse, UI pageviews included, after one full dbt build
    (data and unit tests included): never handed to a test itself, only copied
    (``built``)."""
    workdir = tmp_path_factory.mktemp("transform-built")
    rows, plan = snowplow.generate()
    house = Warehouse.create(workdir, plan, emulators.serving(GA_DATASET).url)
    # The Meltano UI's view too: its pageviews are in every mart built here.
    house.run_tap(*FIRST_RUN, ui_view_ids=[UI_VIEW_ID])
    snowplow.load(house.path, rows)
    house.dbt("build")
    return house


@pytest.fixture(scope="module")
def built(built_once: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A module's own copy of the built warehouse, free to change."""
    return built_once.copy_to(tmp_path_factory.mktemp("transform-copy"))
