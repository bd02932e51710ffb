"""The Airflow utility in the installed project: its venv's requirements and a
workspace that runs it (the fixtures are in tests/airflow/conftest.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.support.meltano import MELTANO, REPO, Result, Workspace

PLUGIN_FILE = REPO / "orchestrate" / "airflow.meltano.yml"
DAGS_FOLDER = "orchestrate/airflow/dags"


def airflow_requirements(root: Path = REPO) -> tuple[str, ...]:
    """The utility's pip_url, as `meltano install` in the project at ``root``
    passes it to uv."""
    (plugin,) = yaml.safe_load(PLUGIN_FILE.read_text())["plugins"]["utilities"]
    return tuple(
        plugin["pip_url"].replace("${MELTANO_PROJECT_ROOT}", str(root)).split()
    )


@dataclass
class AirflowWorkspace:
    """A Workspace with its own Airflow home and metadata database."""

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
