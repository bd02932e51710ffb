"""A local fakesnow "Snowflake" and what talks to it: SQL, Meltano and dbt.

The fixtures that start them are in tests/snowflake/conftest.py.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

import snowplow_sample as snowplow
from tests.support.dataset import VIEW_ID
from tests.support.meltano import MELTANO, REPO, Project
from tests.support.warehouse import FIRST_RUN

HERE = REPO / "tests" / "snowflake"


SHIM = HERE / "shim"


#: Exact versions: fakesnow 0.12.1 fails to import with connector 5.x, and
#: sqlglot/duckdb decide how fakesnow translates Snowflake SQL. sqlglot[c] is
#: the same release compiled (sqlglotc): the server spends most of its time
#: parsing and rewriting SQL, and the chain's statements are large.
FAKESNOW = (
    "fakesnow[server]==0.12.1",
    "snowflake-connector-python==4.8.1",
    "duckdb==2.0.1",
    "sqlglot[c]==30.22.0",
    "pyarrow==26.0.1",
)


#: dbt-core 1.12 cannot be installed offline (it downloads a parser from
#: GitHub while building metadata); the project requires dbt 1.11.
DBT_SNOWFLAKE = (
    "dbt-core==1.11.16",
    "dbt-snowflake",
    "snowflake-connector-python==4.8.1",
)


#: Credentials are the only thing the production configs take from us.
CREDENTIALS = {
    "SNOWFLAKE_ACCOUNT": "fakesnow",
    "SNOWFLAKE_USER": "fake",
    "SNOWFLAKE_PASSWORD": "snow",
    "SNOWFLAKE_WAREHOUSE": "COMPUTE_WH",
}


#: Keys the fakesnow dbt target adds to prod's output.
REDIRECT = {"host", "port", "protocol", "connect_retries", "connect_timeout"}


@dataclasses.dataclass
class Server:
    """A running fakesnow server: connect kwargs for the real connector."""

    kwargs: dict[str, Any]
    venv: Path

    @property
    def port(self) -> int:
        """The loopback port it listens on."""
        return int(self.kwargs["port"])


class Sql:
    """One connection through the real connector (see sql_client.py)."""

    def __init__(self, server: Server, workdir: Path, database: str) -> None:
        connect = workdir / f"connect-{database}.json"
        kwargs = server.kwargs | {"database": database, "network_timeout": 120}
        connect.write_text(json.dumps(kwargs))
        self.process = subprocess.Popen(
            [server.venv / "bin" / "python", HERE / "sql_client.py", connect],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of one statement; fails the test on a database error."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(sql) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline(), object_hook=_decode)
        if "error" in answer:
            pytest.fail(f"{sql[:300]}\n-> {answer['error']}")
        return [tuple(row) for row in answer["rows"]]

    def one(self, sql: str) -> Any:
        """The single value of a one-row, one-column query."""
        return self(sql)[0][0]

    def close(self) -> None:
        """Close the connection and end the helper."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _decode(value: dict[str, Any]) -> Any:
    if value.keys() == {"date"}:
        return dt.date.fromisoformat(value["date"])
    if value.keys() == {"datetime"}:
        return dt.datetime.fromisoformat(value["datetime"])
    return value


def load_snowplow(sql: Sql, rows: list[dict[str, str | None]], path: Path) -> None:
    """Load enriched rows into RAW.SNOWPLOW.EVENTS as Snowpipe would.

    The enriched TSV is PUT to a named stage and COPYed into the table (the
    file carries uploaded_at as its 132nd column: fakesnow cannot COPY with a
    column transform, which the production pipe uses to default it).
    """
    snowplow.write_tsv(rows, path)
    columns = ", ".join(f"{c} varchar" for c in snowplow.COLUMNS)
    sql("create schema if not exists RAW.SNOWPLOW")
    sql(
        f"create table if not exists RAW.SNOWPLOW.EVENTS ({columns},"
        " uploaded_at timestamp_ntz default current_timestamp)"
    )
    sql("create stage if not exists RAW.SNOWPLOW.ENRICHED")
    prefix = f"RAW.SNOWPLOW.ENRICHED/{path.stem}"
    (put,) = sql(f"put 'file://{path}' @{prefix}")
    assert put[6] == "UPLOADED", put
    (copied,) = sql(
        f"copy into RAW.SNOWPLOW.EVENTS from @{prefix} file_format = (type = csv"
        " field_delimiter = '\\t' field_optionally_enclosed_by = none"
        " escape_unenclosed_field = none empty_field_as_null = true)"
    )
    assert copied[1:4] == ("LOADED", len(rows), len(rows)), copied


def uploaded_now(rows: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """Rows with uploaded_at = now (UTC), as snowplow.load does without replay."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).strftime(snowplow.TS_FORMAT)
    return [row | {"uploaded_at": now} for row in rows]


@dataclasses.dataclass
class FakesnowProject:
    """An installed Meltano project run in its fakesnow environment."""

    project: Project
    env: dict[str, str]

    @property
    def root(self) -> Path:
        """The project's directory."""
        return self.project.root

    def meltano(self, *args: str, **env: str) -> str:
        """Run meltano in the fakesnow environment; its output (fails on error)."""
        done = subprocess.run(
            [MELTANO, "--environment=fakesnow", *args],
            cwd=self.root,
            env=self.env | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )
        (self.root / "meltano.log").write_text(done.stdout)  # for post-mortems
        if done.returncode != 0:
            pytest.fail(f"meltano {' '.join(args)} exited {done.returncode}:\n"
                        f"{done.stdout[-6000:]}")  # fmt: skip
        return done.stdout


def fakesnow_environment(port: int) -> dict[str, Any]:
    """prod's environment, renamed, with the emulator and the shim for the target.

    The loader and dbt blocks are prod's, unchanged; the extractor reads the GA
    API emulator over the DuckDB path's range (tests/transform).
    """
    prod_file = REPO / "environments" / "prod.meltano.yml"
    (prod,) = yaml.safe_load(prod_file.read_text())["environments"]
    env = copy.deepcopy(prod)
    env["name"] = "fakesnow"
    plugins = env["config"]["plugins"]
    plugins["extractors"] = [
        {
            "name": "tap-ga-legacy",
            "config": {
                "api_endpoint": "${TAP_GA_LEGACY_API_ENDPOINT}",
                "view_ids": [VIEW_ID],
                "start_date": FIRST_RUN[0],
                "end_date": FIRST_RUN[1],
                "window_days": 31,
                "max_retries": 1,
                "backoff_base_seconds": 0.5,
                "backoff_max_seconds": 2,
            },
        }
    ]
    (loader,) = plugins["loaders"]
    assert loader["name"] == "target-snowflake"
    loader["env"] = {"FAKESNOW_SHIM_PORT": str(port)}
    return {"environments": [env]}


PROFILE_TARGET = "fakesnow"


@dataclasses.dataclass
class Dbt:
    """dbt-snowflake on a copy of transform/ with the test-only overrides."""

    executable: Path
    project_dir: Path
    workdir: Path
    env: dict[str, str]

    def __call__(self, *args: str) -> str:
        """Run a dbt command; its output (fails the test when dbt fails)."""
        done = subprocess.run(
            [self.executable, "--no-use-colors", *args,
             "--project-dir", self.project_dir, "--target", PROFILE_TARGET],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
        return done.stdout


def fakesnow_profile(port: int) -> dict[str, Any]:
    """prod's dbt output, renamed ``fakesnow``, plus the server's address."""
    profiles = yaml.safe_load((REPO / "transform/profiles/profiles.yml").read_text())
    prod = profiles["meltano_telemetry"]["outputs"]["prod"]
    output = prod | {
        "host": "127.0.0.1",
        "port": port,
        "protocol": "http",
        "connect_retries": 0,
        "connect_timeout": 30,
    }
    return {
        "meltano_telemetry": {
            "target": PROFILE_TARGET,
            "outputs": {PROFILE_TARGET: output},
        }
    }
