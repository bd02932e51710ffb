"""A UA view and a GA4 property that record the same hits are never summed.

Meltano's CLI sent each event to its UA view and, dual-tagged during the
migration, to its GA4 property (dbt var ``ga_mirrors``). Per day one of them
is counted, by the var's rule; fct_ga_legacy_daily_coverage says which. Known
answers come from the raw table the real tap and target loaded, never from
dbt's output. The days are before the Snowplow sample's first (2022-03-01),
so every project day is GA's.
"""

from __future__ import annotations

import json

import duckdb
import pytest

import snowplow_sample as snowplow
from tests.support.dataset import PROPERTY_ID, VIEW_ID
from tests.support.emulator import Emulators
from tests.support.warehouse import GA_DATASET, NO_UNIT_TESTS, Warehouse

DAYS = ("2022-02-01", "2022-02-14")
#: The models to build, and the data tests of those alone (their parents all
#: built).
MODELS = (
    "+fct_daily_project_commands",
    "+fct_ga_legacy_daily_coverage",
    "--indirect-selection",
    "cautious",
    *NO_UNIT_TESTS,
)
#: Each (api, property_id)'s events per day as loaded: with a project id
#: (what the marts count), and all of them (what most_events_per_day compares).
RAW_DAILY = """
    select api, property_id, cast(event_date as date),
           sum(event_count) filter (where project_id is not null),
           sum(event_count)
    from tap_ga_legacy.events group by 1, 2, 3
"""
#: What the marts counted per day.
MART_DAILY = """
    select activity_date, sum(command_count)
    from analytics_marts.fct_daily_project_commands
    where event_source = 'ga' group by 1
"""


@pytest.fixture(scope="module")
def mirrored(
    tmp_path_factory: pytest.TempPathFactory, emulators: Emulators
) -> Warehouse:
    """Both the GA4 property and the UA view of the same days, loaded."""
    workdir = tmp_path_factory.mktemp("mirrors")
    rows, plan = snowplow.generate()
    house = Warehouse.create(workdir, plan, emulators.serving(GA_DATASET).url)
    house.run_tap(*DAYS, property_ids=[PROPERTY_ID])
    snowplow.load(house.path, rows)
    return house


def query(house: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(house.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def raw_daily(house: Warehouse, column: int = 3) -> dict[tuple[str, object], int]:
    """Events per (api, day): with a project id (3), or all (4)."""
    return {(row[0], row[2]): row[column] for row in query(house, RAW_DAILY)}


def test_ua_until_it_stops_then_ga4_is_the_default(mirrored: Warehouse) -> None:
    mirrored.dbt("build", "--select", *MODELS)
    raw = raw_daily(mirrored)
    days = sorted({day for _, day in raw})
    assert {api for api, _ in raw} == {"ua", "ga4"}  # both pulled, every day

    # Every day UA's events only: not UA's plus GA4's.
    assert dict(query(mirrored, MART_DAILY)) == {day: raw["ua", day] for day in days}
    coverage = query(
        mirrored,
        "select api, property_id, mirror_group, is_mirror_winner, count(*)"
        " from analytics_marts.fct_ga_legacy_daily_coverage group by 1, 2, 3, 4",
    )
    assert sorted(coverage) == [
        ("ga4", PROPERTY_ID, "meltano-cli", False, len(days)),
        ("ua", VIEW_ID, "meltano-cli", True, len(days)),
    ]


def test_most_events_per_day_counts_the_bigger_mirror(mirrored: Warehouse) -> None:
    mirrors = [
        {
            "mirror_group": "cli",
            "rule": "most_events_per_day",
            "members": [f"ua:{VIEW_ID}", f"ga4:{PROPERTY_ID}"],
        }
    ]
    setting = json.dumps({"ga_mirrors": mirrors})
    mirrored.dbt("build", "--select", *MODELS, "--vars", setting)
    raw, every = raw_daily(mirrored), raw_daily(mirrored, column=4)
    days = sorted({day for _, day in raw})
    # The one with more events that day (ties: UA, listed first) is counted.
    ua_wins = {day: every["ua", day] >= every["ga4", day] for day in days}
    winners = {day: raw["ua" if ua_wins[day] else "ga4", day] for day in days}
    # The emulator's two properties differ, so each wins some days.
    assert set(ua_wins.values()) == {True, False}

    assert dict(query(mirrored, MART_DAILY)) == winners


def test_a_setting_the_models_cannot_read_is_one_line(mirrored: Warehouse) -> None:
    mirrors = [{"mirror_group": "cli", "rule": "sum", "members": ["ua:1", "ga4:2"]}]
    done = mirrored.dbt(
        "compile", "--select", "int_ga_legacy_mirror_days",
        "--vars", json.dumps({"ga_mirrors": mirrors}), check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert (
        "var ga_mirrors: each entry needs a mirror_group, a rule (priority or"
        " most_events_per_day) and two or more members" in done.stdout
    )
