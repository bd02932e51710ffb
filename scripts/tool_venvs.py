"""Cached virtualenvs for tools that are not dependencies of the tap.

dbt, target-duckdb, fakesnow and Airflow each live in a venv of their own under
``.cache/venvs/<name>-<hash>`` (of the pinned requirements and of the files of
local packages among them), created once with the project's uv and reused by
later runs. Shared by the test fixtures and scripts/bench_dbt.py.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
#: The versions the Meltano plugins install (their pip_urls pass this file too).
PLUGIN_CONSTRAINTS = ROOT / "constraints" / "plugins.txt"
#: The dbt-duckdb utility's packages; versions from PLUGIN_CONSTRAINTS.
DBT_DUCKDB = ("dbt-core", "dbt-duckdb", "duckdb")
#: Bytecode written at install: where bytecode caching is off
#: (PYTHONDONTWRITEBYTECODE, as in many CI images) Python would otherwise
#: compile every module from source in every process, 1-2 s of CPU per dbt or
#: Airflow start. Part of the cache key, so a venv built without it is rebuilt.
COMPILE = ("--compile-bytecode",)
#: A dbt profile for a DuckDB file named by DBT_DUCKDB_PATH.
DUCKDB_PROFILE = """\
meltano_telemetry:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('DBT_DUCKDB_PATH') }}"
      schema: analytics
      threads: 2
"""


def tool_venv(
    name: str,
    requirements: tuple[str, ...],
    constraints: Path | None = PLUGIN_CONSTRAINTS,
) -> Path:
    """A virtualenv with ``requirements``, created once and cached.

    ``constraints`` (the plugins' pins unless told otherwise) is part of the
    cache key, so a changed pin builds a new venv.
    """
    pinned = constraints.read_text() if constraints else ""
    key = hashlib.sha256(
        "\n".join((sys.version, *COMPILE, *requirements, pinned)).encode()
    )
    # A local package (e.g. load/target-duckdb-patched) changes without its
    # requirement string changing: its files are part of the key.
    for requirement in requirements:
        if Path(requirement).is_dir():
            for file in sorted(Path(requirement).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    key.update(file.read_bytes())
    venv = CACHE / "venvs" / f"{name}-{key.hexdigest()[:12]}"
    marker = venv / ".installed"
    if marker.exists():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    # Keeps the cache out of git whatever the project's .gitignore says.
    (CACHE / ".gitignore").write_text("*\n")
    # Two test workers (make test runs two) may want the same venv at once:
    # one builds it, the other waits and then finds it built.
    with (venv.parent / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            _build(venv, requirements, constraints)
    return venv


def _build(venv: Path, requirements: tuple[str, ...], constraints: Path | None) -> None:
    """Create ``venv`` with ``requirements`` (uv), marked installed when done."""
    pins = ("--constraint", str(constraints)) if constraints else ()
    uv = Path(sys.executable).parent / "uv"
    subprocess.run(
        [uv, "venv", "--quiet", "--clear", "--python", sys.executable, venv],
        check=True,
    )
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "--quiet", *COMPILE, "--python", python]
    subprocess.run([*install, *requirements, *pins], check=True)
    (venv / ".installed").touch()
