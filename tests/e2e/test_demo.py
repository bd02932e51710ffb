"""`make demo` in a fresh clone: the full range into a new warehouse, always."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from tests.e2e.meltano_project import base_env, expected_rows
from tests.fresh_copy import fresh_copy

if TYPE_CHECKING:
    from pathlib import Path

#: environments/dev.meltano.yml's range, and the tap's default lookback (3 days).
FULL = expected_rows(dt.date(2022, 3, 1), dt.date(2022, 5, 31))
LOOKBACK = expected_rows(dt.date(2022, 5, 29), dt.date(2022, 5, 31))


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_copy(tmp_path_factory.mktemp("clone"))


def _demo(root: Path) -> str:
    done = subprocess.run(
        ["make", "demo"],
        cwd=root,
        env=base_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _figure(output: str, label: str) -> int:
    return int(re.search(rf"^{label}:\s+(\d+)", output, re.MULTILINE)[1])


def test_a_deleted_warehouse_is_rebuilt_in_full(clone: Path) -> None:
    first = _demo(clone)
    assert _figure(first, "rows loaded this run") == FULL == 19_360
    second = _demo(clone)
    assert _figure(second, "rows loaded this run") == LOOKBACK
    assert _figure(second, "rows in the table") == FULL
    # The bookmark in .meltano/ survives; the warehouse it described does not.
    shutil.rmtree(clone / "output")
    third = _demo(clone)
    assert _figure(third, "rows loaded this run") == FULL
    assert _figure(third, "rows in the table") == FULL


def test_the_printed_query_works_when_pasted(clone: Path) -> None:
    output = _demo(clone)
    shown = output.split("Run it yourself from the project root:\n", 1)[1]
    command = shown.splitlines()[0].strip()
    assert command.startswith(".venv/bin/python -c ")
    pasted = subprocess.run(
        ["bash", "-c", command],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert pasted.returncode == 0, pasted.stderr
    assert "activity_date" in pasted.stdout
    assert "active_projects" in pasted.stdout
    # The summary printed the same table the pasted command prints.
    assert pasted.stdout.strip() in output
