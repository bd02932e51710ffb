{#
    One row per `partition_by` from the CTE or relation `relation`: the row
    that sorts first by `order_by` (e.g. `_sdc_batched_at desc`). Written with
    a window function in a subquery; `exclude (...)` reads the same in DuckDB
    and Snowflake.
#}
{% macro dedupe_latest(relation, partition_by, order_by) -%}
    select * exclude (_dedupe_row)
    from (
        select
            *,
            row_number() over (
                partition by {{ partition_by }}
                order by {{ order_by }}
            ) as _dedupe_row
        from {{ relation }}
    ) as numbered
    where _dedupe_row = 1
{%- endmacro %}
