{{ config(materialized='table') }}

/*
    One row per counted Meltano command of a project, in whichever grain its
    era has: GA, one row per project, day and command line (GA aggregates
    by day: execution_count is its event count); Snowplow struct events of
    Meltano 1.97-1.105 (no contexts), one per event; Snowplow 2.x, one per
    execution (context_uuid). The era rule is the one of
    int_project_commands_aggregated_to_days: GA rows before the project's
    Snowplow activation date (or always, without one), Snowplow rows from
    it, so a command is never counted twice. Command lines are known by
    their command_line_hash only (the GA parser's int_command_lines_parsed
    says what they did): no raw action reaches this model. A table: two
    marts and int_plugin_executions_unioned read it.
*/

with

ga_events as (

    select * from {{ ref('int_ga_legacy_events_prioritised') }}
    where has_project_id

),

struct_events as (

    select * from {{ ref('stg_snowplow__events') }}
    where is_struct_event
        and not has_contexts
        and project_uuid is not null

),

snowplow_executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}
    where project_id is not null

),

interactive_configs as (

    -- cli_context options of `meltano config ... set --interactive`.
    select distinct context_uuid as execution_id
    from {{ ref('stg_snowplow__events') }}
    where cli_command = 'config'
        and is_interactive_config

),

activations as (

    select * from {{ ref('int_projects_activated') }}

),

command_lines as (

    select * from {{ ref('int_command_lines_parsed') }}

),

ga_daily as (

    select
        ga_events.project_id,
        ga_events.event_date as activity_date,
        ga_events.command_line_hash,
        sum(ga_events.event_count) as execution_count
    from ga_events
    left join activations
        on ga_events.project_id = activations.project_id
    where activations.snowplow_activation_date is null
        or ga_events.event_date < activations.snowplow_activation_date
    group by 1, 2, 3

),

ga_commands as (

    select
        'ga_daily_command' as execution_grain,
        'ga' as event_source,
        'ga' as event_type,
        cast(null as {{ dbt.type_string() }}) as execution_id,
        ga_daily.project_id,
        ga_daily.activity_date,
        cast(null as timestamp) as started_at,
        ga_daily.command_line_hash,
        -- GA only received an event after a command succeeded.
        'success' as completion_status,
        ga_daily.execution_count,
        false as uses_interactive_config
    from ga_daily

),

structured_commands as (

    select
        'snowplow_structured_event' as execution_grain,
        'snowplow' as event_source,
        'structured' as event_type,
        struct_events.event_id as execution_id,
        struct_events.project_uuid as project_id,
        struct_events.event_created_date as activity_date,
        struct_events.event_created_at as started_at,
        struct_events.command_line_hash,
        -- Sent with the GA event: after success only.
        'success' as completion_status,
        1 as execution_count,
        false as uses_interactive_config
    from struct_events
    inner join activations
        on struct_events.project_uuid = activations.project_id
    where struct_events.event_created_date
        >= activations.snowplow_activation_date

),

line_commands as (

    select
        counted.*,
        command_lines.command_category,
        command_lines.cli_command,
        command_lines.command_shape,
        command_lines.environment_name_hash,
        coalesce(command_lines.is_execution, false) as is_execution,
        coalesce(command_lines.uses_environment, false) as uses_environment,
        coalesce(command_lines.uses_transform, false) as uses_transform,
        coalesce(command_lines.uses_mappers, false) as uses_mappers,
        coalesce(command_lines.uses_run, false) as uses_run,
        coalesce(command_lines.uses_test, false) as uses_test,
        coalesce(command_lines.uses_schedule, false) as uses_schedule,
        coalesce(command_lines.uses_state, false) as uses_state,
        coalesce(command_lines.uses_select, false) as uses_select
    from (
        select * from ga_commands
        union all
        select * from structured_commands
    ) as counted
    left join command_lines
        on counted.command_line_hash = command_lines.command_line_hash

),

execution_commands as (

    select
        'snowplow_execution' as execution_grain,
        'snowplow' as event_source,
        'unstructured' as event_type,
        snowplow_executions.execution_id,
        snowplow_executions.project_id,
        snowplow_executions.started_date as activity_date,
        snowplow_executions.started_at,
        -- 2.x sends no command line, only cli_context's command.
        cast(null as {{ dbt.type_string() }}) as command_line_hash,
        snowplow_executions.status as completion_status,
        1 as execution_count,
        interactive_configs.execution_id is not null
            as uses_interactive_config,
        'meltano ' || snowplow_executions.cli_command as command_category,
        snowplow_executions.cli_command,
        'meltano ' || snowplow_executions.cli_command as command_shape,
        snowplow_executions.environment_name_hash,
        snowplow_executions.cli_command in (
            'elt', 'run', 'invoke', 'test', 'ui'
        ) as is_execution,
        snowplow_executions.environment_name_hash is not null
            as uses_environment,
        -- Mappers and transformers show in the plugins context instead.
        false as uses_transform,
        false as uses_mappers,
        coalesce(snowplow_executions.cli_command = 'run', false) as uses_run,
        coalesce(snowplow_executions.cli_command = 'test', false) as uses_test,
        coalesce(snowplow_executions.cli_command = 'schedule', false)
            as uses_schedule,
        coalesce(snowplow_executions.cli_command = 'state', false)
            as uses_state,
        coalesce(snowplow_executions.cli_command = 'select', false)
            as uses_select
    from snowplow_executions
    inner join activations
        on snowplow_executions.project_id = activations.project_id
    left join interactive_configs
        on snowplow_executions.execution_id = interactive_configs.execution_id
    where snowplow_executions.started_date
        >= activations.snowplow_activation_date

),

unioned as (

    select * from line_commands
    union all
    select * from execution_commands

),

final as (

    select
        -- ids
        {{ surrogate_key([
            'execution_grain',
            'execution_id',
            'project_id',
            'activity_date',
            'command_line_hash'
        ]) }} as command_execution_key,
        execution_id,
        project_id,
        command_line_hash,

        -- strings
        execution_grain,
        event_source,
        event_type,
        command_category,
        cli_command,
        command_shape,
        environment_name_hash,
        completion_status,

        -- numerics
        execution_count,

        -- booleans
        is_execution,
        uses_environment,
        uses_transform,
        uses_mappers,
        uses_run,
        uses_test,
        uses_schedule,
        uses_state,
        uses_select,
        uses_interactive_config,

        -- dates
        activity_date,

        -- timestamps
        started_at

    from unioned

)

select * from final
