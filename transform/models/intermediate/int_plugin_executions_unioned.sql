{{ config(materialized='table') }}

/*
    One row per plugin per counted command, across both eras: GA, plugin x
    project x day x command line (execution_grain ga_daily_command,
    execution_count GA's event count); Snowplow struct events of Meltano
    1.97-1.105, plugin x event (snowplow_structured_event); Snowplow 2.x,
    plugin x execution (snowplow_execution, from its plugins context). The
    commands are int_cli_commands_counted's, so the era rule holds (GA before
    the project's Snowplow activation date, Snowplow from it): nothing is
    counted twice. A plugin a command names twice (`meltano run tap-x
    target-y tap-x target-z`) is one row: the mention with the worst status
    (failed, unknown, aborted, success; a run's blocks each have one), then
    the first, with its command and role. That choice is made per command
    line (108K rows at the benchmark's scale) and per execution before the
    join, not over the 1.8M joined rows: a command's mentions share its
    status, and an execution is one command. What fct_plugin_executions,
    fct_daily_plugin_usage, fct_feature_usage, dim_plugins and
    fct_hub_variant_metrics read: no mart reads a mart. A table: they all
    read it.
*/

with

commands as (

    select * from {{ ref('int_cli_commands_counted') }}

),

line_plugins as (

    select
        *,
        -- GA's command lines name no variant: the key's variant is null.
        {{ surrogate_key(['plugin_type', 'plugin_name', 'null']) }}
            as plugin_key
    from {{ ref('int_command_line_plugins') }}

),

-- A plugin named twice in one command line: its first mention.
first_line_plugins as (

    {{ dedupe_latest(
        'line_plugins',
        'command_line_hash, plugin_key',
        'plugin_position, plugin_role, plugin_command'
    ) }}

),

snowplow_plugins as (

    select
        *,
        {{ surrogate_key(['plugin_type', 'plugin_name', 'plugin_variant']) }}
            as plugin_key,
        case completion_status
            when 'failed' then 1
            when 'unknown' then 2
            when 'aborted' then 3
            else 4
        end as status_rank
    from {{ ref('int_snowplow_plugin_executions') }}

),

-- A plugin run in two blocks of one execution: its worst status, then its
-- first block.
first_snowplow_plugins as (

    {{ dedupe_latest(
        'snowplow_plugins',
        'execution_id, plugin_key',
        'status_rank, plugin_position, plugin_role, plugin_command'
    ) }}

),

from_command_lines as (

    select
        commands.command_execution_key,
        commands.execution_grain,
        commands.event_source,
        commands.event_type,
        commands.execution_id,
        commands.project_id,
        commands.activity_date,
        commands.started_at,
        commands.cli_command,
        commands.command_line_hash,
        line_plugins.plugin_name,
        line_plugins.is_hub_plugin,
        line_plugins.plugin_type,
        line_plugins.plugin_category,
        -- GA's command lines name plugins only: variant, pip_url and
        -- inheritance are invisible in the GA era.
        cast(null as {{ dbt.type_string() }}) as plugin_variant,
        cast(null as {{ dbt.type_string() }}) as plugin_pip_url,
        cast(null as {{ dbt.type_string() }}) as parent_name,
        false as is_inherited,
        line_plugins.plugin_command,
        line_plugins.plugin_role,
        commands.completion_status,
        commands.execution_count,
        commands.is_execution,
        line_plugins.plugin_position,
        line_plugins.plugin_key
    from commands
    inner join first_line_plugins as line_plugins
        on commands.command_line_hash = line_plugins.command_line_hash
    where commands.execution_grain in (
            'ga_daily_command', 'snowplow_structured_event'
        )

),

from_executions as (

    select
        commands.command_execution_key,
        commands.execution_grain,
        commands.event_source,
        commands.event_type,
        commands.execution_id,
        commands.project_id,
        commands.activity_date,
        commands.started_at,
        commands.cli_command,
        commands.command_line_hash,
        snowplow_plugins.plugin_name,
        snowplow_plugins.is_hub_plugin,
        snowplow_plugins.plugin_type,
        snowplow_plugins.plugin_category,
        snowplow_plugins.plugin_variant,
        snowplow_plugins.plugin_pip_url,
        snowplow_plugins.parent_name,
        coalesce(snowplow_plugins.is_inherited, false) as is_inherited,
        snowplow_plugins.plugin_command,
        snowplow_plugins.plugin_role,
        -- The plugin's own status within the execution (block events).
        snowplow_plugins.completion_status,
        commands.execution_count,
        commands.is_execution,
        snowplow_plugins.plugin_position,
        snowplow_plugins.plugin_key
    from commands
    inner join first_snowplow_plugins as snowplow_plugins
        on commands.execution_id = snowplow_plugins.execution_id
    where commands.execution_grain = 'snowplow_execution'

),

mentions as (

    select * from from_command_lines
    union all
    select * from from_executions

),

final as (

    select
        -- ids
        {{ surrogate_key(['command_execution_key', 'plugin_key']) }}
            as plugin_execution_key,
        plugin_key,
        command_execution_key,
        execution_id,
        project_id,
        command_line_hash,

        -- strings
        execution_grain,
        event_source,
        event_type,
        cli_command,
        plugin_name,
        plugin_type,
        plugin_category,
        plugin_variant,
        plugin_pip_url,
        parent_name,
        plugin_command,
        plugin_role,
        completion_status,

        -- numerics
        execution_count,

        -- booleans
        is_hub_plugin,
        is_inherited,
        is_execution,

        -- dates
        activity_date,

        -- timestamps
        started_at

    from mentions

)

select * from final
