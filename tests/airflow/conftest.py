"""Airflow fixtures: the airflow utility's venv (cached), the project, workspaces.

Airflow is installed exactly as orchestrate/airflow.meltano.yml's pip_url says
(apache-airflow pinned, with --constraint orchestrate/airflow/constraints.txt)
into ``.cache/venvs/airflow-*`` with the project's uv, once; later runs reuse
it. The Meltano project is the end-to-end tests' installed copy
(tests/conftest.py's `project`), with that venv linked in as the utility's, so
``meltano invoke airflow ...`` runs the real utility definition. Each test gets
a Workspace (its own Meltano system database and DuckDB file) plus its own
AIRFLOW_HOME with a SQLite metadata database.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from scripts.tool_venvs import tool_venv
from tests.support.airflow import (
    DAGS_FOLDER,
    AirflowWorkspace,
    airflow_requirements,
)
from tests.support.meltano import REPO, Project, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.emulator import Emulators


@pytest.fixture(scope="session")
def airflow_venv() -> Path:
    """Airflow, installed once per pip_url and constraints file."""
    constraints = REPO / "orchestrate" / "airflow" / "constraints.txt"
    pins = hashlib.sha256(constraints.read_bytes()).hexdigest()[:8]
    # The pip_url carries Airflow's own constraints file.
    return tool_venv(f"airflow-{pins}", airflow_requirements(), constraints=None)


@pytest.fixture(scope="session")
def airflow_project(project: Project, airflow_venv: Path) -> Project:
    """The installed project copy, with the cached Airflow as its utility venv."""
    venv = project.root / ".meltano" / "utilities" / "airflow" / "venv"
    if not venv.exists():
        venv.parent.mkdir(parents=True, exist_ok=True)
        venv.symlink_to(airflow_venv, target_is_directory=True)
    return project


@pytest.fixture
def airflow(
    airflow_project: Project,
    airflow_venv: Path,
    emulators: Emulators,
    tmp_path: Path,
) -> AirflowWorkspace:
    """A fresh workspace and Airflow metadata database, pointed at the emulator."""
    workspace = Workspace(airflow_project, tmp_path, emulators.serving().url)
    # Nothing from the caller's Airflow (AIRFLOW_HOME, AIRFLOW__*) or DAG settings.
    for name in list(workspace.env):
        if name.startswith("AIRFLOW"):
            del workspace.env[name]
    home = tmp_path / "airflow"
    workspace.env |= {
        # What the utility's settings export under `meltano invoke`, for the
        # probes that run Airflow's Python directly.
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(airflow_project.root / DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "MELTANO_PROJECT_ROOT": str(airflow_project.root),
        # A failed task fails the test at once instead of waiting 5 minutes.
        "MELTANO_DAGS_RETRIES": "0",
    }
    result = AirflowWorkspace(workspace, airflow_venv / "bin" / "python")
    result.airflow("db", "migrate").check()
    return result
