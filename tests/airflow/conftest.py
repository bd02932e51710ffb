"""Airflow fixtures: the airflow utility's venv (cached), the project, workspaces.

Airflow is installed exactly as orchestrate/airflow.meltano.yml's pip_url says
(apache-airflow pinned, with --constraint orchestrate/airflow/constraints.txt)
into ``.cache/venvs/airflow-*`` with the project's uv, once; later runs reuse
it. The Meltano project is the end-to-end tests' installed copy
(tests/conftest.py's `project`), with that venv linked in as the utility's, so
``meltano invoke airflow ...`` runs the real utility definition. Each test gets
a Workspace (its own Meltano system database and DuckDB file) plus its own
AIRFLOW_HOME with a SQLite metadata database: a copy of one that
``airflow db migrate`` made once for the session.
"""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

import pytest
from meltano.core.venv_service import fingerprint

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
    # Meltano reinstalls a utility (uv venv --clear, through the link) whose
    # venv lacks the fingerprint of the pip_url as this project expands it:
    # it did, over the cached venv, in every session. The fingerprint is
    # Meltano's own, for the same arguments `meltano install` would pass.
    (airflow_venv / ".meltano_plugin_fingerprint").write_text(
        fingerprint(airflow_requirements(project.root))
    )
    return project


def _airflow_workspace(
    project: Project, venv: Path, endpoint: str, directory: Path
) -> AirflowWorkspace:
    """A fresh workspace in ``directory`` with an empty Airflow home there."""
    workspace = Workspace(project, directory, endpoint)
    # Nothing from the caller's Airflow (AIRFLOW_HOME, AIRFLOW__*) or DAG settings.
    for name in list(workspace.env):
        if name.startswith("AIRFLOW"):
            del workspace.env[name]
    workspace.env |= {
        # What the utility's settings export under `meltano invoke`, for the
        # probes that run Airflow's Python directly.
        "AIRFLOW_HOME": str(directory / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(project.root / DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "MELTANO_PROJECT_ROOT": str(project.root),
        # A failed task fails the test at once instead of waiting 5 minutes.
        "MELTANO_DAGS_RETRIES": "0",
    }
    return AirflowWorkspace(workspace, venv / "bin" / "python")


@pytest.fixture(scope="session")
def airflow_database(
    airflow_project: Project,
    airflow_venv: Path,
    emulators: Emulators,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A metadata database fresh from `airflow db migrate`, made once: each
    test starts from a copy (a migration takes 10-15 s)."""
    directory = tmp_path_factory.mktemp("airflow-migrated")
    workspace = _airflow_workspace(
        airflow_project, airflow_venv, emulators.serving().url, directory
    )
    workspace.airflow("db", "migrate").check()
    return directory / "airflow" / "airflow.db"


@pytest.fixture
def airflow(
    airflow_project: Project,
    airflow_venv: Path,
    airflow_database: Path,
    emulators: Emulators,
    tmp_path: Path,
) -> AirflowWorkspace:
    """A fresh workspace and Airflow metadata database, pointed at the emulator."""
    result = _airflow_workspace(
        airflow_project, airflow_venv, emulators.serving().url, tmp_path
    )
    home = tmp_path / "airflow"
    home.mkdir()
    # Airflow writes its airflow.cfg (paths of this home) on first use.
    shutil.copyfile(airflow_database, home / "airflow.db")
    return result
