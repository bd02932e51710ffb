/*
    One row per Meltano CLI execution Snowplow saw with a project id, in
    either of its two shapes: a struct event without contexts (Meltano
    1.97-1.105 sent one per successful command, mirroring the GA event) or an
    execution grouped by context_uuid (Meltano 2.x, with a status). Every
    execution is here, before and after the project's Snowplow activation;
    which of them count for a project is decided downstream.
*/

with

snowplow_events as (

    select * from {{ ref('stg_snowplow__events') }}
    where is_struct_event
        and not has_contexts
        and project_uuid is not null

),

command_lines as (

    select * from {{ ref('int_command_lines_parsed') }}

),

executions as (

    select * from {{ ref('int_snowplow_executions_grouped') }}
    where project_id is not null

),

structured as (

    select
        -- ids
        snowplow_events.event_id as execution_id,
        snowplow_events.project_uuid as project_id,
        snowplow_events.command_line_hash,

        -- strings
        'structured' as event_type,
        -- Struct events were sent with the GA event: after success only.
        'success' as status,
        snowplow_events.project_uuid_source,
        snowplow_events.se_category as command_category,
        {{ dbt.split_part('snowplow_events.se_category', "' '", 2) }}
            as cli_command,
        -- the parsed shape, never the raw action (user-typed text)
        command_lines.command_shape,
        command_lines.environment_name_hash,
        cast(null as {{ dbt.type_string() }}) as meltano_version,
        cast(null as {{ dbt.type_string() }}) as exception_type,
        snowplow_events.ip_address_hash,

        -- numerics
        cast(null as integer) as exit_code,

        -- booleans
        snowplow_events.is_ci_environment,

        -- dates
        snowplow_events.event_created_date as executed_date,

        -- timestamps
        snowplow_events.event_created_at as executed_at,
        cast(null as timestamp) as started_at,
        cast(null as timestamp) as finished_at

    from snowplow_events
    left join command_lines
        on snowplow_events.command_line_hash = command_lines.command_line_hash

),

unstructured as (

    select
        -- ids
        execution_id,
        project_id,
        cast(null as {{ dbt.type_string() }}) as command_line_hash,

        -- strings
        'unstructured' as event_type,
        status,
        project_uuid_source,
        'meltano ' || cli_command as command_category,
        cli_command,
        'meltano ' || cli_command as command_shape,
        environment_name_hash,
        meltano_version,
        exception_type,
        ip_address_hash,

        -- numerics
        exit_code,

        -- booleans
        is_ci_environment,

        -- dates
        started_date as executed_date,

        -- timestamps
        started_at as executed_at,
        started_at,
        finished_at

    from executions

),

unioned as (

    select * from structured
    union all
    select * from unstructured

)

select * from unioned
