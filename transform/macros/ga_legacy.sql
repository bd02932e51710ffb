{#
    The typed staging columns of GA rows in the tap's layout (the tap's raw
    table, or the old warehouse table mapped to it): the command parsed out
    of GA's category and action, dates and counts cast. Both GA staging
    models end with it, so their columns are the same, in the same order.
#}
{% macro ga_legacy_staged_columns(relation) -%}
    select
        -- ids
        event_key,
        property_id,
        api,
        lower(project_id) as project_id,
        project_id_source,

        -- strings
        event_category as command_category,
        {{ dbt.split_part('event_category', "' '", 2) }} as cli_command,
        trim(
            regexp_replace(
                event_action, '--environment=[0-9a-fA-F]{64}', ''
            )
        ) as command,
        {{ regex_extract(
            'event_action', '--environment=([0-9a-fA-F]{64})'
        ) }} as environment_name_hash,
        event_action,
        event_label,
        project_dimension,

        -- numerics
        cast(event_count as bigint) as event_count,

        -- booleans
        project_id is not null as has_project_id,

        -- dates
        cast(event_date as date) as event_date,

        -- timestamps
        cast(_sdc_extracted_at as timestamp) as extracted_at,
        cast(_sdc_batched_at as timestamp) as loaded_at,

        -- Rows loaded before the tap had an origin column came from the APIs.
        coalesce(origin, 'api') as origin

    from {{ relation }}
{%- endmacro %}


{#
    The sources of the old pipeline's warehouse table that are configured
    (docs/legacy-data.md): `ga_archive` (RAW.TAP_GOOGLE_ANALYTICS.EVENTS,
    from July 2022) when var or env DBT_GA_ARCHIVE_SCHEMA is set,
    `ga_archive_early` (RAW.GOOGLE_ANALYTICS.EVENTS, February to July 2022)
    when DBT_GA_ARCHIVE_EARLY_SCHEMA is. The same tests enable the sources in
    _ga_archive__sources.yml. With DBT_GA_ARCHIVE_IF_PRESENT (dev), a source
    whose table is not in the warehouse is left out instead of failing.
#}
{% macro ga_archive_sources() -%}
    {%- set sources = [] -%}
    {%- if var('ga_archive_schema', env_var('DBT_GA_ARCHIVE_SCHEMA', '')) -%}
        {%- do sources.append('ga_archive') -%}
    {%- endif -%}
    {%- if var(
        'ga_archive_early_schema', env_var('DBT_GA_ARCHIVE_EARLY_SCHEMA', '')
    ) -%}
        {%- do sources.append('ga_archive_early') -%}
    {%- endif -%}
    {#- Dev: a configured table that is not there is skipped, not an error. #}
    {%- if execute and var(
        'ga_archive_if_present', env_var('DBT_GA_ARCHIVE_IF_PRESENT', '')
    ) -%}
        {%- set present = [] -%}
        {%- for name in sources -%}
            {%- set table = graph.sources.values()
                | selectattr('source_name', 'equalto', name)
                | first -%}
            {%- if adapter.get_relation(
                table.database, table.schema, table.identifier
            ) is not none -%}
                {%- do present.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ return(present) }}
    {%- endif -%}
    {{ return(sources) }}
{%- endmacro %}


{#
    The relation of ga_legacy source table `table_name`, or none when the
    warehouse does not have it: the tap writes pageviews only for the UI
    views it is given (ui_view_ids), and a warehouse loaded before the
    stream existed has none. source() is called either way, so the model
    keeps its lineage and `source:` selectors.
#}
{% macro ga_legacy_optional_source(table_name) -%}
    {%- set relation = source('ga_legacy', table_name) -%}
    {%- if execute and adapter.get_relation(
        relation.database, relation.schema, relation.identifier
    ) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}


{#
    Whether ga_legacy source table `table_name` has column `column_name` in
    the warehouse: report_windows gained `stream` with the pageviews stream,
    and a table loaded before that lacks it. False while parsing.
#}
{% macro ga_legacy_source_has_column(table_name, column_name) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(
        source('ga_legacy', table_name)
    ) -%}
        {%- do names.append(column.name | lower) -%}
    {%- endfor -%}
    {{ return(column_name | lower in names) }}
{%- endmacro %}
