{{ config(materialized='table') }}

/*
    One row per plugin a GA-era command line names (GA's event_action, the
    Snowplow struct events' se_action of Meltano 1.97-2.4), in the order the
    line names them: its name (clear when on MeltanoHub, else SHA-256), type,
    category, command and role. Parsed once per distinct command line
    (macro command_line_tokens); events join on command_line_hash. A mapping
    between a tap and its target is a row with role `mapping`: it names a
    mapping, not a mapper plugin.
*/

with

{{ command_line_tokens() }},

final as (

    select
        -- ids
        command_line_hash,

        -- strings
        plugin_name,
        plugin_type,
        plugin_category,
        plugin_command,
        token_role as plugin_role,

        -- numerics
        row_number() over (
            partition by command_line_hash order by token_position
        ) as plugin_position,

        -- booleans
        is_hub_plugin

    from classified_tokens
    where is_plugin

)

select * from final
