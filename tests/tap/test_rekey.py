"""project_id rules and the event_key, as analysts will rely on them."""

from __future__ import annotations

import duckdb
import pytest

from tap_ga_legacy.rekey import (
    derive_project_uuid,
    event_key,
    netstring_md5,
    pageview_key,
    resolve_project_id,
)
from tests.support.dataset import VIEW_ID
from tests.support.tap import run_tap

UUID = "6c1d7c44-0a2b-4b7a-9d1e-1f2d3c4b5a69"
OTHER_UUID = "0f5b2d7e-9c3a-4d8e-8b1f-2a3c4d5e6f70"


@pytest.mark.parametrize(
    ("label", "dimension", "expected"),
    [
        pytest.param(UUID, OTHER_UUID, (UUID, "label"), id="label-wins"),
        pytest.param(UUID.upper(), "", (UUID, "label"), id="label-canonicalised"),
        pytest.param("(not set)", UUID, (UUID, "custom_dimension"), id="label-not-set"),
        pytest.param(UUID[:13], UUID, (UUID, "custom_dimension"), id="label-truncated"),
        pytest.param(
            "acme-analytics",
            "(not set)",
            ("95e6b795-7767-dbf2-6c42-6f2b553456d0", "derived"),
            id="custom-id-derived",
        ),
        pytest.param(
            "(not set)",
            "acme-analytics",
            ("95e6b795-7767-dbf2-6c42-6f2b553456d0", "derived"),
            id="custom-id-in-dimension",
        ),
        pytest.param("(not set)", "(not set)", (None, "missing"), id="nothing"),
        pytest.param("(other)", "(other)", (None, "missing"), id="other-row"),
        pytest.param("", "", (None, "missing"), id="empty"),
        pytest.param(
            "  ", "(not set)", (derive_project_uuid("  "), "derived"), id="blank"
        ),
        pytest.param(
            " acme ", "", (derive_project_uuid(" acme "), "derived"), id="as-sent"
        ),
        pytest.param(
            "{" + UUID.replace("-", "").upper() + "}",
            "",
            (UUID, "label"),
            id="braced-unhyphenated-uuid",
        ),
        pytest.param("", "urn:uuid:" + UUID, (UUID, "custom_dimension"), id="urn"),
    ],
)
def test_project_id_rules(label: str, dimension: str, expected: tuple) -> None:
    assert resolve_project_id(label, dimension) == expected


def test_derived_uuid_matches_meltano_2() -> None:
    # meltano.core.tracking.contexts.project: UUID(sha256(id).hexdigest()[::2])
    assert derive_project_uuid("acme-analytics") == (
        "95e6b795-7767-dbf2-6c42-6f2b553456d0"
    )
    assert derive_project_uuid(UUID[:13]) != derive_project_uuid(UUID[:12])


def test_event_key_is_unambiguous() -> None:
    # Moving a separator from one field to the next must change the key.
    assert event_key("ua", "1", "2021-01-01", "a,b", "c", "d", "e") != event_key(
        "ua", "1", "2021-01-01", "a", "b,c", "d", "e"
    )
    assert event_key("ua", "1", "2021-01-01", "a:1", "c", "d", "e") != event_key(
        "ua", "1", "2021-01-01", "a", "1:c", "d", "e"
    )
    assert event_key("ua", "12", "2021-01-01", "a", "b", "c", "d") != event_key(
        "ua", "1", "2021-01-01", "2a", "b", "c", "d"
    )


def test_event_key_tells_projects_apart_when_the_label_is_not_set() -> None:
    args = (
        "ua",
        "1",
        "2021-01-01",
        "meltano elt",
        "meltano elt tap-x target-y",
        "(not set)",
    )
    assert event_key(*args, UUID) != event_key(*args, OTHER_UUID)


def test_a_ga4_property_and_a_ua_view_with_the_same_id_never_share_a_key(
    config, tmp_path
) -> None:
    """Both are 9-digit numbers: the same number names two different sources."""
    run = run_tap({**config, "property_ids": [VIEW_ID]}, tmp_path)
    assert run.returncode == 0, run.stderr
    ga4 = {r["event_key"] for r in run.records if r["api"] == "ga4"}
    ua = {r["event_key"] for r in run.records if r["api"] == "ua"}
    # The emulator serves the same rows for the same id through both APIs.
    assert len(ga4) == len(ua) > 0
    assert not ga4 & ua


def test_event_key_is_reproducible_in_sql() -> None:
    """The documented SQL expression gives the same key (so dbt can check it)."""
    fields = (
        "ua",
        "188392047",
        "2021-03-10",
        "meltano elt",
        "meltano elt tap-ü x",
        "",
        UUID,
    )
    sql = (
        "select md5("
        + " || ".join(
            f"length(${i + 1}) || ':' || ${i + 1} || ','" for i in range(len(fields))
        )
        + ")"
    )
    with duckdb.connect() as con:
        (in_sql,) = con.execute(sql, list(fields)).fetchone()
    assert in_sql == event_key(*fields)


def test_event_key_is_the_netstring_md5_of_its_fields() -> None:
    """event_key is netstring_md5 unrolled for speed: the two never differ."""
    fields = ("ua", VIEW_ID, "2021-03-04", "meltano elt", "a,b:c", "", "é" * 3)
    assert event_key(*fields) == netstring_md5(*fields)


def test_pageview_key_takes_a_missing_title_as_empty() -> None:
    fields = ("ua", "188384771", "2021-03-04", "/pipelines", None, UUID, "1.2.3")
    assert pageview_key(*fields) == netstring_md5(
        "ua", "188384771", "2021-03-04", "/pipelines", "", UUID, "1.2.3"
    )
    assert pageview_key(*fields) != pageview_key(*fields[:4], "Meltano", *fields[5:])
    # The version is a key field: one project on two versions the same day.
    assert pageview_key(*fields) != pageview_key(*fields[:6], "1.2.4")
