"""The shell blocks of README.md and docs/*.md run as written, in a fresh copy.

Every ``sh`` block is preceded by ``<!-- runnable -->`` or ``<!-- not-runnable:
why -->``. The runnable ones run in document order (README.md, then docs/ by
name) in one fresh copy of the project, each with ``bash -euo pipefail``, so a
block may use the files an earlier one made (the demo's warehouse), never its
shell variables. What a block leaves running in the background is stopped
after it. A ``# prints: <text>`` line in a block says its output holds that
text, words compared with any run of spaces as one.

The fresh copy is the session's demo copy (tests/support/demo.py) when the
first runnable block is exactly the command the session ran there (README's
`make demo`) and nothing else has run there yet: that block's exit status and
output are the ones recorded then, in the same copy, before any other block;
every later block runs. Otherwise (another test changed that copy first, or
the first block is another command) the blocks get a new fresh copy and all of
them run.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.demo import DEMO, DemoClone
from tests.support.fresh_copy import REPO, fresh_copy
from tests.support.meltano import base_env

DOCS = (
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted((REPO / "packages").glob("*/README.md")),
)
FENCE = re.compile(r"^```(?:sh|bash|shell)\n(?P<body>.*?)^```$", re.S | re.M)
MARKER = re.compile(r"<!-- (?:(?P<runnable>runnable)|not-runnable: (?P<why>\S.*?)) -->")
#: A figure the block claims: ``# prints: <text>`` on a line of its own.
PRINTS = re.compile(r"^# prints: (?P<text>\S.*)$", re.M)


@dataclass(frozen=True)
class Block:
    """One shell block and the marker line before it."""

    where: str
    body: str
    marker: str

    @property
    def runnable(self) -> bool:
        match = MARKER.fullmatch(self.marker)
        return bool(match and match["runnable"])


def shell_blocks() -> list[Block]:
    blocks = []
    for path in DOCS:
        text = path.read_text()
        for fence in FENCE.finditer(text):
            line = text.count("\n", 0, fence.start()) + 1
            before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
            where = f"{path.relative_to(REPO)}:{line}"
            blocks.append(Block(where, fence["body"], before))
    return blocks


def test_every_shell_block_says_whether_it_runs():
    unmarked = [b.where for b in shell_blocks() if not MARKER.fullmatch(b.marker)]
    assert unmarked == [], "add <!-- runnable --> or <!-- not-runnable: why -->"


def test_the_commands_a_newcomer_pastes_are_runnable():
    runnable = "\n".join(b.body for b in shell_blocks() if b.runnable)
    for command in (
        "make demo",
        "con.sql('select activity_date, active_projects, ga_active_projects",
        "tap-ga-legacy --about",
        "tap-ga-legacy --config output/tap-config.json > output/tap.jsonl",
        "snowplow-sample --database output/warehouse.duckdb",
        "meltano invoke dbt-duckdb build",
        "meltano run ga-legacy-el",
    ):
        assert command in runnable


@dataclass(frozen=True)
class Copy:
    """The fresh copy the blocks run in, and what ran there before them."""

    root: Path
    #: The output of the `make demo` that ran first in the copy, if one did:
    #: the first block's command, run by the session before any other block.
    demo: str | None


def _commands(block: Block) -> list[str]:
    """The block's lines without comments or blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in block.body.splitlines())
    return [line for line in lines if line]


RUNNABLE = [b for b in shell_blocks() if b.runnable]


@pytest.fixture(scope="module")
def clone(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Copy:
    if _commands(RUNNABLE[0]) == [DEMO]:
        demo_clone: DemoClone = request.getfixturevalue("demo_clone")
        if demo_clone.pristine:
            demo_clone.changed()  # by the blocks after the first
            return Copy(demo_clone.root, demo_clone.first)
    return Copy(fresh_copy(tmp_path_factory.mktemp("clone")), None)


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: b.where)
def test_runnable_block(clone: Copy, block: Block, tmp_path: Path) -> None:
    if clone.demo is not None and block == RUNNABLE[0]:
        # Run first in this same fresh copy, and it exited 0 (run_demo).
        returncode, output = 0, clone.demo
    else:
        returncode, output = _run(block, clone.root, tmp_path / "output.log")
    assert returncode == 0, f"{block.where} exited {returncode}:\n{output[-4000:]}"
    for claim in PRINTS.finditer(block.body):
        assert _printed(claim["text"], output), (
            f"{block.where} claims it prints {claim['text']!r}:\n{output[-4000:]}"
        )


def _run(block: Block, root: Path, log: Path) -> tuple[int, str]:
    """Run the block with bash in ``root``: its exit status and output."""
    with log.open("w") as out:
        # Output to a file, not a pipe: a background process the block started
        # would hold a pipe open after bash exits.
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", block.body],
            cwd=root,
            env=base_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    return returncode, log.read_text()


def _printed(claim: str, output: str) -> bool:
    """``claim`` in ``output``, not inside a longer word or number, any run of
    spaces as one."""
    words = r"\s+".join(map(re.escape, claim.split()))
    return re.search(rf"(?<!\w){words}(?!\w)", output) is not None


@pytest.mark.parametrize(
    ("claim", "output", "found"),
    [
        ("760", "760\n", True),
        ("760", "7600\n", False),
        ("ga-report: 7 pages", "ga-report: 7 pages, 2445 KiB\n", True),
        ("ga-report: 7 pages", "ga-report: 17 pages\n", False),
        ("rows loaded this run: 22280", "rows loaded this run:    22280\n", True),
        ("rows loaded this run: 22280", "rows loaded this run: 222800", False),
    ],
)
def test_a_claim_is_whole_words(claim: str, output: str, found: bool) -> None:
    assert _printed(claim, output) is found


def test_a_figure_a_block_claims_is_found_in_its_output() -> None:
    """The check above reads the claims the docs make; at least the README's."""
    claims = [
        claim["text"]
        for block in shell_blocks()
        if block.runnable
        for claim in PRINTS.finditer(block.body)
    ]
    assert "760" in claims
    assert "rows loaded this run: 22280" in claims
