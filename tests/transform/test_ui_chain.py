"""The Meltano UI's pageviews, emulator -> tap -> target-duckdb -> dbt.

The chain's built warehouse (tests/transform/conftest.py) pulls the UI view
too: its marts must hold the emulator's planted answer exactly, per project,
route and day, and nothing a user chose in a path.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb

from ga_emulator.ui_views import ui_pageviews
from tests.support.warehouse import FIRST_RUN, GA_DATASET

if TYPE_CHECKING:
    from tests.support.warehouse import Warehouse

MARTS = "analytics_marts"
FIRST, LAST = (dt.date.fromisoformat(day) for day in FIRST_RUN)


def _query(house: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_ui_usage_per_project_route_and_day(built: Warehouse) -> None:
    planted = {
        key: counts
        for key, counts in ui_pageviews(GA_DATASET, FIRST, LAST).items()
        if key[0] is not None  # rows without a project_id reach no mart
    }
    marts = {
        (project_id, route, str(day)): (int(pageviews), int(unique))
        for project_id, route, day, pageviews, unique in _query(
            built,
            "select project_id, page_route, activity_date, sum(pageviews),"
            f" sum(unique_pageviews) from {MARTS}.fct_ui_daily_route_usage"
            " group by all",
        )
    }
    assert len(planted) > 100  # the range holds real UI use, not a handful
    assert marts == planted


def test_every_pageview_loaded_is_routed(built: Warehouse) -> None:
    """The raw pageviews with a project_id add up to the mart's: none lost."""
    ((raw,),) = _query(
        built,
        "select sum(pageviews) from tap_ga_legacy.pageviews"
        " where project_id is not null",
    )
    ((mart,),) = _query(
        built, f"select sum(pageviews) from {MARTS}.fct_ui_daily_route_usage"
    )
    assert int(raw) == int(mart) > 0


def test_projects_know_their_first_and_last_ui_day(built: Warehouse) -> None:
    planted: dict[str, list[str]] = {}
    for project_id, _, day in ui_pageviews(GA_DATASET, FIRST, LAST):
        if project_id is not None:
            planted.setdefault(project_id, []).append(day)
    dims = {
        project_id: (str(first), str(last))
        for project_id, first, last in _query(
            built,
            f"select project_id, first_ui_day, last_ui_day from {MARTS}.dim_projects"
            " where first_ui_day is not null",
        )
    }
    assert dims == {p: (min(days), max(days)) for p, days in planted.items()}
