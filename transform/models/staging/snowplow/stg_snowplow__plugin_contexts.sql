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

events as (

    select
        event_id,
        context_uuid,
        {{ json_parse('plugins_context') }} as plugins_json
    from {{ ref('stg_snowplow__events') }}
    where plugins_context is not null

),

plugins as (

    select
        -- ids
        events.event_id,
        events.context_uuid as execution_id,
        {{ json_get_text('events.plugins_json', 'context_uuid') }}
            as plugins_context_uuid,

        -- strings
        {{ json_get_text('plugin.value', 'category') }} as category,
        {{ json_get_text('plugin.value', 'name_hash') }} as name_hash,
        {{ json_get_text('plugin.value', 'namespace_hash') }} as namespace_hash,
        {{ json_get_text('plugin.value', 'executable_hash') }}
            as executable_hash,
        {{ json_get_text('plugin.value', 'variant_name_hash') }}
            as variant_name_hash,
        {{ json_get_text('plugin.value', 'parent_name_hash') }}
            as parent_name_hash,
        {{ json_get_text('plugin.value', 'pip_url_hash') }} as pip_url_hash,
        {{ json_get_text('plugin.value', 'command') }} as command,

        -- numerics
        cast(plugin.index as integer) + 1 as plugin_index

    from events
    {{ json_array_elements('events.plugins_json', 'plugins', 'plugin') }}

)

select * from plugins
