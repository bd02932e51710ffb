"""End-to-end fixtures: the Meltano project, installed once, run for real.

The project is copied to a temporary directory once per session and
``meltano install`` runs there once; every test then gets a *workspace*: its
own Meltano system database (MELTANO_DATABASE_URI) and its own DuckDB file
(TARGET_DUCKDB_FILEPATH / DBT_DUCKDB_PATH), so tests share the plugin venvs but
no state or rows. The GA API emulator runs in-process on a free port.
"""

from __future__ import annotations

import subprocess
import time
from typing import TYPE_CHECKING

import pytest

from ga_emulator.server import Emulator
from tests.e2e.meltano_project import (
    MELTANO,
    Project,
    Workspace,
    base_env,
    copy_project,
    has_dbt,
)

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the Meltano project with its plugins installed (once)."""
    root = tmp_path_factory.mktemp("meltano-project")
    copy_project(root)
    plugins = [
        "tap-ga-legacy",
        "target-duckdb",
        *(["dbt-duckdb", "hub-metrics"] if has_dbt() else []),
    ]
    started = time.monotonic()
    done = subprocess.run(
        [MELTANO, "install", *plugins],
        cwd=root,
        env=base_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"meltano install failed:\n{done.stdout[-5000:]}")
    return Project(root, time.monotonic() - started)


@pytest.fixture
def workspace(project: Project, emulator: Emulator, tmp_path: Path) -> Workspace:
    """A fresh system database and DuckDB file, pointed at the emulator."""
    return Workspace(project, tmp_path, emulator.url)
