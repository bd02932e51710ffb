"""Write the tap's settings table into README.md (or, with --check, verify it).

.venv/bin/python scripts/update_readme.py [--check]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
TAP = Path(sys.executable).with_name("tap-ga-legacy")
BLOCK = re.compile(r"(<!-- settings:start -->\n).*?(<!-- settings:end -->)", re.S)


def settings_table() -> str:
    about = subprocess.run(
        [str(TAP), "--about", "--format=markdown"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    section = about.split("## Settings", 1)[1]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = README.read_text()
    updated = BLOCK.sub(lambda m: m[1] + settings_table() + "\n" + m[2], text)
    if args.check:
        if updated != text:
            print("README.md settings table is stale: run scripts/update_readme.py")
            return 1
        return 0
    README.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
