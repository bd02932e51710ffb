"""The rekey rules in SQL (dbt's as_uuid / to_project_uuid) agree with the tap's.

The macros are compiled by dbt (DuckDB adapter) and run in DuckDB over every
label and dimension 1 value the GA emulator produces, the edge cases, and
arbitrary strings; each row is compared with tap_ga_legacy.rekey.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ga_emulator.dataset import rows_in_range
from scripts.tool_venvs import DBT_DUCKDB, DUCKDB_PROFILE, tool_venv
from tap_ga_legacy.rekey import as_uuid, project_uuid, resolve_project_id
from tests.support.dataset import PROPERTY_ID, VIEW_ID
from tests.support.warehouse import GA_DATASET, TRANSFORM

if TYPE_CHECKING:
    from collections.abc import Iterator

UUID = "6c1d7c44-0a2b-4b7a-9d1e-1f2d3c4b5a69"
HEX = UUID.replace("-", "")
#: What int(x, 16) reads as whitespace and digits beyond ASCII: every one of
#: them, in a 32-character UUID that Python accepts.
UNICODE_SPACES = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
UNICODE_DIGITS = [c for c in map(chr, range(128, sys.maxunicode + 1)) if c.isdecimal()]
EDGE_CASES = [
    "",
    " ",
    "\t",
    "  \n",
    "(not set)",
    "(other)",
    " (not set)",
    "(NOT SET)",
    "not set",
    UUID,
    UUID.upper(),
    f" {UUID}",
    f"{UUID} ",
    UUID[:13],
    UUID[:-1],
    UUID + "0",
    HEX,
    HEX.upper(),
    "{" + UUID + "}",
    "{{" + HEX + "}",
    "urn:uuid:" + UUID,
    "URN:UUID:" + UUID,
    "uuid:" + HEX,
    "uurn:uid:" + HEX,
    "-".join(HEX),
    HEX[:8] + "-" * 5 + HEX[8:],
    "+" + HEX[1:],
    "0x" + HEX[2:],
    "0X_" + HEX[3:],
    "0x__" + HEX[4:],
    HEX[:4] + "_" + HEX[5:],
    HEX[:4] + "__" + HEX[6:],
    "_" + HEX[1:],
    " " + HEX[1:],
    HEX[1:] + " ",
    "\x1c" + HEX[1:],
    "\x00" + HEX[1:],
    "g" * 32,
    "acme-analytics",
    " acme-analytics ",
    "ACME-Analytics",
    "projét",
    "проект",
    "プロジェクト",
    "e\u0301",
    "😀",
    *(c + HEX[1:] for c in UNICODE_SPACES),
    *(c + HEX[1:] for c in UNICODE_DIGITS),
    *(HEX[:-1] + c for c in UNICODE_DIGITS),
    "\u00b2" + HEX[1:],  # superscript two: a digit, but not a decimal one
]


def _compile(workdir, sql: str) -> str:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(workdir),
        "DBT_DUCKDB_PATH": str(workdir / "compile.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = tool_venv("dbt", DBT_DUCKDB) / "bin" / "dbt"
    done = subprocess.run(
        [dbt, "--no-use-colors", "--quiet", "compile", "--output", "json",
         "--inline", sql, "--project-dir", str(TRANSFORM), "--target", "dev"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout)["compiled"]


class Rekey:
    """The compiled macros, run in DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection, one: str, pair: str) -> None:
        self.con, self.one_sql, self.pair_sql = con, one, pair

    def one(self, values: list[str]) -> list[tuple[str, str | None, str | None]]:
        """``(value, as_uuid, to_project_uuid)`` per value, in SQL."""
        self.con.execute("create or replace temp table labels (value varchar)")
        self.con.executemany("insert into labels values (?)", [[v] for v in values])
        return self.con.execute(self.one_sql).fetchall()

    def pairs(
        self, pairs: list[tuple[str, str]]
    ) -> list[tuple[str, str, str | None, str]]:
        """``(label, dimension, project_id, project_id_source)`` per pair, in SQL."""
        self.con.execute(
            "create or replace temp table pairs (label varchar, dimension varchar)"
        )
        self.con.executemany("insert into pairs values (?, ?)", pairs)
        return self.con.execute(self.pair_sql).fetchall()


@pytest.fixture(scope="module")
def rekey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rekey]:
    workdir = tmp_path_factory.mktemp("rekey")
    (workdir / "profiles.yml").write_text(DUCKDB_PROFILE)
    one = _compile(
        workdir,
        "select value, {{ as_uuid('value') }}, {{ to_project_uuid('value') }}"
        " from labels",
    )
    # The tap's rules for a row (the README's SQL form), as the archive
    # table's staging model applies them.
    pair = _compile(
        workdir,
        "select label, dimension, {{ ga_project_id('label', 'dimension') }},"
        " {{ ga_project_id_source('label', 'dimension') }} from pairs",
    )
    with duckdb.connect() as con:
        yield Rekey(con, one, pair)


def _python(value: str) -> tuple[str, str | None, str | None]:
    return value, as_uuid(value), project_uuid(value)


def _assert_agree(rekey: Rekey, values: list[str]) -> None:
    got = rekey.one(values)
    assert len(got) == len(values)
    differ = [(row, _python(row[0])) for row in got if row != _python(row[0])]
    assert not differ, differ[:5]


def test_every_value_the_emulator_produces(rekey: Rekey) -> None:
    config = GA_DATASET  # the default data plus empty labels and dimensions
    pairs = {
        (row.label, row.dimension1)
        for property_id in (VIEW_ID, PROPERTY_ID)
        for row in rows_in_range(config, property_id, config.first_day, config.last_day)
    }
    values = sorted({v for pair in pairs for v in pair})
    # Every kind of value the emulator plants is there.
    assert "(not set)" in values
    assert "" in values
    assert any(v != v.lower() and as_uuid(v) for v in values)
    assert any(as_uuid(v) is None and project_uuid(v) for v in values)
    _assert_agree(rekey, values)
    got = rekey.pairs(sorted(pairs))
    assert len(got) == len(pairs)
    differ = [r for r in got if r[2:] != resolve_project_id(r[0], r[1])]
    assert not differ, differ[:5]
    assert {r[3] for r in got} == {"label", "custom_dimension", "derived", "missing"}


def test_edge_cases(rekey: Rekey) -> None:
    _assert_agree(rekey, EDGE_CASES)


def test_whitespace_is_part_of_the_id(rekey: Rekey) -> None:
    """Meltano 2.x derived from the id as sent: nothing is trimmed."""
    (blank, padded, plain) = rekey.one([" ", " acme ", "acme"])
    assert blank[2] is not None
    assert len({blank[2], padded[2], plain[2]}) == 3


def _uuid_like() -> st.SearchStrategy[str]:
    """Strings near a UUID: the forms uuid.UUID accepts, and near misses."""
    pieces = st.sampled_from(
        ["", "-", "_", "+", " ", "{", "}", "0x", "urn:", "uuid:", "\u3000", "٣"]
    )
    return st.builds(
        lambda u, upper, cut, a, b, c: (a + (u.upper() if upper else u) + b)[cut:] + c,
        st.uuids().map(lambda u: str(u) if u.int % 2 else u.hex),
        st.booleans(),
        st.integers(0, 3),
        pieces,
        pieces,
        pieces,
    )


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(), _uuid_like()))
def test_any_string(rekey: Rekey, value: str) -> None:
    _assert_agree(rekey, [value])
