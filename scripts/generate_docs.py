"""Write what the tap's settings schema determines (or, with --check, verify it).

.venv/bin/python scripts/generate_docs.py [--check]

tap_ga_legacy/settings.py is the one place a setting's name, type, default,
label and description are written. From it this script writes:

- docs/tap.md: the settings table (`tap-ga-legacy --about --format=markdown`);
- extract/extractors.meltano.yml: the Meltano plugin's `settings:` list;
- .env.example: one commented TAP_GA_LEGACY_<SETTING> line per setting.

Each goes between marker lines in its file; the rest of the file is hand-written.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

from tap_ga_legacy.settings import CONFIG_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
TAP = Path(sys.executable).with_name("tap-ga-legacy")
GENERATED = "generated from tap_ga_legacy/settings.py by scripts/generate_docs.py"


def _tap_settings() -> dict[str, dict[str, Any]]:
    """The tap's own settings; Meltano declares the SDK's built-in ones itself."""
    return CONFIG_SCHEMA["properties"]


def readme_table() -> str:
    about = subprocess.run(
        [str(TAP), "--about", "--format=markdown"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    section = about.split("## Settings", 1)[1]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def _meltano_kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        # Meltano then offers the choices (`meltano config ... set --interactive`).
        return "options"
    types = _types(schema) - {"null"}
    if {"string", "object"} <= types:
        # A secret given as an object or its JSON string: as `object`, Meltano
        # would parse the string itself and quote it whole when it is not
        # JSON ("Failed to parse JSON object from string: '{...}'"). As a
        # string it reaches the tap, which parses it and never quotes it.
        return "string"
    for kind in ("array", "object", "boolean", "integer"):
        if kind in types:
            return kind
    if "number" in types:
        # Meltano 4.4.1 casts a `decimal` setting read from an environment
        # variable to Decimal and then cannot serialise the config ("Object of
        # type Decimal is not JSON serializable"). As integers the *_seconds
        # settings take whole seconds from the environment; meltano.yml may
        # still give fractions (e.g. 0.5), which pass through unchanged.
        return "integer"
    # Dates stay `string`, not `date_iso8601`: Meltano would rewrite a value it
    # cannot read as ISO through dateparser (2022-13-01 became
    # 2022-01-13T00:00:00), and the tap's error would quote that instead of
    # what was typed. The tap checks YYYY-MM-DD itself.
    return "string"


def _yaml_scalar(value: Any) -> str:
    return (
        yaml.safe_dump(value, default_flow_style=True, width=1000)
        .removesuffix("\n...\n")
        .strip()
    )


def meltano_settings_yaml() -> str:
    """The `settings:` list, laid out like the hand-written rest of the file."""
    lines = ["      settings:"]
    for name, schema in _tap_settings().items():
        lines += [f"        - name: {name}", f"          kind: {_meltano_kind(schema)}"]
        if "default" in schema:
            lines.append(f"          value: {_yaml_scalar(schema['default'])}")
        if "enum" in schema:
            lines.append("          options:")
            # null (the default) is no option to pick.
            choices = [c for c in schema["enum"] if c is not None]
            for choice in map(_yaml_scalar, choices):
                lines += [
                    f"            - label: {choice}",
                    f"              value: {choice}",
                ]
        if schema.get("secret"):
            lines.append("          sensitive: true")
        lines += [
            f"          label: {_yaml_scalar(schema['title'])}",
            "          description: >-",
            *textwrap.wrap(
                schema["description"],
                79,
                initial_indent=" " * 12,
                subsequent_indent=" " * 12,
                break_on_hyphens=False,
            ),
        ]
    return "\n".join(lines) + "\n"


def _env_value(value: Any) -> str:
    """A value as .env spells it: JSON (quoted) for arrays and objects."""
    if isinstance(value, str):
        return value if re.fullmatch(r"[\w./:@-]+", value) else f"'{value}'"
    text = json.dumps(value)
    return f"'{text}'" if isinstance(value, list | dict) else text


def env_example() -> str:
    lines = []
    for name, schema in _tap_settings().items():
        lines += textwrap.wrap(
            schema["description"], 77, initial_indent="# ", subsequent_indent="# "
        )
        value = schema["examples"][0] if "examples" in schema else schema["default"]
        lines += [f"# TAP_GA_LEGACY_{name.upper()}={_env_value(value)}", ""]
    return "\n".join(lines)


def targets() -> dict[str, tuple[str, str, str]]:
    """File -> (start marker, end marker, the generated text between them)."""
    return {
        "docs/tap.md": (
            "<!-- settings:start -->\n",
            "<!-- settings:end -->",
            readme_table() + "\n",
        ),
        "extract/extractors.meltano.yml": (
            f"      # settings:start ({GENERATED})\n",
            "      # settings:end",
            meltano_settings_yaml(),
        ),
        ".env.example": (
            f"# settings:start ({GENERATED})\n",
            "# settings:end",
            env_example(),
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    stale = []
    for name, (start, end, generated) in targets().items():
        path = args.root / name
        text = path.read_text()
        block = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if not block.search(text):
            print(f"{name}: no generated block (the marker lines are missing)")
            return 1
        updated = block.sub(lambda _, s=start, g=generated, e=end: s + g + e, text)
        if updated != text:
            stale.append(name)
            if not args.check:
                path.write_text(updated)
    if args.check and stale:
        print(
            f"stale: {', '.join(stale)}; run .venv/bin/python scripts/generate_docs.py"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
