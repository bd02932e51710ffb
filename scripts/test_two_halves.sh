#!/usr/bin/env bash
# `make test`: the whole suite as two pytest processes at once, one per core.
#
# Each suite's costly session fixtures (an installed Meltano project, a
# dbt-built warehouse, fakesnow, Airflow) are built once, in the half that
# runs it; pytest-xdist's loadgroup would do this, but with pytest 9 it
# ignores its xdist_group marks. Suites that share a session fixture run in
# the same half: e2e and airflow share the installed Meltano project, e2e and
# docs the copy where `make demo` ran once (tests/support/demo.py). Snowflake
# and tap share nothing and go where they balance the halves (measured on 2
# idle cores with tap in the first: 514 s against 425 s; tap alone ~50 s).
# The second half is "everything else", so a new suite is never
# left out. Lines are prefixed with their half; each half ends with its own
# summary, and the run fails if either half does.
set -uo pipefail
cd "$(dirname "$0")/.."

FIRST="transform or snowflake"
run_half() {
    local name=$1
    shift
    # A temporary root of its own: pytest prunes old numbered roots it finds.
    .venv/bin/pytest -p no:cacheprovider --durations=15 \
        --basetemp="${TMPDIR:-/tmp}/tap-ga-legacy-tests-$name" "$@" 2>&1 |
        sed -u "s/^/[$name] /"
    return "${PIPESTATUS[0]}"
}

echo "test: two halves at once: [1] $FIRST; [2] the rest"
run_half 1 -m "$FIRST" &
first=$!
run_half 2 -m "not ($FIRST)" &
second=$!
wait "$first"
one=$?
wait "$second"
two=$?
echo "test: [1] exited $one, [2] exited $two"
[ "$one" -eq 0 ] && [ "$two" -eq 0 ]
