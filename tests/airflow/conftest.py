"""Airflow fixtures: the airflow utility's venv (cached), the project, workspaces.

Airflow is installed exactly as orchestrate/airflow.meltano.yml's pip_url says
(apache-airflow pinned, with --constraint orchestrate/airflow/constraints.txt)
into ``.cache/venvs/airflow-*`` with the project's uv, once; later runs reuse
it. The Meltano project is the end-to-end tests' installed copy
(tests/e2e/conftest.py), with that venv linked in as the utility's, so
``meltano invoke airflow ...`` runs the real utility definition. Each test gets
a tests.e2e Workspace (its own Meltano system database and DuckDB file) plus
its own AIRFLOW_HOME with a SQLite metadata database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import yaml

from scripts.tool_venvs import tool_venv
from tests.e2e import conftest as e2e
from tests.e2e.meltano_project import MELTANO, REPO, Project, Result, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from ga_emulator.server import Emulator

# The end-to-end tests' installed project, shared rather than copied; the
# emulator is tests/conftest.py's session fixture.
project = e2e.project

PLUGIN_FILE = REPO / "orchestrate" / "airflow.meltano.yml"
DAGS_FOLDER = "orchestrate/airflow/dags"


def airflow_requirements() -> tuple[str, ...]:
    """The utility's pip_url, as `meltano install` passes it to uv."""
    (plugin,) = yaml.safe_load(PLUGIN_FILE.read_text())["plugins"]["utilities"]
    return tuple(
        plugin["pip_url"].replace("${MELTANO_PROJECT_ROOT}", str(REPO)).split()
    )


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


@dataclass
class AirflowWorkspace:
    """A tests.e2e Workspace with its own Airflow home and metadata database."""

    workspace: Workspace
    python: Path

    def airflow(self, *args: str, timeout: float = 600) -> Result:
        """``meltano invoke airflow <args>`` in the project."""
        return self.workspace.run(MELTANO, "invoke", "airflow", *args, timeout=timeout)

    def probe(self, code: str) -> object:
        """Run Python in Airflow's venv with the utility's settings; its JSON."""
        done = self.workspace.run(str(self.python), "-c", code)
        done.check()
        return parse_json(done.output)


@pytest.fixture
def airflow(
    airflow_project: Project,
    airflow_venv: Path,
    emulator_session: Emulator,
    tmp_path: Path,
) -> AirflowWorkspace:
    """A fresh workspace and Airflow metadata database, pointed at the emulator."""
    workspace = Workspace(airflow_project, tmp_path, emulator_session.url)
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


def parse_json(output: str) -> object:
    """The JSON document that ends a command's output (after its log lines)."""
    lines = output.splitlines()
    for number, line in enumerate(lines):
        if line.startswith(("[", "{")):
            try:
                return json.loads("\n".join(lines[number:]))
            except ValueError:
                continue
    msg = f"no JSON document at the end of:\n{output[-2000:]}"
    raise AssertionError(msg)
