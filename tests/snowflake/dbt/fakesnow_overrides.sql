{#
    TEST ONLY. tests/snowflake copies this file into its temporary copy of
    transform/ (never into transform/ itself), next to a profile whose only
    target is `fakesnow`.

    The incremental models (delete+insert with a unique_key) stage their new
    rows in a `__dbt_tmp` relation that dbt-snowflake creates as a TEMPORARY
    table. fakesnow 0.12.1 rejects that ("TEMPORARY table names can *only* use
    the "temp" catalog"), so the stage is created with dbt-snowflake's own
    TRANSIENT-table macro instead: same SQL otherwise, and Snowflake accepts
    both.
#}
{% macro snowflake__create_table_temporary_sql(relation, compiled_code) -%}
    {{ snowflake__create_table_transient_sql(relation, compiled_code) }}
{%- endmacro %}
