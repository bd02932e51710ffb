"""Fixtures: a local fakesnow "Snowflake", the Meltano project loading it, dbt.

Nothing here touches the production path. fakesnow's server and dbt-snowflake
get virtualenvs created with the project's ``uv`` under ``.cache/venvs/``
(keyed on the pinned requirements, reused by later runs). The real pinned
target-snowflake is installed by ``meltano install`` in a temporary copy of
the project, which gets one extra file, a test environment
``environments/fakesnow.meltano.yml``: prod's loader config verbatim plus
FAKESNOW_SHIM_PORT for target-snowflake. The installed target venv gets a
``fakesnow_shim.pth`` that imports tests/snowflake/shim at start-up (Meltano
strips PYTHONPATH from plugin environments, so a .pth is the way in). dbt
runs on a temporary copy of transform/ with the test-only overrides in
tests/snowflake/dbt/ and a profile whose only target, ``fakesnow``, is prod's
output plus host/port/protocol.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import time
from typing import TYPE_CHECKING

import pytest
import yaml

from scripts.tool_venvs import tool_venv
from tests.support.meltano import REPO, base_env, install_project
from tests.support.snowflake import (
    CREDENTIALS,
    DBT_SNOWFLAKE,
    FAKESNOW,
    HERE,
    SHIM,
    Dbt,
    FakesnowProject,
    Server,
    Sql,
    fakesnow_environment,
    fakesnow_profile,
)
from tests.support.warehouse import GA_DATASET

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.support.emulator import Emulators


@pytest.fixture(scope="session")
def fakesnow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """fakesnow 0.12.1 on a free loopback port (patched), stopped at the end."""
    # fakesnow needs a duckdb of its own and never reads the warehouse file.
    venv = tool_venv("fakesnow", FAKESNOW, constraints=None)
    ready = tmp_path_factory.mktemp("fakesnow") / "ready.json"
    log = ready.with_name("server.log")
    with log.open("w") as out:
        process = subprocess.Popen(
            [venv / "bin" / "python", HERE / "fakesnow_server.py", ready],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"fakesnow did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield Server(json.loads(ready.read_text()), venv)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def sql(fakesnow: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sql]:
    """A connection to the RAW database."""
    client = Sql(fakesnow, tmp_path_factory.mktemp("sql"), "RAW")
    yield client
    client.close()


@pytest.fixture(scope="session")
def snowflake_project(
    fakesnow: Server, emulators: Emulators, tmp_path_factory: pytest.TempPathFactory
) -> FakesnowProject:
    """A copy of the Meltano project: tap-ga-legacy and target-snowflake installed."""
    root = tmp_path_factory.mktemp("meltano-snowflake")
    env = base_env() | CREDENTIALS | {
        "SNOWFLAKE_ROLE": "LOADER",
        "MELTANO_DATABASE_URI": f"sqlite:///{root / 'meltano-system.db'}",
        "TAP_GA_LEGACY_API_ENDPOINT": emulators.serving(GA_DATASET).url,
    }  # fmt: skip
    project = install_project(root, "tap-ga-legacy", "target-snowflake", env=env)
    (root / "environments" / "fakesnow.meltano.yml").write_text(
        yaml.safe_dump(fakesnow_environment(fakesnow.port), sort_keys=False)
    )
    (site_packages,) = (root / ".meltano" / "loaders" / "target-snowflake").glob(
        "venv/lib/python*/site-packages"
    )
    # A .pth line that starts with `import` runs at interpreter start-up.
    (site_packages / "fakesnow_shim.pth").write_text(f"{SHIM}\nimport fakesnow_shim\n")
    return FakesnowProject(project, env)


@pytest.fixture(scope="session")
def dbt(fakesnow: Server, tmp_path_factory: pytest.TempPathFactory) -> Dbt:
    """dbt-snowflake pointed at fakesnow: builds into PROD, reads RAW."""
    workdir = tmp_path_factory.mktemp("dbt-snowflake")
    project_dir = workdir / "transform"
    shutil.copytree(
        REPO / "transform",
        project_dir,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"),
    )
    # The overrides: one root-project macro, and a package put first in the
    # dispatch search order of the project's own namespace (copy only).
    shutil.copy2(HERE / "dbt" / "fakesnow_overrides.sql", project_dir / "macros")
    shutil.copytree(
        HERE / "dbt" / "fakesnow_overrides",
        project_dir / "dbt_packages" / "fakesnow_overrides",
    )
    with (project_dir / "dbt_project.yml").open("a") as config:
        config.write(
            "\n# tests/snowflake only\ndispatch:\n"
            "  - macro_namespace: meltano_telemetry\n"
            "    search_order: [fakesnow_overrides, meltano_telemetry]\n"
        )
    (workdir / "profiles.yml").write_text(
        yaml.safe_dump(fakesnow_profile(fakesnow.port), sort_keys=False)
    )
    env = {k: v for k, v in base_env().items() if not k.startswith("DBT_")}
    env |= CREDENTIALS | {
        "SNOWFLAKE_ROLE": "TRANSFORMER",
        # As the dbt-snowflake utility and a prod deployment set them.
        "DBT_SNOWFLAKE_DATABASE": "PROD",
        "DBT_SNOWFLAKE_SCHEMA": "ANALYTICS",
        "DBT_GA_LEGACY_DATABASE": "RAW",
        "DBT_SNOWPLOW_DATABASE": "RAW",
        "DBT_PROFILES_DIR": str(workdir),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # No DBT_THREADS: prod's 4 (the profile's default). fakesnow runs the
    # statements one at a time; four threads keep it busy while dbt renders
    # the next nodes (with two it waited: the first build took 10% longer).
    executable = tool_venv("dbt-snowflake", DBT_SNOWFLAKE) / "bin" / "dbt"
    return Dbt(executable, project_dir, workdir, env)
