"""transform/README.md lists every model and every macro file there is.

The Models table gives each model its grain and its one job, and the layout
names each macro file: a model or macro file added without its line fails
here, so the page never drifts from the project.
"""

from __future__ import annotations

import re

from tests.support.warehouse import TRANSFORM

README = TRANSFORM / "README.md"


def models_section(text: str) -> str:
    """The README's "Models" section."""
    return text.split("\n## Models\n", 1)[1].split("\n## ", 1)[0]


def test_the_models_table_has_a_row_per_model() -> None:
    rows = set(re.findall(r"^\| `(\w+)` \|", models_section(README.read_text()), re.M))
    models = {path.stem for path in (TRANSFORM / "models").rglob("*.sql")}
    assert models - rows == set(), "models without a row in transform/README.md"
    assert rows - models == set(), "rows of transform/README.md without a model"


def test_the_layout_names_every_macro_file() -> None:
    layout = README.read_text().split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\b(\w+\.(?:sql|yml))\b", layout))
    files = {path.name for path in (TRANSFORM / "macros").iterdir()}
    assert files - named == set(), "macro files the layout of transform/README.md omits"
