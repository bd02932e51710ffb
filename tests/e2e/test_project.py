"""The project's definitions: settings mirror the tap, schedules, no secrets."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import yaml

from tests.support.meltano import REPO

if TYPE_CHECKING:
    from tests.support.meltano import Workspace

#: A value that only points at an environment variable.
ENV_REFERENCE = re.compile(r"^\$\{?[A-Z][A-Z0-9_]*\}?$")


def _plugins(kind: str, path: str) -> dict[str, dict]:
    data = yaml.safe_load((REPO / path).read_text())
    return {p["name"]: p for p in data["plugins"][kind]}


@functools.cache
def _tap_settings() -> dict[str, dict]:
    """The properties of tap_ga_legacy.settings.CONFIG_SCHEMA, as written.

    Read in a fresh interpreter: once a TapGaLegacy has been built in this
    one, the SDK has appended its built-in settings (stream_maps,
    flattening_*, ...) to that very dict. Read once per session (the tests
    only read it).
    """
    code = (
        "import json; from tap_ga_legacy.settings import CONFIG_SCHEMA;"
        " print(json.dumps(CONFIG_SCHEMA['properties']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_every_tap_setting_is_declared_with_kind_label_description() -> None:
    tap = _plugins("extractors", "extract/extractors.meltano.yml")["tap-ga-legacy"]
    declared = {s["name"]: s for s in tap["settings"]}
    properties = _tap_settings()
    assert set(declared) == set(properties)
    for name, schema in properties.items():
        setting = declared[name]
        assert setting.get("kind"), name
        assert setting.get("label"), name
        assert setting.get("description"), name
        assert bool(setting.get("sensitive")) == bool(schema.get("secret")), name
    assert tap["namespace"] == "tap_ga_legacy"
    assert tap["pip_url"] == "-e ."
    assert set(tap["capabilities"]) == {
        "catalog",
        "discover",
        "state",
        "about",
        "stream-maps",
    }


def test_no_secret_is_written_in_a_file() -> None:
    sensitive = {
        setting["name"]
        for path, kind in [
            ("extract/extractors.meltano.yml", "extractors"),
            ("load/loaders.meltano.yml", "loaders"),
        ]
        for plugin in _plugins(kind, path).values()
        for setting in plugin.get("settings", [])
        if setting.get("sensitive")
    }
    configs = []
    for path, kind in [
        ("extract/extractors.meltano.yml", "extractors"),
        ("load/loaders.meltano.yml", "loaders"),
    ]:
        configs += [p.get("config", {}) for p in _plugins(kind, path).values()]
    for path in sorted((REPO / "environments").glob("*.meltano.yml")):
        for environment in yaml.safe_load(path.read_text())["environments"]:
            plugins = environment.get("config", {}).get("plugins", {})
            configs += [p.get("config", {}) for ps in plugins.values() for p in ps]
    for config in configs:
        for name in sensitive & set(config):
            assert ENV_REFERENCE.match(str(config[name])), (name, config[name])


def test_the_daily_job_is_scheduled_at_six_utc(workspace: Workspace) -> None:
    result = workspace.meltano("schedule", "list", "--format=json").check()
    listed = json.loads(result.output[result.output.index("{") :])
    schedules = {s["name"]: s for s in listed["schedules"]["job"]}
    daily = schedules["ga-legacy-el"]
    assert daily["cron_interval"] == "0 6 * * *"
    assert daily["job"]["name"] == "ga-legacy-el"
    assert daily["job"]["tasks"][0] == "tap-ga-legacy target-duckdb"
    assert schedules["ga-legacy-el-snowflake"]["job"]["tasks"][0] == (
        "tap-ga-legacy target-snowflake"
    )


def test_env_example_lists_every_variable_the_project_reads() -> None:
    example = (REPO / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    wanted = {f"TAP_GA_LEGACY_{name.upper()}" for name in _tap_settings()}
    profiles = (REPO / "transform" / "profiles" / "profiles.yml").read_text()
    wanted |= set(re.findall(r"env_var\('([A-Z0-9_]+)'", profiles))
    for path in REPO.glob("*/*.meltano.yml"):
        wanted |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", path.read_text()))
    wanted = {name for name in wanted if not name.startswith("MELTANO_")}
    assert wanted - listed == set()
