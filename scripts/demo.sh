#!/usr/bin/env bash
# `make demo`: the main job against the GA API emulator, offline.
#
# Starts the emulator on a free port, installs the Meltano plugins (reusing the
# plugin venvs already in .meltano/), seeds what the GA era left behind (the old
# pipeline's table for January 2022, a GA interface export for February), runs
#   meltano run tap-ga-legacy target-duckdb [dbt-duckdb:build-ga-legacy]
# in the dev environment (2022-03-01..2022-05-31 of the emulated data), stops
# the emulator and prints a summary. A run into a warehouse without the tap's
# table loads the whole range; the next ones are incremental (only the tap's
# lookback window is pulled again, and upserted). Logs go to output/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
OUT=output/demo
WAREHOUSE=output/warehouse.duckdb
mkdir -p "$OUT"

if [ ! -x "$BIN/meltano" ] || [ ! -x "$BIN/ga-emulator" ]; then
    echo "demo: $BIN has no meltano/ga-emulator; run \`make install\` first." >&2
    exit 1
fi

# 1. The emulator, on a port the OS picks; it writes {"url": ...} once it is up.
ready="$OUT/emulator.json"
rm -f "$ready"
"$BIN/ga-emulator" --ready-file "$ready" >"$OUT/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT
# A busy machine can take tens of seconds to start Python: wait while the
# emulator is alive (up to 120 s), saying so every 10 s.
for tick in $(seq 1200); do
    [ -s "$ready" ] && break
    if ! kill -0 "$emulator" 2>/dev/null; then
        echo "demo: the emulator exited; see $OUT/emulator.log" >&2
        exit 1
    fi
    if ((tick % 100 == 50)); then
        echo "demo: ... waiting for the GA API emulator to start ($((tick / 10)) s)"
    fi
    sleep 0.1
done
if [ ! -s "$ready" ]; then
    echo "demo: the emulator did not start within 120 s; see $OUT/emulator.log" >&2
    exit 1
fi
TAP_GA_LEGACY_API_ENDPOINT=$("$BIN/python" -c \
    "import json, sys; print(json.load(open(sys.argv[1]))['url'])" "$ready")
export TAP_GA_LEGACY_API_ENDPOINT
echo "demo: GA API emulator at $TAP_GA_LEGACY_API_ENDPOINT"

# 2. Plugins. dbt (and MeltanoHub's files from its mart) only if the dbt
# project is there.
plugins=(tap-ga-legacy target-duckdb)
steps=(tap-ga-legacy target-duckdb)
if [ -f transform/dbt_project.yml ]; then
    plugins+=(dbt-duckdb hub-metrics)
    # The build includes fct_hub_variant_metrics (it reads the GA models), so
    # MeltanoHub's files follow from it: hub-metrics-publish's last two steps.
    steps+=(dbt-duckdb:build-ga-legacy hub-metrics:write hub-metrics:copy)
fi
export MELTANO_ENVIRONMENT=dev
# run_logged LOG CMD...: the output goes to LOG; every 10 s a line says the
# command is still running (first after 5 s); on failure, the log's tail.
run_logged() {
    local log=$1 started=$SECONDS next=$((SECONDS + 5)) pid
    shift
    local what="${1##*/} ${2:-} ${3:-}"
    "$@" >"$log" 2>&1 &
    pid=$!
    # Every 0.2 s: the next step starts at most that long after this one ends.
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.2
        if ((SECONDS >= next)) && kill -0 "$pid" 2>/dev/null; then
            echo "demo: ... ${what% } still running ($((SECONDS - started)) s, log: $log)"
            next=$((next + 10))
        fi
    done
    if ! wait "$pid"; then
        echo "demo: failed: ${*#"$BIN/"}" >&2
        grep -E "error|Error|failed|not a valid|No credentials" "$log" | tail -n 15 >&2 || true
        echo "demo: full log: $log" >&2
        exit 1
    fi
}
# `meltano install` takes 5-7 s even when every venv is current, so it runs
# only when a plugin definition or pin changed since the last install here, or
# a venv is missing (the tap itself is installed editable: code needs none).
stamp=.meltano/demo-install.sha256
wanted=$(cat meltano.yml ./*/*.meltano.yml load/target-duckdb-patched/pyproject.toml \
    load/target-duckdb-patched/target_duckdb_patched/*.py \
    pyproject.toml uv.lock $(compgen -G 'constraints/*.txt' || true) | sha256sum)
installed=true
for plugin in "${plugins[@]}"; do
    compgen -G ".meltano/*/$plugin/venv" >/dev/null || installed=false
done
if [ "$installed" = false ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "demo: meltano install ${plugins[*]}"
    # uv writes the plugins' bytecode now: every later run starts from it, even
    # where Python writes none itself (PYTHONDONTWRITEBYTECODE).
    UV_COMPILE_BYTECODE=1 run_logged "$OUT/install.log" "$BIN/meltano" install "${plugins[@]}"
    echo "$wanted" >"$stamp"
else
    echo "demo: plugins already installed (.meltano/, definitions unchanged)"
fi

has_table() {  # has_table SCHEMA: does the warehouse have SCHEMA.events?
    "$BIN/python" - "$WAREHOUSE" "$1" <<'PY'
import pathlib, sys
import duckdb
path, schema = pathlib.Path(sys.argv[1]), sys.argv[2]
if not path.exists():
    sys.exit(1)
with duckdb.connect(str(path), read_only=True) as con:
    found = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = ? and table_name = 'events'",
        [schema],
    ).fetchone()[0]
sys.exit(0 if found else 1)
PY
}

# Meltano keeps the tap's bookmark in .meltano/, apart from the warehouse: a
# new or deleted warehouse next to an old bookmark would get only the lookback
# window. A warehouse without the tap's table holds nothing that bookmark
# describes, so the run ignores it (--full-refresh) and loads the whole range.
refresh=()
if ! has_table tap_ga_legacy; then
    refresh=(--full-refresh)
fi

# The dbt models blend GA with Snowplow events; in production Snowpipe fills
# RAW.SNOWPLOW.EVENTS, here the project's seeded sample does (loaded once).
if [ -f transform/dbt_project.yml ] && ! has_table snowplow; then
    echo "demo: loading the Snowplow sample into $WAREHOUSE (snowplow.events)"
    run_logged "$OUT/snowplow.log" "$BIN/python" -m snowplow_sample \
        --database "$WAREHOUSE"
fi

# What survives of GA-era days the API no longer serves, from the emulator's
# data: the old pipeline's warehouse table (January 2022, in its old layout,
# no custom dimension), and a GA interface CSV export (February 2022) in the
# folder the dev environment's archive_files reads. The dev environment points
# dbt at the table (environments/dev.meltano.yml).
# The table is the old pipeline's, written once: only into a new warehouse.
if [ -f transform/dbt_project.yml ] && ! has_table tap_google_analytics; then
    echo "demo: seeding the old warehouse table (tap_google_analytics.events)"
    run_logged "$OUT/archive.log" "$BIN/python" -m ga_emulator.old_table \
        "$WAREHOUSE" tap_google_analytics 2022-01-01 2022-01-31
fi
echo "demo: writing a GA interface export for February 2022"
run_logged "$OUT/export.log" "$BIN/python" -m ga_emulator.ui_exports \
    output/examples/ga-exports/top-events-2022-02.csv 2022-02-01 2022-02-28

# 3. The main job.
echo "demo: meltano run ${refresh[*]:+${refresh[*]} }${steps[*]}"
started=$(date +%s)
run_logged "$OUT/run.log" "$BIN/meltano" run "${refresh[@]}" "${steps[@]}"
echo "demo: done in $(($(date +%s) - started)) s (log: $OUT/run.log)"

# 4. Stop the emulator before summarising.
kill "$emulator" 2>/dev/null || true
wait "$emulator" 2>/dev/null || true
trap - EXIT

"$BIN/python" - "$WAREHOUSE" "$OUT/run.log" <<'PY'
import pathlib
import re
import sys

import duckdb

path, log = sys.argv[1], sys.argv[2]
text = open(log).read()
# events rows only: report_windows (the proof, docs/data-quality.md) loads too.
loaded = sum(int(n) for n in re.findall(r"Loading (\d+) rows into '[^']*\bevents\b", text))
proof = sum(
    int(n) for n in re.findall(r"Loading (\d+) rows into '[^']*\breport_windows\b", text)
)
# The Meltano UI's view (dev's ui_view_ids): its stream, counted apart.
pageviews = sum(
    int(n) for n in re.findall(r"Loading (\d+) rows into '[^']*\bpageviews\b", text)
)
con = duckdb.connect(path, read_only=True)
rows, projects, missing, first, last = con.execute(
    """
    select count(*), count(distinct project_id),
           count(*) filter (where project_id is null),
           min(event_date), max(event_date)
    from tap_ga_legacy.events
    """
).fetchone()
sources = con.execute(
    "select project_id_source, count(*) from tap_ga_legacy.events"
    " group by 1 order by 2 desc"
).fetchall()
models = [
    f"{schema}.{name}"
    for schema, name in con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema not in ('tap_ga_legacy', 'snowplow',"
        " 'information_schema', 'pg_catalog', 'main') order by 1, 2"
    ).fetchall()
]
print()
print(f"rows loaded this run:    {loaded}")
print(f"rows in the table:       {rows} ({first}..{last}, tap_ga_legacy.events)")
print(f"projects found:          {projects}")
print(f"rows without project_id: {missing}")
print(f"UI pageview rows loaded:  {pageviews} (tap_ga_legacy.pageviews)")
print(f"report windows loaded:   {proof} (tap_ga_legacy.report_windows)")
print("project_id_source:       " + ", ".join(f"{s}={n}" for s, n in sources))
if models:
    print(f"dbt relations:           {len(models)} ({', '.join(models[:4])}, ...)")
coverage = "analytics_marts.fct_ga_legacy_daily_coverage"
if coverage in models:
    spans = con.execute(
        f"select origin, min(event_date), max(event_date), count(*) from {coverage}"
        " where api = 'ua' group by 1 order by 2"
    ).fetchall()
    print(
        "GA days by origin (UA):  "
        + "; ".join(f"{o} {a}..{b} ({n} days)" for o, a, b, n in spans)
    )
ui_mart = "analytics_marts.fct_ui_daily_route_usage"
if ui_mart in models:
    ui_projects, routes = con.execute(
        f"select count(distinct project_id), count(distinct page_route) from {ui_mart}"
    ).fetchone()
    print(f"UI use (Meltano UI):     {ui_projects} projects on {routes} routes ({ui_mart})")
print(f"DuckDB file:             {path}")
hub = pathlib.Path("output/hub_metrics/variant_metrics.yml")
if hub.is_file():
    # The header's first line says the window (hub_metrics.files).
    window = hub.read_text().splitlines()[0].removeprefix("# ")
    print(f"MeltanoHub files:        {hub.parent}/variant_metrics.yml, audit.yml ({window})")
mart = "analytics_marts.fct_daily_active_projects"
if mart in models:
    # The GA era's last days: the newest days of the mart are the Snowplow
    # sample's tail, a handful of projects that tell nothing of the pipeline.
    query = (
        "select activity_date, active_projects, ga_active_projects,"
        f" snowplow_active_projects from {mart} where ga_active_projects > 0"
        " order by activity_date desc limit 5"
    )
    print(f"\nThe mart {mart}, the last 5 days GA counted:")
else:
    query = "select * from tap_ga_legacy.events limit 5"
    print("\nThe tap's table, 5 rows:")
print(f"  {query}")
con.sql(query).show()
# The connection must outlive .show(): `duckdb.connect(...).sql(...)` in one
# expression closes it first ("Connection has already been closed").
print("Charts for the analysts: make report (output/report/); dbt docs: make docs")
print("Run it yourself from the project root:")
print(
    f"  .venv/bin/python -c \"import duckdb; con = duckdb.connect('{path}',"
    f" read_only=True); con.sql('{query}').show()\""
)
PY
