"""Every relative link in the docs names a file that exists, and a heading in it.

README.md is a landing page: its links are the way into the manual, so a
moved or renamed page or section must not leave a dead one behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.fresh_copy import REPO

PAGES = (
    REPO / "README.md",
    REPO / "transform" / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted((REPO / "packages").glob("*/README.md")),
)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```$", re.S | re.M)
HEADING = re.compile(r"^#{1,6} (?P<title>.+)$", re.M)


def _anchor(title: str) -> str:
    """The id GitHub gives a heading: lower case, no punctuation, - for spaces."""
    title = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return title.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    return {_anchor(m["title"]) for m in HEADING.finditer(text)}


def _links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text())
    return [
        m["target"]
        for m in LINK.finditer(text)
        if not re.match(r"[a-z]+:", m["target"])  # https:, mailto:
    ]


def test_the_readme_is_a_landing_page() -> None:
    readme = REPO / "README.md"
    assert len(readme.read_text().splitlines()) < 150
    assert {"docs/tap.md", "docs/development.md"} <= set(_links(readme))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page: Path) -> None:
    dead = []
    for target in _links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            dead.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            dead.append(f"{target}: no heading #{anchor} in {file.name}")
    assert dead == []


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("The `events` stream", "the-events-stream"),
        ("Legacy data: the days Google no longer serves",
         "legacy-data-the-days-google-no-longer-serves"),
        ("Plugin and feature usage", "plugin-and-feature-usage"),
    ],
)  # fmt: skip
def test_anchors_are_githubs(title: str, anchor: str) -> None:
    assert _anchor(title) == anchor
