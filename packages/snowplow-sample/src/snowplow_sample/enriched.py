"""The enriched-event format Snowpipe delivers, and loading it into DuckDB.

Snowpipe copied Snowplow's enriched TSV into ``RAW.SNOWPLOW.EVENTS``: the 131
enriched columns, all VARCHAR, plus ``uploaded_at``. ``load`` goes the same way
(a TSV file read with ``read_csv``) into a DuckDB table of the same shape.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from collections.abc import Iterable

#: The 131 columns of a Snowplow enriched event, in TSV order.
COLUMNS = (
    "app_id", "platform", "etl_tstamp", "collector_tstamp", "dvce_created_tstamp",
    "event", "event_id", "txn_id", "name_tracker", "v_tracker", "v_collector",
    "v_etl", "user_id", "user_ipaddress", "user_fingerprint", "domain_userid",
    "domain_sessionidx", "network_userid", "geo_country", "geo_region", "geo_city",
    "geo_zipcode", "geo_latitude", "geo_longitude", "geo_region_name", "ip_isp",
    "ip_organization", "ip_domain", "ip_netspeed", "page_url", "page_title",
    "page_referrer", "page_urlscheme", "page_urlhost", "page_urlport",
    "page_urlpath", "page_urlquery", "page_urlfragment", "refr_urlscheme",
    "refr_urlhost", "refr_urlport", "refr_urlpath", "refr_urlquery",
    "refr_urlfragment", "refr_medium", "refr_source", "refr_term", "mkt_medium",
    "mkt_source", "mkt_term", "mkt_content", "mkt_campaign", "contexts",
    "se_category", "se_action", "se_label", "se_property", "se_value",
    "unstruct_event", "tr_orderid", "tr_affiliation", "tr_total", "tr_tax",
    "tr_shipping", "tr_city", "tr_state", "tr_country", "ti_orderid", "ti_sku",
    "ti_name", "ti_category", "ti_price", "ti_quantity", "pp_xoffset_min",
    "pp_xoffset_max", "pp_yoffset_min", "pp_yoffset_max", "useragent", "br_name",
    "br_family", "br_version", "br_type", "br_renderengine", "br_lang",
    "br_features_pdf", "br_features_flash", "br_features_java",
    "br_features_director", "br_features_quicktime", "br_features_realplayer",
    "br_features_windowsmedia", "br_features_gears", "br_features_silverlight",
    "br_cookies", "br_colordepth", "br_viewwidth", "br_viewheight", "os_name",
    "os_family", "os_manufacturer", "os_timezone", "dvce_type", "dvce_ismobile",
    "dvce_screenwidth", "dvce_screenheight", "doc_charset", "doc_width",
    "doc_height", "tr_currency", "tr_total_base", "tr_tax_base",
    "tr_shipping_base", "ti_currency", "ti_price_base", "base_currency",
    "geo_timezone", "mkt_clickid", "mkt_network", "etl_tags", "dvce_sent_tstamp",
    "refr_domain_userid", "refr_dvce_tstamp", "derived_contexts",
    "domain_sessionid", "derived_tstamp", "event_vendor", "event_name",
    "event_format", "event_version", "event_fingerprint", "true_tstamp",
)  # fmt: skip
assert len(COLUMNS) == 131


def write_tsv(rows: Iterable[dict[str, str | None]], path: Path) -> Path:
    """Write rows as enriched TSV (131 columns, empty = null) + uploaded_at."""
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(
                "\t".join(row.get(c) or "" for c in (*COLUMNS, "uploaded_at")) + "\n"
            )
    return path


def table_ddl(schema: str = "snowplow", table: str = "events") -> str:
    """The raw table: 131 VARCHAR columns and uploaded_at, as Snowpipe's."""
    columns = ",\n    ".join(f"{c} varchar" for c in COLUMNS)
    return (
        f"create schema if not exists {schema};\n"
        f"create table if not exists {schema}.{table} (\n    {columns},\n"
        "    uploaded_at timestamp default current_timestamp\n)"
    )


def load(
    database: Path | str,
    rows: list[dict[str, str | None]],
    schema: str = "snowplow",
    table: str = "events",
    *,
    replay: bool = False,
    replace: bool = False,
) -> int:
    """Append rows to ``schema.table`` in a DuckDB file; returns rows loaded.

    With ``replace`` the table is emptied first, so loading the same sample
    twice leaves one copy. The file's folder is created if need be.

    Goes through a TSV file and ``read_csv``, as Snowpipe's COPY goes through
    the enriched TSV files in the stage. ``uploaded_at`` is the load time, as
    for a backfill re-run of the pipe's COPY today (so source freshness holds);
    with ``replay`` it is each row's simulated original upload time instead.
    """
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    if replace:
        with duckdb.connect(str(database)) as con:
            con.execute(f"drop table if exists {schema}.{table}")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_tsv(rows, Path(tmp) / "enriched.tsv")
        load_tsv(database, path, schema, table, replay=replay)
    return len(rows)


def load_tsv(
    database: Path | str,
    path: Path,
    schema: str = "snowplow",
    table: str = "events",
    *,
    replay: bool = False,
) -> None:
    """Append an enriched TSV file (see ``write_tsv``) to ``schema.table``."""
    columns = ", ".join(f"'{c}': 'varchar'" for c in (*COLUMNS, "uploaded_at"))
    uploaded_at = (
        "cast(uploaded_at as timestamp)"
        if replay
        else "cast(current_timestamp as timestamp)"
    )
    with duckdb.connect(str(database)) as con:
        con.execute(table_ddl(schema, table))
        con.execute(
            f"insert into {schema}.{table} select * exclude (uploaded_at),"  # noqa: S608 (names from the CLI, not data)
            f" {uploaded_at} from read_csv(?, delim='\\t',"
            f" header=false, quote='', escape='', columns={{{columns}}})",
            [str(path)],
        )
