"""The Snowplow sample CLI, run as the README and docs/airflow.md write it."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

import duckdb

from .conftest import BIN

if TYPE_CHECKING:
    from pathlib import Path


def test_loads_into_a_warehouse_whose_folder_does_not_exist(tmp_path: Path) -> None:
    # A fresh clone has no output/ yet.
    done = subprocess.run(
        [BIN / "snowplow-sample", "--database", "output/warehouse.duckdb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    plan = json.loads(done.stdout)
    with duckdb.connect(str(tmp_path / "output" / "warehouse.duckdb")) as con:
        (loaded,) = con.execute("select count(*) from snowplow.events").fetchone()
    assert loaded == plan["rows"] > 0
