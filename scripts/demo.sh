#!/usr/bin/env bash
# Demo of the tap alone: start the GA emulator, run tap-ga-legacy against it,
# summarise what came out. (The Meltano project replaces this with the full
# pipeline.)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
OUT=output/demo
mkdir -p "$OUT"
ready="$OUT/emulator.json"
rm -f "$ready"
"$BIN/ga-emulator" --ready-file "$ready" >"$OUT/emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$ready" ] && break; sleep 0.1; done
url=$("$BIN/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['url'])" "$ready")
cat >"$OUT/config.json" <<JSON
{"view_ids": ["188392047"], "property_ids": ["312647579"],
 "start_date": "2022-03-01", "end_date": "2022-03-31", "api_endpoint": "$url"}
JSON
"$BIN/tap-ga-legacy" --config "$OUT/config.json" >"$OUT/events.singer.jsonl" 2>"$OUT/tap.log"
"$BIN/python" - "$OUT/events.singer.jsonl" <<'PY'
import collections, json, sys
records = [m["record"] for m in map(json.loads, open(sys.argv[1])) if m["type"] == "RECORD"]
sources = collections.Counter(r["project_id_source"] for r in records)
projects = {r["project_id"] for r in records if r["project_id"]}
print(f"rows: {len(records)}  projects: {len(projects)}  rows without project_id: {sources['missing']}")
print("project_id_source:", dict(sources))
print(f"output: {sys.argv[1]} (Singer messages); tap log: output/demo/tap.log")
PY
