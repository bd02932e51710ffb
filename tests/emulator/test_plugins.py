"""The emulator's plugins: MeltanoHub's own rows, skewed, in Meltano's GA formats."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from ga_emulator import dataset
from ga_emulator import plugins as hub
from ga_emulator.seeds import sha256_hex
from tests.support.dataset import DATASET, VIEW_ID

SEED = Path(__file__).resolve().parents[2] / "transform/seeds/meltanohub_plugins.csv"
PROJECTS = dataset.projects(DATASET.seed, DATASET.projects)
#: All of 2021 and 2022 (to the last GA day): every command format is there.
START, END = dt.date(2021, 11, 1), dataset.LAST_GA_DAY


@pytest.fixture(scope="module")
def seed_rows() -> dict[tuple[str, str, str], dict[str, str]]:
    with SEED.open() as handle:
        return {
            (r["plugin_type"], r["name"], r["variant"]): r
            for r in csv.DictReader(handle)
        }


@pytest.fixture(scope="module")
def actions() -> list[dataset.Row]:
    return dataset.rows_in_range(DATASET, VIEW_ID, START, END)


def test_every_curated_plugin_is_the_hub_seed_row(seed_rows: dict) -> None:
    assert len(hub.HUB_PLUGINS) > 50
    for plugin in hub.HUB_PLUGINS:
        row = seed_rows[plugin.plugin_type, plugin.name, plugin.variant]
        assert (row["namespace"], row["executable"] or row["name"], row["pip_url"]) == (
            plugin.namespace,
            plugin.executable,
            plugin.pip_url,
        ), plugin


def test_custom_and_inherited_names_are_not_on_the_hub(seed_rows: dict) -> None:
    on_hub = {name for _, name, _ in seed_rows}
    hashed = dataset.hashed_names(DATASET)
    assert {"my-custom-tap", "hash-emails"} <= set(hashed.values())
    assert any(re.fullmatch(r"tap-postgres-client\d+", n) for n in hashed.values())
    assert not on_hub & set(hashed.values())
    assert all(sha256_hex(name) == digest for digest, name in hashed.items())


def test_popularity_is_skewed() -> None:
    share = Counter(name for p in PROJECTS for name in {q.name for q in p.plugins})
    for name in ("tap-github", "tap-gitlab", "target-jsonl", "target-postgres"):
        assert share[name] > len(PROJECTS) / 2, name
    tail = [p.name for p in hub.HUB_PLUGINS if p.tier == "tail"]
    assert all(1 <= share[name] <= 2 for name in tail)
    # Every project can run a pipeline.
    assert all(p.taps and p.targets for p in PROJECTS)


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("a mapping between tap and target", r"^meltano run \S+ [0-9a-z-]+ target-\S+"),
        ("a plugin:command block", r"^meltano run .* dbt[a-z-]*:(run|test|build)\b"),
        ("three blocks", r"^meltano run (\S+ ){3,}\S+"),
        ("--transform run", r"^meltano elt \S+ \S+ --transform run$"),
        ("--transform skip", r"^meltano elt \S+ \S+ --transform skip$"),
        ("--transform only", r"^meltano elt \S+ \S+ --transform only$"),
        (
            "old schedule",
            r"^meltano schedule (?!add |list)\S+ tap-\S+ \S+ @\w+ --transform=",
        ),
        ("1.99+ schedule", r"^meltano schedule add .+ \S+ \S+ @?[\w*/ ]+ --transform="),
        ("invoke with a dbt selector", r"^meltano invoke \S+ .*--select"),
        ("invoke with a path", r"^meltano invoke \S+ --config /home/"),
        ("invoke without arguments", r"^meltano invoke \S+ $"),
        ("a quoted select pattern", r"^meltano select \S+ .*\""),
        ("init with markup", r"^meltano init .*<script>"),
        ("init with quotes and spaces", r'^meltano init .* ".*"'),
        (
            "a custom plugin",
            r"^meltano (elt|invoke|add \w+) (my-custom-tap|tap-acme-api-\d+)",
        ),
        ("an inherited plugin", r"tap-(postgres|github)-client\d+"),
        ("a state id, hashed", r"^meltano state (get|set) [0-9a-f]{64}$"),
    ],
)
def test_command_lines_cover_every_format(
    actions: list[dataset.Row], what: str, pattern: str
) -> None:
    found = [
        r.action
        for r in actions
        if re.search(pattern, re.sub(r" --environment=[0-9a-f]{64}$", "", r.action))
    ]
    assert found, what


def test_schedule_formats_follow_meltano_releases(actions: list[dataset.Row]) -> None:
    def formats(before: bool) -> set[str]:
        return {
            "old"
            if not r.action.startswith(
                ("meltano schedule add", "meltano schedule list")
            )
            else "new"
            for r in actions
            if r.category == "meltano schedule"
            and (
                dt.date.fromisoformat(f"{r.date[:4]}-{r.date[4:6]}-{r.date[6:]}")
                < dataset.SCHEDULE_ACTION_FROM
            )
            == before
        }

    assert formats(before=True) == {"old"}
    assert formats(before=False) == {"new"}


def test_plugin_usage_adds_up_the_rows_that_name_a_plugin(
    actions: list[dataset.Row],
) -> None:
    usage = dataset.plugin_usage(DATASET, VIEW_ID, START, END)
    carried = [r for r in actions if dataset.row_project(DATASET, r)]
    assert len(carried) < len(actions)  # rows without a project id stay out
    for name in ("tap-gitlab", "target-jsonl", "airflow", "tap-csv"):
        named = [
            r for r in carried if name in {t.split(":")[0] for t in r.action.split(" ")}
        ]
        assert usage[name].events == sum(r.count for r in named), name
        assert usage[name].projects == {
            dataset.row_project(DATASET, r).project_id for r in named
        }
    # --transform run|only names dbt even in projects whose transformer is
    # dbt-postgres; custom names are only ever keys as hashes.
    assert usage["dbt"].commands["elt"] > 0
    hashed = dataset.hashed_names(DATASET)
    assert [k for k in usage if k not in hashed and not hub.is_hub_name(k)] == []


def test_plugin_usage_stops_at_each_projects_activation(
    actions: list[dataset.Row],
) -> None:
    whole = dataset.plugin_usage(DATASET, VIEW_ID, START, END)
    project = max(whole["tap-gitlab"].projects)
    cut = dt.date(2022, 1, 1)
    before = dataset.plugin_usage(DATASET, VIEW_ID, START, END, until={project: cut})
    dropped = sum(
        r.count
        for r in actions
        if r.date >= cut.strftime("%Y%m%d")
        and (p := dataset.row_project(DATASET, r)) is not None
        and p.project_id == project
        and "tap-gitlab" in {t.split(":")[0] for t in r.action.split(" ")}
    )
    assert dropped > 0
    assert before["tap-gitlab"].events == whole["tap-gitlab"].events - dropped
