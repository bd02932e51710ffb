"""The duckdb every reader of the warehouse file uses is pinned once per venv kind."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "constraints" / "plugins.txt"


def _pins(lines: list[str]) -> dict[str, str]:
    requirements = [Requirement(line) for line in lines]
    return {r.name: str(r.specifier) for r in requirements}


def test_the_dev_env_and_the_plugins_pin_the_same_duckdb():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = _pins(pyproject["dependency-groups"]["dev"])
    lines = CONSTRAINTS.read_text().splitlines()
    plugins = _pins([line for line in lines if line and not line.startswith("#")])
    assert dev["duckdb"].startswith("==")
    assert plugins["duckdb"] == dev["duckdb"]


def test_no_other_file_pins_duckdb():
    version = _pins(
        [
            line
            for line in CONSTRAINTS.read_text().splitlines()
            if line.startswith("duckdb")
        ]
    )["duckdb"]
    tracked = subprocess.run(
        ["git", "grep", "--untracked", "-l", f"duckdb{version}", "--", ":!uv.lock"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert sorted(tracked) == ["constraints/plugins.txt", "pyproject.toml"]


def test_the_plugins_that_install_duckdb_or_dbt_use_the_constraints():
    pip_urls = {
        plugin["name"]: plugin["pip_url"]
        for path in ("load/loaders.meltano.yml", "transform/utilities.meltano.yml")
        for plugins in yaml.safe_load((ROOT / path).read_text())["plugins"].values()
        for plugin in plugins
    }
    for name in ("target-duckdb", "dbt-duckdb", "dbt-snowflake"):
        assert pip_urls[name].endswith(
            " --constraint ${MELTANO_PROJECT_ROOT}/constraints/plugins.txt"
        ), name
