"""Benchmark: `dbt build` of transform/ on DuckDB, 1M GA rows + 1M Snowplow events.

Not a test. Generates the raw tables straight into a DuckDB file (no tap):

* ``tap_ga_legacy.events``: 1,000,000 rows shaped exactly as target-duckdb
  0.8.0 writes them (varchar dates, hugeint counts, _sdc_* columns, the tap's
  event_key and project_id rules), for the GA emulator's projects;
* ``snowplow.events``: ~1,000,000 enriched events from
  ``snowplow_sample`` (the TSV is cached under .cache/bench/).

Then times a full build as the daily job runs it (``dbt build
--exclude-resource-type unit_test``: models and data tests; the unit tests
check SQL, not data, so CI runs them and production does not), the unit tests
on their own (``dbt test --select test_type:unit``), then adds a small batch
to both sources and times the incremental re-run and a ``dbt run`` with
nothing new. Goal: full build under 60 s on 2 cores. Usage:
``.venv/bin/python scripts/bench_dbt.py [--ga-rows N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import duckdb
from tool_venvs import CACHE, DBT_DUCKDB, DUCKDB_PROFILE, tool_venv

import snowplow_sample as snowplow
from ga_emulator import dataset
from tap_ga_legacy.rekey import resolve_project_id

ROOT = Path(__file__).resolve().parents[1]
#: How many of a run's slowest nodes to print.
SLOWEST = 12


def load_ga(
    con: duckdb.DuckDBPyConnection, rows: int, batch: str, offset: int = 0
) -> None:
    """``rows`` GA rows as target-duckdb writes them, generated in SQL."""
    projects = dataset.projects(42, 400)
    con.execute(
        "create table if not exists bench_projects"
        " (n integer, label varchar, project_id varchar, source varchar)"
    )
    if con.execute("select count(*) from bench_projects").fetchone()[0] == 0:
        values = []
        for index, project in enumerate(projects):
            project_id, source = resolve_project_id(
                project.project_id, project.project_id
            )
            values.append((index, project.project_id, project_id, source))
        con.executemany("insert into bench_projects values (?, ?, ?, ?)", values)
    categories = [c for c, _ in dataset.CATEGORIES]
    con.execute("create schema if not exists tap_ga_legacy")
    con.execute(
        """
        create table if not exists tap_ga_legacy.events (
            event_key varchar primary key, property_id varchar, api varchar,
            event_date varchar, event_category varchar, event_action varchar,
            event_label varchar, project_dimension varchar, event_count hugeint,
            project_id varchar, project_id_source varchar, origin varchar,
            _sdc_extracted_at timestamp, _sdc_batched_at timestamp,
            _sdc_deleted_at varchar
        )
        """
    )
    con.execute(
        f"""
        insert into tap_ga_legacy.events
        with numbered as (
            select
                i,
                date '2019-06-01' + cast(i // 900 as integer) as day,
                bench_projects.*,
                list_extract(?, cast(hash(i, 'c') % {len(categories)} as integer) + 1)
                    as category,
                hash(i, 'v') % 1000 as variant
            from range({offset}, {offset + rows}) as t(i)
            join bench_projects on bench_projects.n = hash(i, 'p') % 400
        ),
        shaped as (
            select
                '188392047' as property_id,
                'ua' as api,
                strftime(day, '%Y-%m-%d') as event_date,
                category as event_category,
                category || ' tap-csv target-jsonl --job=' || (i % 900)
                    || case when i % 3 = 0 then ' --environment='
                        || sha256('prod') else '' end as event_action,
                case when variant < 960 then label else '(not set)' end
                    as event_label,
                case when variant < 990 then label else '(not set)' end
                    as project_dimension,
                1 + hash(i, 'n') % 7 as event_count,
                case when variant < 990 then project_id end as project_id,
                case when variant < 960 then source
                    when variant < 990 then 'custom_dimension'
                    else 'missing' end as project_id_source
            from numbered
        )
        select
            md5(
                length(api) || ':' || api || ','
                || length(property_id) || ':' || property_id || ','
                || length(event_date) || ':' || event_date || ','
                || length(event_category) || ':' || event_category || ','
                || length(event_action) || ':' || event_action || ','
                || length(event_label) || ':' || event_label || ','
                || length(project_dimension) || ':' || project_dimension || ','
            ),
            property_id, api, event_date, event_category, event_action,
            event_label, project_dimension, event_count, project_id,
            project_id_source, 'api',
            timestamp '{batch}', timestamp '{batch}', null
        from shaped
        """,
        [categories],
    )
    # One report window per day the batch touched, as the tap's
    # report_windows stream records them: its rows and events, GA's total
    # equal to them, final. A day loaded again gets a later window.
    con.execute(
        """
        create table if not exists tap_ga_legacy.report_windows (
            property_id varchar, api varchar, first_day varchar,
            last_day varchar, "rows" hugeint, events_sum hugeint,
            events_total hugeint, sampled boolean, samples_read hugeint,
            sampling_space hugeint, data_loss_from_other_row boolean,
            other_rows hugeint, subject_to_thresholding boolean,
            is_data_golden boolean, time_zone varchar, final_through varchar,
            split_depth hugeint, requests hugeint, quota_tokens_consumed hugeint,
            extracted_at timestamp, _sdc_extracted_at timestamp,
            _sdc_batched_at timestamp, _sdc_deleted_at varchar
        )
        """
    )
    con.execute(
        f"""
        insert into tap_ga_legacy.report_windows
        select
            property_id, api, event_date, event_date, count(*),
            sum(event_count), sum(event_count), false, null, null, null, 0,
            null, true, 'America/Los_Angeles', event_date, 0, 1, null,
            timestamp '{batch}', timestamp '{batch}', timestamp '{batch}', null
        from tap_ga_legacy.events
        where event_date in (
            select event_date from tap_ga_legacy.events
            where _sdc_batched_at = timestamp '{batch}'
        )
        group by property_id, api, event_date
        """
    )


def generator_version() -> str:
    """snowplow_sample's version and a digest of its source files.

    Part of the cached TSV's name: a changed generator, released or not, is
    never served events an older one wrote.
    """
    package = Path(snowplow.__file__).parent
    digest = hashlib.sha256()
    for file in sorted(package.glob("*.py")):
        digest.update(file.read_bytes())
    return f"{version('snowplow-sample')}-{digest.hexdigest()[:12]}"


def snowplow_tsv(executions_per_day: float) -> tuple[Path, dict]:
    """The enriched TSV and plan for the Snowplow sample, cached by config."""
    bench = CACHE / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    tsv = bench / f"snowplow-{generator_version()}-{executions_per_day}.tsv"
    plan_file = tsv.with_suffix(".json")
    if not plan_file.exists():
        plan = snowplow.Plan()
        config = snowplow.SnowplowConfig(executions_per_day=executions_per_day)
        snowplow.write_tsv(snowplow.iter_events(config, plan), tsv)
        plan_file.write_text(json.dumps({"rows": plan.rows, "events": plan.events}))
    return tsv, json.loads(plan_file.read_text())


def dbt(bin_dir: Path, workdir: Path, database: Path, *args: str) -> float:
    """Run dbt; return wall seconds, and print its slowest nodes.

    Each run's run_results.json is kept as run_results-<n>.json in workdir.
    """
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(workdir),
        "DBT_DUCKDB_PATH": str(database),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    start = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [bin_dir / "dbt", "--no-use-colors", *args, "--project-dir",
         str(ROOT / "transform"), "--threads", "2"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    if result.returncode != 0:
        print(result.stdout[-5000:], result.stderr[-2000:])
        raise SystemExit(result.returncode)
    summary = [line for line in result.stdout.splitlines() if "Done." in line]
    # CPU seconds too: on a shared machine they move less than the wall.
    print(
        f"  {' '.join(args)}: {elapsed:.1f} s ({cpu:.1f} CPU s)"
        f"  {summary[-1].split('Done.')[-1]}"
    )
    results = workdir / "target" / "run_results.json"
    kept = workdir / f"run_results-{len(list(workdir.glob('run_results-*.json')))}.json"
    kept.write_bytes(results.read_bytes())
    nodes = json.loads(kept.read_text())["results"]
    by_kind: dict[str, float] = {}
    for node in nodes:
        kind = node["unique_id"].split(".")[0]
        by_kind[kind] = by_kind.get(kind, 0.0) + node["execution_time"]
    print("    node seconds:", ", ".join(f"{k} {t:.1f}" for k, t in by_kind.items()))
    for node in sorted(nodes, key=lambda n: -n["execution_time"])[:SLOWEST]:
        name = node["unique_id"].split(".", 2)[-1]
        print(f"    {node['execution_time']:7.1f} s  {name}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ga-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--executions-per-day",
        type=float,
        default=80.0,
        help="Snowplow sample density; 80 gives about 1M events",
    )
    parser.add_argument("--batch-rows", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, help="keep the work files here")
    args = parser.parse_args()

    bin_dir = tool_venv("dbt", DBT_DUCKDB) / "bin"
    tsv, plan = snowplow_tsv(args.executions_per_day)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-dbt-"))
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "profiles.yml").write_text(DUCKDB_PROFILE)
    database = workdir / "warehouse.duckdb"
    database.unlink(missing_ok=True)

    start = time.perf_counter()
    now = dt.datetime.now().replace(microsecond=0)
    with duckdb.connect(str(database)) as con:
        load_ga(con, args.ga_rows, str(now - dt.timedelta(minutes=5)))
    snowplow.load_tsv(database, tsv)
    print(
        f"raw data: {args.ga_rows:,} GA rows, {plan['rows']:,} Snowplow rows"
        f" ({plan['events']:,} distinct events) loaded in"
        f" {time.perf_counter() - start:.1f} s; {os.cpu_count()} CPUs"
    )

    # transform/utilities.meltano.yml's build-ga-legacy and build-hub-metrics
    # leave the unit tests out the same way.
    production = ("build", "--exclude-resource-type", "unit_test")
    full = dbt(bin_dir, workdir, database, *production)
    unit = dbt(bin_dir, workdir, database, "test", "--select", "test_type:unit")

    # A small new batch in both sources: GA rows from a later load, and
    # Snowplow events re-delivered under new event ids.
    with duckdb.connect(str(database)) as con:
        load_ga(con, args.batch_rows, str(now), offset=args.ga_rows)
        sample = con.execute(
            "select * exclude (uploaded_at) from snowplow.events"
            f" using sample {args.batch_rows} rows (reservoir, 7)"
        )
        names = [d[0] for d in sample.description]
        rows = [dict(zip(names, row, strict=True)) for row in sample.fetchall()]
    for row in rows:
        row["event_id"] = hashlib.md5(row["event_id"].encode()).hexdigest()
    snowplow.load(database, rows)
    incremental = dbt(bin_dir, workdir, database, *production)
    noop = dbt(bin_dir, workdir, database, "run")

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"full build {full:.1f} s, its unit tests {unit:.1f} s;"
        f" incremental build after +{args.batch_rows} GA"
        f" rows and +{len(rows)} Snowplow events {incremental:.1f} s;"
        f" run with nothing new {noop:.1f} s; peak RSS of dbt {peak:.0f} MB"
    )
    print(f"goal: full build < 60 s -> {'met' if full < 60 else 'MISSED'}")
    # The machine is often shared: a figure means little without its load.
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
