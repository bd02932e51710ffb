/*
    A table, not a view: its data tests and int_snowplow_plugin_executions
    read it, and as a view each would unnest every plugins context again.
*/
{{ config(materialized='table') }}

/*
    One row per plugin of an event's
    iglu:com.meltano/plugins_context/jsonschema/1-0-0 (its `plugins` array, in
    order), fields as Meltano sent them: the category in the clear, the name,
    namespace, executable, variant, parent name and pip_url as SHA-256 hex,
    and `command` in the clear. For an extract/load block of `meltano run`
    Meltano puts the plugin's arguments in `command`, text the user typed:
    it stays here, in staging; int_snowplow_plugin_executions hashes it.
*/

with

-- Each plugins context parsed once, into the fields read below: DuckDB
-- types the plugins array too, so unnesting it parses nothing again.
events as (

    select
        event_id,
        context_uuid,
        {{ json_parse('plugins_context', [
            'context_uuid',
            'plugins[].category',
            'plugins[].name_hash',
            'plugins[].namespace_hash',
            'plugins[].executable_hash',
            'plugins[].variant_name_hash',
            'plugins[].parent_name_hash',
            'plugins[].pip_url_hash',
            'plugins[].command',
        ]) }} as plugins_json
    from {{ ref('stg_snowplow__events') }}
    where plugins_context is not null

),

elements as (

    select
        events.event_id,
        events.context_uuid as execution_id,
        {{ json_get_field('events.plugins_json', 'context_uuid') }}
            as plugins_context_uuid,
        plugin.value as plugin_fields,
        plugin.index as plugin_offset
    from events
    {{ json_array_elements('events.plugins_json', 'plugins', 'plugin') }}

),

plugins as (

    select
        -- ids
        elements.event_id,
        elements.execution_id,
        elements.plugins_context_uuid,

        -- strings
        {{ json_get_field('elements.plugin_fields', 'category') }} as category,
        {{ json_get_field('elements.plugin_fields', 'name_hash') }}
            as name_hash,
        {{ json_get_field('elements.plugin_fields', 'namespace_hash') }}
            as namespace_hash,
        {{ json_get_field('elements.plugin_fields', 'executable_hash') }}
            as executable_hash,
        {{ json_get_field('elements.plugin_fields', 'variant_name_hash') }}
            as variant_name_hash,
        {{ json_get_field('elements.plugin_fields', 'parent_name_hash') }}
            as parent_name_hash,
        {{ json_get_field('elements.plugin_fields', 'pip_url_hash') }}
            as pip_url_hash,
        {{ json_get_field('elements.plugin_fields', 'command') }} as command,

        -- numerics
        cast(elements.plugin_offset as integer) + 1 as plugin_index

    from elements

)

select * from plugins
