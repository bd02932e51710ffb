"""The models' notes read cleanly in dbt docs' Source panel.

dbt docs highlights a model's raw SQL as SQL (Prism), which knows nothing of
Jinja: the lines of a ``{# ... #}`` comment are read as SQL, so an apostrophe
in them ("the tap's") opens a string literal that runs on to the next quote
and garbles the rest of the panel. The models' notes are SQL comments
(``/* */``, ``--``), which Prism shows as comments; a Jinja comment, where one
is needed, holds no quote.
"""

from __future__ import annotations

import re

from tests.support.warehouse import TRANSFORM

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def quoted_jinja_comments(sql: str) -> list[int]:
    """The line numbers of Jinja comments in ``sql`` that hold a quote."""
    return [
        sql.count("\n", 0, match.start()) + 1
        for match in JINJA_COMMENT.finditer(sql)
        if "'" in match.group() or '"' in match.group()
    ]


def test_finds_a_quote_in_a_jinja_comment() -> None:
    sql = "{# the tap's rule #}\nselect 1\n/* the tap's rule */\n{# plain #}\n"
    assert quoted_jinja_comments(sql) == [1]
    assert quoted_jinja_comments('select 1 {#- a "b" -#}') == [1]


def test_no_model_has_a_quote_in_a_jinja_comment() -> None:
    found = {
        str(path.relative_to(TRANSFORM)): lines
        for path in sorted((TRANSFORM / "models").rglob("*.sql"))
        if (lines := quoted_jinja_comments(path.read_text()))
    }
    assert found == {}, f"use /* */ or -- for notes with quotes: {found}"
