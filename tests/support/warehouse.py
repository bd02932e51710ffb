"""A DuckDB warehouse loaded by the real tap and target, and dbt run on it.

For the dbt tests (tests/transform) and the Snowflake chain, which loads the
same GA range. The tools are not dependencies of the tap, so they live in
their own virtualenvs, created with the project's ``uv`` under
``.cache/venvs/`` (keyed on the pinned requirements) and reused by later runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import snowplow_sample as snowplow
from ga_emulator.dataset import DatasetConfig
from ga_emulator.dataset import PluginUsage as DatasetPluginUsage
from scripts.tool_venvs import DBT_DUCKDB, DUCKDB_PROFILE, tool_venv
from tests.support.dataset import VIEW_ID

ROOT = Path(__file__).resolve().parents[2]
TRANSFORM = ROOT / "transform"
BIN = Path(sys.executable).parent

#: The target-duckdb wrapper Meltano installs (load/loaders.meltano.yml),
#: under the same constraints (tool_venv's default).
TARGET_DUCKDB = (str(ROOT / "load" / "target-duckdb-patched"),)

#: The emulator's data, with labels and dimensions GA returned empty in 10% of
#: rows: they must stay empty strings all the way (see load/target-duckdb-patched).
GA_DATASET = DatasetConfig(empty_per_mille=100)
#: The README's SQL form of event_key, true when it gives the tap's key.
README_KEY = (
    "event_key = md5("
    + " || ".join(
        f"length({c}) || ':' || {c} || ','"
        for c in (
            "api",
            "property_id",
            "cast(event_date as varchar)",
            "event_category",
            "event_action",
            "event_label",
            "project_dimension",
        )
    )
    + ")"
)
#: The tap's first run, then a second one that re-pulls two days (upserts).
FIRST_RUN = ("2022-03-01", "2022-05-31")
SECOND_RUN = ("2022-05-30", "2022-06-03")
#: dbt's flags for a build without the unit tests: they read no warehouse
#: data, so they run once per database, where `assert_every_unit_test_passed`
#: checks them (tests/transform's session build, tests/snowflake's first).
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def planted_plugins(
    plan: snowplow.Plan,
) -> tuple[dict[str, DatasetPluginUsage], dict[str, snowplow.PluginUsage]]:
    """Per plugin as the marts name it: its (GA era, Snowplow era) usage.

    What the first build holds: the GA rows of FIRST_RUN, the whole
    Snowplow sample, split at each project's activation date.
    """
    start, end = (dt.date.fromisoformat(day) for day in FIRST_RUN)
    return snowplow.era_usage(plan, GA_DATASET, VIEW_ID, start, end)


@dataclasses.dataclass
class Warehouse:
    """A DuckDB file with both raw sources loaded, and how to run dbt on it."""

    path: Path
    workdir: Path
    dbt_bin: Path
    target_bin: Path
    plan: snowplow.Plan
    emulator_url: str = ""

    @classmethod
    def create(cls, workdir: Path, plan: snowplow.Plan, emulator_url: str) -> Warehouse:
        """An empty warehouse in ``workdir``: its dbt profile, the tools' venvs."""
        (workdir / "profiles.yml").write_text(DUCKDB_PROFILE)
        target_venv = tool_venv("target-duckdb", TARGET_DUCKDB)
        return cls(
            path=workdir / "warehouse.duckdb",
            workdir=workdir,
            dbt_bin=tool_venv("dbt", DBT_DUCKDB) / "bin" / "dbt",
            target_bin=target_venv / "bin" / "target-duckdb-patched",
            plan=plan,
            emulator_url=emulator_url,
        )

    def copy_to(self, workdir: Path) -> Warehouse:
        """The same warehouse, its DuckDB file copied to ``workdir`` with the
        record of the dbt run that left it so (target/'s manifest and results)."""
        copy = Warehouse.create(workdir, self.plan, self.emulator_url)
        shutil.copyfile(self.path, copy.path)
        (workdir / "target").mkdir()
        for record in ("manifest.json", "run_results.json"):
            shutil.copyfile(
                self.workdir / "target" / record, workdir / "target" / record
            )
        return copy

    def run_tap(self, start: str, end: str, **settings: object) -> None:
        """Run tap-ga-legacy into target-duckdb for one date range."""
        config = self.workdir / "tap.json"
        config.write_text(
            json.dumps(
                {
                    "view_ids": [VIEW_ID],
                    "start_date": start,
                    "end_date": end,
                    "api_endpoint": self.emulator_url,
                    **settings,
                }
            )
        )
        target_config = self.workdir / "target.json"
        target_config.write_text(
            json.dumps(
                {
                    "filepath": str(self.path),
                    "default_target_schema": "tap_ga_legacy",
                    "add_metadata_columns": True,
                    "primary_key_required": True,
                }
            )
        )
        with (self.workdir / "tap.log").open("a") as tap_log:
            tap = subprocess.Popen(
                [BIN / "tap-ga-legacy", "--config", config],
                stdout=subprocess.PIPE,
                stderr=tap_log,
            )
            target = subprocess.run(
                [self.target_bin, "--config", target_config],
                stdin=tap.stdout,
                capture_output=True,
                text=True,
                check=False,
            )
            assert tap.stdout is not None
            tap.stdout.close()
            assert tap.wait() == 0, (self.workdir / "tap.log").read_text()[-3000:]
        assert target.returncode == 0, target.stderr[-3000:]

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a dbt command on the project; fails the test when dbt fails
        (unless ``check`` is false: then the caller reads its result)."""
        return run_dbt(self.dbt_bin, self.path, self.workdir, *args, check=check)


def assert_every_unit_test_passed(target: Path) -> None:
    """The last dbt build in ``target`` ran every unit test of the project,
    and each passed (a build passes with none selected, too)."""
    unit_tests = json.loads((target / "manifest.json").read_text())["unit_tests"]
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran = {
        r["unique_id"]: r["status"]
        for r in results
        if r["unique_id"].startswith("unit_test.")
    }
    assert unit_tests
    assert ran == dict.fromkeys(unit_tests, "pass")


#: target/partial_parse.msgpack of the last dbt run in this process without
#: --vars, as it was then (a later run there with --vars rewrites the file).
#: dbt reuses a saved parse (about 1 s instead of 5) only when the
#: project files, the CLI vars and the profile's connection values are those
#: it was saved with; every warehouse here is ``warehouse.duckdb`` in a workdir
#: of its own, given relative to it, so a parse saved in one workdir is valid in
#: the next, and dbt itself checks that it is (it parses in full when not).
_last_parse: bytes | None = None


def run_dbt(
    dbt_bin: Path, path: Path, workdir: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run dbt on the project against the DuckDB file ``path``.

    The profile, target and logs live in ``workdir``. With ``check``, a
    failing dbt fails the test (with dbt's output).
    """
    global _last_parse  # noqa: PLW0603 - the process's dbt runs, one after another
    saved = workdir / "target" / "partial_parse.msgpack"
    if _last_parse is not None and not saved.exists():
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(_last_parse)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(workdir),
        # Relative to the cwd below: the same for every workdir (see _last_parse).
        "DBT_DUCKDB_PATH": os.path.relpath(path, workdir),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # The caller's day would change what fct_hub_variant_metrics counts.
    env.pop("HUB_METRICS_AS_OF", None)
    result = subprocess.run(
        [dbt_bin, "--no-use-colors", *args,
         "--project-dir", str(TRANSFORM), "--target", "dev"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if "--vars" not in args and saved.exists():
        _last_parse = saved.read_bytes()
    if check:
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return result
