"""project_id and the row keys (event_key, pageview_key) every record carries.

The GA client id changed with every clone, container and CI job, so the only
stable identity in the legacy events is the project_id that Meltano put in the
event label and in custom dimension 1.
"""

from __future__ import annotations

import functools
import hashlib
import uuid

from tap_ga_legacy.ga_values import PLACEHOLDERS

#: ``project_id_source`` values, in the order the rules are tried.
LABEL = "label"
CUSTOM_DIMENSION = "custom_dimension"
DERIVED = "derived"
MISSING = "missing"
SOURCES = (LABEL, CUSTOM_DIMENSION, DERIVED, MISSING)


def as_uuid(value: str) -> str | None:
    """The UUID ``uuid.UUID(value)`` reads, canonical lowercase, else None.

    Exactly Meltano 2.x's test for a project id that "is already a UUID", so
    every form it accepts counts: any case, hyphens anywhere, braces, a
    ``urn:uuid:`` prefix, and what ``int(x, 16)`` tolerates (surrounding
    whitespace, ``+``, ``0x``, underscores, non-ASCII decimal digits).
    """
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def derive_project_uuid(project_id: str) -> str:
    """The UUID Meltano >= 2.0 derives from a project_id that is not a UUID.

    Same as ``meltano.core.tracking.contexts.project``: every other hex digit of
    the SHA-256 of the id, so GA-era rows join the Snowplow-era project_uuid.
    """
    return str(uuid.UUID(hashlib.sha256(project_id.encode()).hexdigest()[::2]))


def meltano_project_uuid(project_id: str) -> str:
    """The project_uuid Meltano >= 2.0 sends for a project_id.

    The id itself in canonical form when it is a UUID, else the derived UUID.
    """
    return as_uuid(project_id) or derive_project_uuid(project_id)


def project_uuid(value: str) -> str | None:
    """One field's project UUID: Meltano 2.x's, from the string as GA sent it.

    None for what carries no project id: the empty string and GA's
    placeholders ``(not set)`` and ``(other)``. Anything else, whitespace
    included, is used as it is, never stripped: Meltano 2.x hashed the id it
    was given, so a stripped id would not join its Snowplow-era project_uuid.
    The dbt macro ``to_project_uuid`` is the same rule in SQL.
    """
    if value in PLACEHOLDERS:
        return None
    return meltano_project_uuid(value)


@functools.lru_cache(maxsize=65_536)
def resolve_project_id(label: str, dimension: str) -> tuple[str | None, str]:
    """``(project_id, project_id_source)`` for one row's label and dimension 1.

    Rules, first match wins: a label that is a UUID; a dimension 1 that is a
    UUID; the UUID derived from the label, or else from dimension 1, when it
    is not a placeholder (``project_uuid``); else no project_id. UUIDs come
    out in canonical lowercase form. Cached: a project's id repeats on every
    row.
    """
    project_id = as_uuid(label)
    if project_id:
        return project_id, LABEL
    project_id = as_uuid(dimension)
    if project_id:
        return project_id, CUSTOM_DIMENSION
    project_id = project_uuid(label) or project_uuid(dimension)
    if project_id:
        return project_id, DERIVED
    return None, MISSING


def event_key(  # noqa: PLR0917 - one argument per key field, in key order
    api: str,
    property_id: str,
    event_date: str,
    category: str,
    action: str,
    label: str,
    project_dimension: str,
) -> str:
    """MD5 hex of the row's identity, serialised without ambiguity.

    Each field is written as ``<length in characters>:<value>,`` (a netstring),
    in the order api, property_id, event_date (YYYY-MM-DD), category, action,
    label, project_dimension, so no two different rows can serialise alike. In
    SQL: ``md5(length(a) || ':' || a || ',' || length(b) || ':' || b || ',' ...)``.

    The api is part of the key because GA4 property ids and UA view ids are
    both 9-digit numbers: the same number in both APIs names two different
    sources. The project dimension is part of it because GA returns one row
    per combination of every requested dimension: two projects running the
    same command on the same day with a ``(not set)`` label differ only
    there, and without it one row would overwrite the other in the warehouse.
    """
    # netstring_md5 unrolled into one f-string: this runs once per events
    # record, and the join costs about 1.4 µs more (a tenth of the
    # per-record time). tests/tap/test_rekey.py holds the two equal.
    text = (
        f"{len(api)}:{api},{len(property_id)}:{property_id},"
        f"{len(event_date)}:{event_date},{len(category)}:{category},"
        f"{len(action)}:{action},{len(label)}:{label},"
        f"{len(project_dimension)}:{project_dimension},"
    )
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def netstring_md5(*fields: str) -> str:
    """MD5 hex of ``fields`` as netstrings: ``<length>:<value>,`` each, in order."""
    text = "".join([f"{len(value)}:{value}," for value in fields])
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def pageview_key(  # noqa: PLR0917 - one argument per key field, in key order
    api: str,
    property_id: str,
    event_date: str,
    page_path: str,
    page_title: str | None,
    project_dimension: str,
    meltano_version: str,
) -> str:
    """MD5 hex of a pageviews row's identity, as ``event_key`` serialises one.

    api, property_id, event_date (YYYY-MM-DD), page_path, page_title (``''``
    when it was not asked for), project_dimension, meltano_version: every
    dimension GA returned one row per combination of.
    """
    return netstring_md5(
        api,
        property_id,
        event_date,
        page_path,
        page_title or "",
        project_dimension,
        meltano_version,
    )
