"""A copy of the project as a fresh clone has it, reusing the project's .venv."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def fresh_copy(root: Path) -> Path:
    """Copy the files git knows of (tracked, or new and not ignored) to ``root``.

    ``.venv`` is a directory of links to the project's own, with a `.synced`
    marker of its own, so `make` in the copy finds it built: neither a
    reinstall nor a `uv sync` of the shared venv against the copy.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is skipped
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    venv = root / ".venv"
    venv.mkdir()
    for entry in (REPO / ".venv").iterdir():
        if entry.name != ".synced":
            (venv / entry.name).symlink_to(entry)
    (venv / ".synced").touch()
    return root
