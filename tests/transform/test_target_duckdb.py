"""Whatever a batch holds, the real target-duckdb loads it exactly.

GA stores what anonymous clients sent: a command line may hold any quote,
escape or separator character. load/target-duckdb-patched writes each batch
to a CSV file; its COPY must read that file the way it was written, whatever
the values, instead of leaving DuckDB's sniffer to guess the dialect from
them (it once took ``'`` for the quote of a batch holding
``--job_id="<script>"`` and refused the batch). Singer messages go straight to
the target here: the tap's own values are the emulator's.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import TYPE_CHECKING

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scripts.tool_venvs import tool_venv
from tests.support.warehouse import TARGET_DUCKDB

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA = {
    "type": "SCHEMA",
    "stream": "events",
    "key_properties": ["key"],
    "schema": {
        "type": "object",
        "properties": {
            "key": {"type": ["string"]},
            "event_action": {"type": ["string", "null"]},
            "event_label": {"type": ["string", "null"]},
            "event_count": {"type": ["integer", "null"]},
            "is_sampled": {"type": ["boolean", "null"]},
            "extracted_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
}
#: Every character a CSV dialect could be guessed from, and those that already
#: round-tripped (NUL, CR, tab, \N, emoji): alone, doubled, mixed with text.
SPECIAL = [*"\"'`\\,;|\t\r\n\x00#", "\\N", '""', "''", "\r\n", "😀", "…"]
TEXT = st.one_of(
    st.lists(st.sampled_from([*SPECIAL, "a", " ", "<script>", "="])).map("".join),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
)
ROW = st.tuples(
    st.one_of(st.none(), TEXT),
    st.one_of(st.none(), TEXT),
    st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    st.one_of(st.none(), st.booleans()),
)
#: The GA action that stopped `make demo` (issue 19), in a batch of ordinary rows.
JOB_ID = 'meltano elt tap-github target-jsonl --job_id="<script>…</script>"'
ISSUE_BATCH = [
    ("meltano elt tap-gitlab target-jsonl", "e8096f42", 3, False),
    (JOB_ID, "", 1, None),
    ("meltano invoke dbt run", None, 12, True),
]


@pytest.fixture(scope="module")
def target_bin() -> Path:
    """The target Meltano installs (load/target-duckdb-patched)."""
    return tool_venv("target-duckdb", TARGET_DUCKDB) / "bin" / "target-duckdb-patched"


def run_target(
    target_bin: Path, workdir: Path, rows: list[tuple[object, ...]]
) -> subprocess.CompletedProcess[str]:
    """Send ``rows`` through the target into a new DuckDB file."""
    database = workdir / "load.duckdb"
    database.unlink(missing_ok=True)
    config = workdir / "target.json"
    config.write_text(
        json.dumps(
            {
                "filepath": str(database),
                "default_target_schema": "raw",
                "add_metadata_columns": True,
                "primary_key_required": True,
            }
        )
    )
    messages = [SCHEMA] + [
        {
            "type": "RECORD",
            "stream": "events",
            "time_extracted": "2026-12-01T21:05:16.774807Z",
            "record": {
                "key": str(number),
                "event_action": action,
                "event_label": label,
                "event_count": count,
                "is_sampled": sampled,
                "extracted_at": "2026-12-01T21:05:16.774807+00:00",
            },
        }
        for number, (action, label, count, sampled) in enumerate(rows)
    ]
    return subprocess.run(
        [target_bin, "--config", config],
        input="".join(json.dumps(message) + "\n" for message in messages),
        capture_output=True,
        text=True,
        check=False,
    )


def load(target_bin: Path, workdir: Path, rows: list[tuple[object, ...]]) -> list:
    """Send ``rows`` through the target; read them back."""
    done = run_target(target_bin, workdir, rows)
    assert done.returncode == 0, done.stderr[-3000:]
    with duckdb.connect(str(workdir / "load.duckdb"), read_only=True) as connection:
        return connection.execute(
            "select event_action, event_label, event_count, is_sampled"
            " from raw.events order by cast(key as integer)"
        ).fetchall()


def test_the_copy_guesses_nothing_from_the_batch(
    target_bin: Path, tmp_path: Path
) -> None:
    """DuckDB lists each CSV option it used, and whether it guessed it.

    A value the table cannot hold makes the COPY fail and print that list.
    """
    done = run_target(target_bin, tmp_path, [(JOB_ID, "", 1, "not a boolean")])

    assert done.returncode != 0
    options = re.findall(r"^\s+(\w+) = .*\((Set By User|Auto-Detected)\)$",
                         done.stderr, re.MULTILINE)  # fmt: skip
    stated = {name for name, how in options if how == "Set By User"}
    assert stated >= {
        "delimiter", "quote", "escape", "new_line", "header", "skip_rows", "comment"
    }  # fmt: skip
    # With auto_detect false these are DuckDB's defaults (strict mode, the
    # ISO 8601 cast), not guesses; it labels them so all the same.
    assert set(dict(options)) - stated <= {
        "strict_mode", "date_format", "timestamp_format"
    }  # fmt: skip


def test_a_batch_with_a_quoted_command_line_loads(
    target_bin: Path, tmp_path: Path
) -> None:
    assert load(target_bin, tmp_path, ISSUE_BATCH) == ISSUE_BATCH


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(rows=[(JOB_ID, JOB_ID, 1, True)])
@example(rows=[("'", '"', None, None), ("a'b", "c''d", 0, False)])
@given(rows=st.lists(ROW, min_size=1, max_size=12))
def test_every_value_loads_exactly_as_sent(
    target_bin: Path, tmp_path: Path, rows: list[tuple[object, ...]]
) -> None:
    assert load(target_bin, tmp_path, rows) == rows
