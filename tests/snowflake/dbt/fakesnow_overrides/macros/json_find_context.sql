{#
    TEST ONLY (see ../dbt_project.yml). fakesnow 0.12.1 cannot run the
    higher-order `filter(array, element -> ...)` that
    snowflake__json_find_context uses (it becomes DuckDB's list_filter over a
    JSON value: "No function matches ... list_filter"). Same answer, the first
    context whose schema starts with the prefix, through a correlated FLATTEN
    that fakesnow translates.
#}
{% macro snowflake__json_find_context(contexts, schema_prefix) -%}
    (
        select context.value:data
        from table(flatten(input => {{ contexts }}:data)) as context
        where startswith(context.value:schema::varchar, '{{ schema_prefix }}')
        order by context.index
        limit 1
    )
{%- endmacro %}
