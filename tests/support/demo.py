"""`make demo` in a fresh copy of the project, run once per session.

A newcomer's first `make demo` in a fresh clone is the costliest command of
the suite (`meltano install`, the full range, the dbt build) and two suites
start from it: the e2e demo tests (tests/e2e/test_demo.py) and the docs test,
whose first runnable block is README's `make demo` (tests/docs). The session
runs it once, in one fresh copy, and keeps its output. Whoever changes the
copy after that says so (``changed``), so the docs test knows whether the copy
is still exactly "a fresh copy where only `make demo` ran" (``pristine``), and
a test that reads the warehouse knows which run's output describes it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.support.fresh_copy import fresh_copy
from tests.support.meltano import base_env

if TYPE_CHECKING:
    from pathlib import Path

#: The command, as README.md's first runnable block has it.
DEMO = "make demo"


def run_demo(root: Path) -> str:
    """`make demo` in ``root``; its output (stdout and stderr merged).

    Fails with the output's tail if it exits non-zero.
    """
    done = subprocess.run(
        DEMO.split(),
        cwd=root,
        env=base_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, (
        f"{DEMO} exited {done.returncode}:\n{done.stdout[-6000:]}"
    )
    return done.stdout


@dataclass
class DemoClone:
    """A fresh copy of the project in which `make demo` ran once."""

    root: Path
    #: The output of that first `make demo`.
    first: str
    #: Nothing but that first `make demo` has run in the copy.
    pristine: bool = True
    #: The output of the `make demo` that last changed the copy, if nothing
    #: else changed it since.
    latest: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.latest = self.first

    def demo(self) -> str:
        """Run `make demo` again in the copy; its output."""
        self.changed()
        self.latest = run_demo(self.root)
        return self.latest

    def changed(self) -> None:
        """Something other than the first `make demo` ran in the copy."""
        self.pristine = False
        self.latest = None

    def latest_demo(self) -> str:
        """The output of the `make demo` that left the copy as it is now
        (running it again if something else ran since)."""
        return self.latest if self.latest is not None else self.demo()


def fresh_demo_clone(root: Path) -> DemoClone:
    """A fresh copy at ``root`` and the first `make demo` there."""
    fresh_copy(root)
    return DemoClone(root, run_demo(root))
