"""scripts/backfill.py with a MELTANO_DATABASE_URI it cannot use: one line, no
secret, nothing run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "orchestrate"))

from backfills import BackfillError, running_heartbeats  # noqa: E402

SECRET = "s3cret-Pa55"
NOT_A_URL = (
    "MELTANO_DATABASE_URI is not a database URL"
    " (dialect://user:password@host:port/database, the port a number)"
)


def test_port_that_is_no_number_is_one_line() -> None:
    uri = f"postgresql://meltano:{SECRET}@127.0.0.1:5432x/meltano"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/backfill.py"), "2021-03-01", "2021-03-02"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "MELTANO_DATABASE_URI": uri},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [f"backfill: error: {NOT_A_URL}"]
    assert SECRET not in done.stdout + done.stderr


#: A password as a URI may hold it unquoted; a port that is not a number
#: (without "@", which would make the rest of the URI its host).
PASSWORDS = st.text(st.characters(codec="ascii", exclude_characters="@/:"), min_size=8)
PORTS = st.text(st.characters(exclude_characters="@"), min_size=1).filter(
    lambda p: not (p.isascii() and p.isdigit())
)
#: The messages there are: the tap's own words, the host and an exception's name.
MESSAGE = re.compile(
    re.escape(NOT_A_URL)
    + r"|cannot read Meltano's system database on 127\.0\.0\.1: [A-Za-z]+"
)


@given(password=PASSWORDS, port=PORTS)
def test_no_uri_ends_in_a_traceback_or_a_secret(password: str, port: str) -> None:
    uri = f"postgresql://meltano:{password}@127.0.0.1:{port}/meltano"
    with pytest.raises(BackfillError) as raised:
        running_heartbeats(uri, "dev:tap-ga-legacy-to-target-duckdb")
    assert MESSAGE.fullmatch(str(raised.value)), raised.value
