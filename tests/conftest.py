"""Session-wide settings and fixtures: the GA API emulators, a tap config, the
installed Meltano project with a workspace per test, and the fresh copy where
`make demo` ran (shared by the e2e demo tests and the docs test).

What the fixtures are built from is in tests/support/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from tests.support.dataset import END, PROPERTY_ID, START, VIEW_ID
from tests.support.demo import DemoClone, fresh_demo_clone
from tests.support.emulator import EMULATORS, Emulators, reset
from tests.support.meltano import Project, Workspace, base_env, has_dbt, install_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ga_emulator.server import Emulator

# Application Default Credentials would probe the GCE metadata server, an
# address outside this machine: tests (and every process they start) never do.
os.environ["NO_GCE_CHECK"] = "true"
os.environ["GCE_METADATA_HOST"] = os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"

# Hypothesis's deadline and its too_slow check time the machine: on a busy
# one they fail tests whose code is right. No test may depend on speed.
settings.register_profile(
    "any-speed", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("any-speed")

#: Each folder of tests/ is a marker, so a run can pick what it tests:
#: ``pytest -m "tap or emulator"`` is ``make test-fast``. (tests/support holds
#: no tests.)
SUITES = ("tap", "emulator", "e2e", "transform", "snowflake", "airflow", "docs")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with the folder it lives in (see SUITES)."""
    root = Path(__file__).parent
    for item in items:
        suite = item.path.relative_to(root).parts[0]
        if suite in SUITES:
            item.add_marker(getattr(pytest.mark, suite))


@pytest.fixture(scope="session")
def emulators() -> Iterator[Emulators]:
    """One running emulator per data set (``emulators.serving(dataset)``)."""
    yield EMULATORS
    EMULATORS.close()


@pytest.fixture
def emulator(emulators: Emulators) -> Iterator[Emulator]:
    """The default data set's emulator, with no pending fault and an empty
    request log, its clock on real time, its GA4 token quotas full at their
    sizes and its dataset the default one (a test may swap in a variant)."""
    running = emulators.serving()
    reset(running)
    yield running
    reset(running)


@pytest.fixture
def config(emulator: Emulator) -> dict[str, Any]:
    """A working config for both APIs over one week, with fast retries."""
    return {
        "property_ids": [PROPERTY_ID],
        "view_ids": [VIEW_ID],
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "api_endpoint": emulator.url,
        "backoff_base_seconds": 0.01,
        "backoff_max_seconds": 0.05,
        "max_retries": 3,
        "window_days": 3,
        "max_window_days": 3,
    }


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The Meltano project, copied and installed once for the e2e and Airflow
    tests: each test's Workspace gets its own system database and DuckDB file."""
    plugins = ["tap-ga-legacy", "target-duckdb"]
    if has_dbt():
        plugins += ["dbt-duckdb", "hub-metrics"]
    root = tmp_path_factory.mktemp("meltano-project")
    return install_project(root, *plugins, env=base_env())


@pytest.fixture
def workspace(project: Project, emulator: Emulator, tmp_path: Path) -> Workspace:
    """A fresh system database and DuckDB file, pointed at the emulator."""
    return Workspace(project, tmp_path, emulator.url)


@pytest.fixture(scope="session")
def demo_clone(tmp_path_factory: pytest.TempPathFactory) -> DemoClone:
    """A fresh copy of the project where `make demo` ran once (the e2e demo
    tests and README's first block in tests/docs): see tests/support/demo.py."""
    return fresh_demo_clone(tmp_path_factory.mktemp("demo-clone"))
