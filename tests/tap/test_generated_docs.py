"""What scripts/generate_docs.py writes from the settings schema is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/generate_docs.py"


def _check(root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_tap_docs_meltano_settings_and_env_example_are_current():
    done = _check()
    assert done.returncode == 0, done.stdout + done.stderr


#: One hand edit of a default in each generated file.
EDITS = {
    "docs/tap.md": ("| lookback_days | False | 3 |", "| lookback_days | False | 4 |"),
    "extract/extractors.meltano.yml": ("value: 600", "value: 60"),
    ".env.example": ("TAP_GA_LEGACY_MAX_RETRIES=8", "TAP_GA_LEGACY_MAX_RETRIES=5"),
}


def test_a_hand_edited_default_is_reported_stale(tmp_path):
    for name, (old, new) in EDITS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / name).read_text()
        assert old in text
        (tmp_path / name).write_text(text.replace(old, new))
    done = _check(tmp_path)
    assert done.returncode == 1
    assert done.stdout == (
        "stale: docs/tap.md, extract/extractors.meltano.yml, .env.example;"
        " run .venv/bin/python scripts/generate_docs.py\n"
    )


def test_ci_lints_then_tests_as_the_docs_say():
    commands = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line]
    assert commands[-2:] == ["make lint", "make test"]
    development = (ROOT / "docs/development.md").read_text()
    assert "`.ci/run` (CI) runs `make lint` and then `make test`" in development
