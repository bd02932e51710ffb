"""MeltanoHub's files from a small warehouse with planted rows, for real.

The Hub seed and its staging model come from dbt (every Hub variant); the two
models fct_hub_variant_metrics reads besides are planted as tables with known
rows: projects (two that count, an ephemeral one, an opted-out one) and plugin
executions in the GA era (2022) and the Snowplow era (2023). Then the real
model runs for an as_of and the real ``hub-metrics`` CLI writes and copies the
files, which are read back with PyYAML's safe_load (YAML 1.1, like the Hub's
js-yaml build and hub-utils).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
import duckdb
import pytest
import yaml
from moto.server import ThreadedMotoServer

from scripts.tool_venvs import DBT_DUCKDB, DUCKDB_PROFILE, tool_venv
from tests.support.warehouse import TRANSFORM, run_dbt

HUB_METRICS = Path(sys.executable).with_name("hub-metrics")
SEED = TRANSFORM / "seeds" / "meltanohub_plugins.csv"
GITHUB = "https://github.com/MeltanoLabs/tap-github"
SINGER_GITHUB = "https://github.com/singer-io/tap-github"
PIPELINEWISE = "https://github.com/transferwise/pipelinewise"
#: Test credentials for the local S3 server: never printed, whatever happens.
SECRET = "hub-metrics-test-secret-0123456789"
FIELDS = {
    "name", "variant", "plugin_type", "pip_url", "all_projects", "all_execs",
    *(
        f"{o}_{m}_{g}"
        for o in ("all", "success")
        for m in ("projects", "execs")
        for g in ("by_name", "unstruct_by_name", "unstruct_by_variant")
    ),
}  # fmt: skip

PROJECTS = [
    # project_id, is_ephemeral_project_id, has_opted_out
    ("p1", False, False),
    ("p2", False, False),
    ("p3", True, False),
    ("p4", False, True),
]
GIT = "git+https://github.com/MeltanoLabs/tap-github.git"
PIPELINEWISE_PIP = (
    "git+https://github.com/transferwise/pipelinewise.git"
    "#subdirectory=singer-connectors/target-postgres"
)


def ga(
    key: str,
    project: str | None,
    day: str,
    command: str,
    count: int,
    name: str = "tap-github",
    plugin_type: str = "extractors",
) -> tuple:
    """A GA-era row: plugin x project x day x command line, GA's event count."""
    return (key, "ga", project, day, None, command, name, True, plugin_type,
            None, None, "success", count)  # fmt: skip


def snowplow(
    key: str,
    project: str,
    started: str,
    command: str,
    variant: str | None,
    pip_url: str | None,
    status: str,
    *,
    name: str = "tap-github",
    plugin_type: str = "extractors",
    event_type: str = "unstructured",
    is_hub: bool = True,
) -> tuple:
    """A Snowplow-era row: one plugin of one execution."""
    return (key, event_type, project, started[:10], started, command, name,
            is_hub, plugin_type, variant, pip_url, status, 1)  # fmt: skip


EXECUTIONS = [
    # GA era, as_of 2022-05-31: the window is 2022-03-01..2022-05-31.
    ga("g1", "p1", "2022-03-01", "elt", 5),
    ga("g2", "p2", "2022-05-31", "run", 2),
    ga("g3", "p1", "2022-04-02", "invoke", 1),
    ga("g4", "p1", "2022-04-02", "elt", 4, "target-postgres", "loaders"),
    ga("g5", "p1", "2022-02-28", "elt", 100),  # before the window
    ga("g6", "p2", "2022-04-01", "add", 7),  # not an execution
    ga("g7", "p3", "2022-04-01", "elt", 50),  # ephemeral project
    ga("g8", "p4", "2022-04-01", "elt", 50),  # opted out
    ga("g9", None, "2022-04-01", "elt", 9),  # no project id
    # Snowplow era, as_of 2023-06-30: the window is 2023-04-01..2023-06-30.
    snowplow("s1", "p1", "2023-06-30 08:15:00", "run", "meltanolabs", GIT, "success"),
    snowplow("s2", "p1", "2023-05-01 08:00:00", "run", "meltanolabs", GIT, "failed"),
    snowplow("s3", "p2", "2023-04-01 00:00:01", "elt", "original", GIT, "failed"),
    snowplow("s4", "p2", "2023-05-02 10:00:00", "invoke", "singer-io", "tap-github",
             "success"),
    snowplow("s5", "p2", "2023-05-03 10:00:00", "run", "0" * 64, "1" * 64, "aborted"),
    snowplow("t1", "p2", "2023-05-04 10:00:00", "elt", None, None, "success",
             event_type="structured"),
    snowplow("s6", "p1", "2023-05-05 10:00:00", "run", "transferwise", PIPELINEWISE_PIP,
             "success", name="target-postgres", plugin_type="loaders"),
    snowplow("s7", "p1", "2023-05-06 10:00:00", "run", "meltanolabs", None, "success",
             name="2" * 64, is_hub=False),  # a custom plugin's hashed name
    snowplow("s8", "p1", "2023-07-01 00:00:00", "run", "meltanolabs", None, "success"),
]  # fmt: skip
ZERO = dict.fromkeys(FIELDS - {"name", "variant", "plugin_type", "pip_url"}, 0)


def counts(
    by_name: tuple[int, int, int, int],
    unstruct_by_name: tuple[int, int, int, int] = (0, 0, 0, 0),
    unstruct_by_variant: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> dict[str, int]:
    """The twelve counts (all/success projects, all/success execs per group)
    and the two the Hub shows."""
    out = {}
    for group, values in (
        ("by_name", by_name),
        ("unstruct_by_name", unstruct_by_name),
        ("unstruct_by_variant", unstruct_by_variant),
    ):
        for field, value in zip(
            ("all_projects", "success_projects", "all_execs", "success_execs"),
            values,
            strict=True,
        ):
            out[f"{field}_{group}"] = value
    out["all_projects"] = out["all_projects_unstruct_by_variant"]
    out["all_execs"] = out["all_execs_unstruct_by_variant"]
    return out


@dataclass
class HubHouse:
    path: Path
    workdir: Path
    dbt_bin: Path
    #: The as_of the mart was last built for: tests reuse it (dbt is slow),
    #: so the tests of one as_of follow each other in this file.
    built_for: str | None = None

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_dbt(self.dbt_bin, self.path, self.workdir, *args, check=check)

    def build_mart(self, as_of: str, *, again: bool = False) -> None:
        if as_of == self.built_for and not again:
            return
        self.built_for = None
        self.dbt(
            "run",
            "--select",
            "fct_hub_variant_metrics",
            "--vars",
            f"{{hub_metrics_as_of: '{as_of}'}}",
        )
        self.built_for = as_of

    def hub_metrics(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HUB_METRICS, *args],
            env={**os.environ, "HUB_METRICS_AS_OF": "", **env},
            capture_output=True,
            text=True,
            check=False,
            cwd=self.workdir,
        )

    def publish(self, as_of: str, out: Path, *, again: bool = False) -> dict:
        """The mart for ``as_of``, the files written and copied to ``out``."""
        self.build_mart(as_of, again=again)
        build = self.workdir / "build"
        done = self.hub_metrics(
            "write", "--database", str(self.path), "--build-dir", str(build)
        )
        assert done.returncode == 0, done.stderr
        done = self.hub_metrics(
            "copy", "--build-dir", str(build), "--destination", str(out)
        )
        assert done.returncode == 0, done.stderr
        return {
            "metrics": yaml.safe_load((out / "variant_metrics.yml").read_text()),
            "audit": yaml.safe_load((out / "audit.yml").read_text()),
        }


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> HubHouse:
    workdir = tmp_path_factory.mktemp("hub-metrics")
    (workdir / "profiles.yml").write_text(DUCKDB_PROFILE)
    house = HubHouse(
        workdir / "warehouse.duckdb",
        workdir,
        tool_venv("dbt", DBT_DUCKDB) / "bin" / "dbt",
    )
    house.dbt(
        "build",
        "--select",
        "meltanohub_plugins",
        "stg_meltanohub__plugins",
        "--exclude-resource-type",
        "test",
        "unit_test",
    )
    with duckdb.connect(str(house.path)) as con:
        con.execute("create schema if not exists analytics_intermediate")
        con.execute(
            "create or replace table analytics_intermediate.int_projects_flagged"
            " (project_id varchar, is_ephemeral_project_id boolean,"
            " has_opted_out boolean)"
        )
        con.executemany(
            "insert into analytics_intermediate.int_projects_flagged values (?, ?, ?)",
            PROJECTS,
        )
        con.execute(
            "create or replace table"
            " analytics_intermediate.int_plugin_executions_unioned"
            " (plugin_execution_key varchar, event_type varchar, project_id varchar,"
            " activity_date date, started_at timestamp, cli_command varchar,"
            " plugin_name varchar, is_hub_plugin boolean, plugin_type varchar,"
            " plugin_variant varchar, plugin_pip_url varchar,"
            " completion_status varchar, execution_count bigint)"
        )
        con.executemany(
            "insert into analytics_intermediate.int_plugin_executions_unioned"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            EXECUTIONS,
        )
    return house


def _seed_repos() -> set[str]:
    with SEED.open() as f:
        return {row["repo"] for row in csv.DictReader(f)}


def test_ga_era_planted_answers(house: HubHouse, tmp_path: Path) -> None:
    files = house.publish("2022-05-31", tmp_path)
    metrics = files["metrics"]["metrics"]
    # GA has no variant: by name only, the same for both tap-github variants.
    # Not counted: 02-28 (before the window), add, ephemeral, opted out, no id.
    for repo, variant in ((GITHUB, "meltanolabs"), (SINGER_GITHUB, "singer-io")):
        assert metrics[repo] == {
            "name": "tap-github",
            "variant": variant,
            "plugin_type": "extractors",
            "pip_url": {
                "meltanolabs": "meltanolabs-tap-github",
                "singer-io": "tap-github",
            }[variant],
            **counts(by_name=(2, 2, 8, 8)),
        }
    # pipelinewise's repo holds four variants: the Hub's default one is kept.
    assert metrics[PIPELINEWISE]["name"] == "tap-mysql"
    assert files["audit"] == {
        "audit_log": {
            "github_metrics": {"UPDATED_DATE": None},
            "meltano_metrics": {"UPDATED_DATE": _utc("2022-05-31 00:00:00")},
        }
    }


def test_a_mart_built_for_another_day_is_not_published(
    house: HubHouse, tmp_path: Path
) -> None:
    house.build_mart("2022-05-31")
    done = house.hub_metrics(
        "write",
        "--database",
        str(house.path),
        "--build-dir",
        str(tmp_path),
        HUB_METRICS_AS_OF="2023-06-30",
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "hub-metrics: fct_hub_variant_metrics was built for hub_metrics_as_of"
        " 2022-05-31, not 2023-06-30: run its dbt build with the same HUB_METRICS_AS_OF"
    ]
    assert not list(tmp_path.iterdir())


def test_snowplow_era_planted_answers(house: HubHouse, tmp_path: Path) -> None:
    files = house.publish("2023-06-30", tmp_path)
    metrics = files["metrics"]["metrics"]
    # s1, s2 and s3 (`original` with the variant's git URL) are meltanolabs',
    # s4 singer-io's, s5 (a hashed variant) nobody's; t1 (structured) counts
    # by name only; s7 (a custom plugin) never; s8 is after as_of.
    assert _counts_of(metrics[GITHUB]) == counts(
        by_name=(2, 2, 6, 3),
        unstruct_by_name=(2, 2, 5, 2),
        unstruct_by_variant=(2, 1, 3, 1),
    )
    assert _counts_of(metrics[SINGER_GITHUB]) == counts(
        by_name=(2, 2, 6, 3),
        unstruct_by_name=(2, 2, 5, 2),
        unstruct_by_variant=(1, 1, 1, 1),
    )
    assert (metrics[GITHUB]["all_projects"], metrics[GITHUB]["all_execs"]) == (2, 3)
    assert files["audit"]["audit_log"]["meltano_metrics"]["UPDATED_DATE"] == _utc(
        "2023-06-30 08:15:00"
    )


def _counts_of(value: dict) -> dict:
    return {k: v for k, v in value.items() if k in ZERO}


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_the_files_are_what_the_hub_reads(house: HubHouse, tmp_path: Path) -> None:
    files = house.publish("2023-06-30", tmp_path)
    metrics = files["metrics"]["metrics"]
    # One mapping per repo of the Hub's list, keyed exactly as it spells it.
    assert set(metrics) == _seed_repos()
    for repo, value in metrics.items():
        assert set(value) == FIELDS, repo
        assert all(
            type(value[f]) is int
            for f in FIELDS - {"name", "variant", "plugin_type", "pip_url"}
        ), repo
        assert all(
            value[f] is None or type(value[f]) is str
            for f in ("name", "variant", "plugin_type", "pip_url")
        ), repo
    # hub-utils update_quality reads
    # usage_metrics.get(data["repo"], {}).get("all_projects", 0).
    with SEED.open() as f:
        used = next(r for r in csv.DictReader(f) if r["repo"] == GITHUB)
    assert metrics.get(used["repo"], {}).get("all_projects", 0) == 2
    # A plugin nobody ran still has its mapping, with zeros.
    assert _counts_of(metrics["https://github.com/MeltanoLabs/tap-csv"]) == ZERO
    text = (tmp_path / "variant_metrics.yml").read_text()
    assert text.startswith(
        "# MeltanoHub usage metrics for the three months up to 2023-06-30"
    )
    assert f"\n  {GITHUB}:\n    all_execs: 3\n" in text


def test_a_rerun_writes_byte_identical_files(house: HubHouse, tmp_path: Path) -> None:
    house.publish("2023-06-30", tmp_path / "first")
    house.publish("2023-06-30", tmp_path / "second", again=True)
    for name in ("variant_metrics.yml", "audit.yml"):
        assert (tmp_path / "first" / name).read_bytes() == (
            tmp_path / "second" / name
        ).read_bytes()


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> str:
    """A local S3 server (moto) on loopback; its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "hub-metrics-test",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }.items():
        monkeypatch.setenv(name, value)
    yield f"http://{host}:{port}"
    server.stop()


def test_the_copy_to_s3(house: HubHouse, tmp_path: Path, s3: str) -> None:
    house.publish("2023-06-30", tmp_path / "local")
    client = boto3.client("s3", endpoint_url=s3)
    client.create_bucket(Bucket="hub-metrics")
    done = house.hub_metrics(
        "copy",
        "--build-dir",
        str(house.workdir / "build"),
        "--destination",
        "s3://hub-metrics/prod/hub_metrics/",
    )
    assert done.returncode == 0, done.stderr
    for name in ("variant_metrics.yml", "audit.yml"):
        body = client.get_object(Bucket="hub-metrics", Key=f"prod/hub_metrics/{name}")
        assert body["Body"].read() == (tmp_path / "local" / name).read_bytes()
    assert SECRET not in done.stdout + done.stderr

    missing = house.hub_metrics(
        "copy",
        "--build-dir",
        str(house.workdir / "build"),
        "--destination",
        "s3://no-such-bucket/prod/hub_metrics/",
    )
    assert missing.returncode == 1
    [line] = missing.stderr.splitlines()
    assert line.startswith(
        "hub-metrics: cannot copy to s3://no-such-bucket/prod/hub_metrics/:"
    )
    assert "NoSuchBucket" in line
    assert SECRET not in line


def test_an_as_of_before_the_first_event_gives_zeros(
    house: HubHouse, tmp_path: Path
) -> None:
    files = house.publish("2019-06-01", tmp_path)
    metrics = files["metrics"]["metrics"]
    assert set(metrics) == _seed_repos()
    assert all(_counts_of(value) == ZERO for value in metrics.values())
    assert files["audit"]["audit_log"]["meltano_metrics"] == {"UPDATED_DATE": None}


def test_dbt_stops_on_a_malformed_as_of_with_a_line_naming_the_var(
    house: HubHouse,
) -> None:
    done = house.dbt(
        "run",
        "--select",
        "fct_hub_variant_metrics",
        "--vars",
        "{hub_metrics_as_of: '2022-02-30'}",
        check=False,
    )
    house.built_for = None
    assert done.returncode != 0
    assert "hub_metrics_as_of must be a date YYYY-MM-DD, got '2022-02-30'" in (
        done.stdout
    )


@pytest.mark.parametrize("as_of", ["2022-02-30", "31/05/2022", "yesterday", "2022-5-1"])
def test_the_writer_stops_on_a_malformed_as_of_with_one_line(
    house: HubHouse, as_of: str, tmp_path: Path
) -> None:
    written = house.hub_metrics(
        "write",
        "--database",
        str(house.path),
        "--build-dir",
        str(tmp_path),
        HUB_METRICS_AS_OF=as_of,
    )
    assert written.returncode == 1
    assert written.stderr.splitlines() == [
        f"hub-metrics: hub_metrics_as_of must be a date YYYY-MM-DD, got {as_of!r}"
    ]
    assert not list(tmp_path.iterdir())
